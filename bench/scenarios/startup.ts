/**
 * Scenario E's start-up figures: time from spawning the connector (production flags) to its
 * first /ready 200, over fresh processes, with the broker and S3 already running.
 */
import { benchConfig, startBenchConnector } from "../stack.ts";
import { summarize, type Summary } from "../stats.ts";

/** Start-up figures over `starts` fresh processes. */
export interface StartupResult {
  /** Spawn to /ready 200, ms. */
  readyMs: Summary;
  /** Spawn to the "HTTP API listening" log line, ms. */
  listeningMs: Summary;
}

/** Starts and stops the connector `starts` times on a channel of its own. */
export async function runStartup(
  brokerAddress: string,
  starts: number,
  log: (line: string) => void,
): Promise<StartupResult> {
  const config = await benchConfig(brokerAddress, `bench.startup.${Date.now().toString(36)}`);
  const ready: number[] = [];
  const listening: number[] = [];
  try {
    for (let i = 0; i < starts; i++) {
      log(`E start-to-ready ${i + 1}/${starts}`);
      const connector = await startBenchConnector(config);
      ready.push(connector.readyMs);
      listening.push(connector.listeningMs);
      await connector.stop();
    }
  } finally {
    await Deno.remove(config).catch(() => {});
  }
  return { readyMs: summarize(ready), listeningMs: summarize(listening) };
}
