/**
 * Scenario A, the messaging floor: a kubemq-js sender, the broker and a trivial responder
 * process that echoes 1 KiB wire-format bodies back, with no S3 behind it.
 */
import { encodeRequest } from "../../lib/wire.ts";
import { type BenchContext, payload } from "../context.ts";
import { runRepeated } from "../load.ts";
import { type LoadSummary, summarizeRuns } from "../stats.ts";

/** A's figures per concurrency level. */
export interface EchoResult {
  concurrency: number;
  load: LoadSummary;
}

const responderPath = new URL("../echo_responder.ts", import.meta.url).pathname;

/** Runs scenario A at the profile's floor concurrency levels. */
export async function runEcho(ctx: BenchContext): Promise<EchoResult[]> {
  const channel = `bench.echo.${Date.now().toString(36)}`;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", responderPath, ctx.brokerAddress, channel],
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  try {
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    const first = await reader.read();
    if (!first.value?.includes("subscribed")) throw new Error("echo responder did not start");
    void (async () => {
      while (!(await reader.read()).done) { /* drain */ }
    })();
    const body = encodeRequest({
      metadata: { method: "echo" },
      data: payload(1024),
    });
    const op = async () => {
      const res = await ctx.sender.sendQuery({ channel, body, timeoutMs: 10_000 });
      if (!res.executed || res.body.length !== body.length) {
        throw new Error(`echo failed: ${res.error || `${res.body.length} bytes back`}`);
      }
    };
    // The subscription is not acknowledged: retry the first query until the responder has it.
    for (let attempt = 0;; attempt++) {
      try {
        await op();
        break;
      } catch (err) {
        if (attempt > 50) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    const out: EchoResult[] = [];
    for (const concurrency of ctx.profile.floorConcurrency) {
      ctx.log(`A echo c=${concurrency}`);
      const runs = await runRepeated(op, {
        concurrency,
        ops: ctx.profile.ops(concurrency),
        warmup: ctx.profile.warmup(concurrency),
        repeats: ctx.profile.repeats,
      });
      out.push({ concurrency, load: summarizeRuns(runs) });
    }
    return out;
  } finally {
    try {
      child.kill("SIGTERM");
    } catch { /* gone */ }
    await child.status;
  }
}
