// deno-lint-ignore-file no-console -- a command-line tool: the console is its output
/**
 * Graceful broker restarts (GOAWAY) against a responder on each KubeMQ transport of
 * bench/probe_transport.ts, each as its client would run in the connector (the GOAWAY guard
 * installed): does the process survive Deno 2.9.6's node:http2 GOAWAY crash (denoland/deno#36788,
 * lib/sources/kubemq/goaway_guard.ts)? Per transport: a responder subscribes (and again
 * after each stream end), then `--restarts` graceful restarts (single and double GOAWAY in
 * turn), each followed by a query that must be answered. A crash is the responder's exit status
 * (a signal or a non-zero code) before the probe stops it. Results:
 * bench/results/transport_goaway.json. Usage: `deno run -A bench/probe_goaway.ts [--restarts 20] [--transports lean,connect-es,grpc-js]`.
 */
import { parseArgs } from "node:util";
import { startTestBroker } from "../testing/broker.ts";
import { createKubemqClient } from "../testing/kubemq_client.ts";

const { values: args } = parseArgs({
  args: Deno.args,
  options: {
    restarts: { type: "string", default: "20" },
    transports: { type: "string", default: "lean,connect-es,grpc-js" },
    out: { type: "string", default: "bench/results/transport_goaway.json" },
  },
});
const restarts = Number(args.restarts);
const responderPath = new URL("./transport_responder.ts", import.meta.url).pathname;
const OK_ASK = new Uint8Array(16);

/** One transport's outcome. */
interface Outcome {
  restartsDone: number;
  answeredAfterRestart: number;
  /** The exit status if the responder ended before the probe stopped it. */
  crashed: { code: number; signal: string | null } | null;
  stderrTail: string[];
  /** One line per restart. */
  log: string[];
  /** The responder did not end within 5 s of SIGTERM (killed). */
  hungOnStop: boolean;
}

async function probe(transport: string): Promise<Outcome> {
  await using broker = await startTestBroker();
  using sender = createKubemqClient({
    address: broker.address,
    clientId: "goaway-sender",
    waitForReady: true,
    reconnectBackoffMs: 100,
  });
  const channel = `goaway.${transport}`;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", responderPath, transport, broker.address, channel],
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const tail: string[] = [];
  const pump = child.stderr.pipeThrough(new TextDecoderStream()).pipeTo(
    new WritableStream({
      write(text) {
        const lines = text.split("\n").filter(Boolean);
        if (Deno.env.get("PROBE_VERBOSE")) { for (const l of lines) console.log(`  | ${l}`); }
        tail.push(...lines);
        tail.splice(0, Math.max(0, tail.length - 20));
      },
    }),
  );
  const out: Outcome = {
    restartsDone: 0,
    answeredAfterRestart: 0,
    crashed: null,
    stderrTail: [],
    log: [],
    hungOnStop: false,
  };
  let exited = false;
  let stopping = false;
  const status = child.status.then((s) => {
    exited = true;
    // Ended before the probe stopped it: a crash, whatever the status.
    if (!stopping) out.crashed = { code: s.code, signal: s.signal };
  });
  try {
    await broker.waitForSubscribers(channel, 1, 15_000);
    for (let i = 1; i <= restarts && !exited; i++) {
      const t0 = performance.now();
      await broker.restart({ graceful: true, graceMs: 300, goaway: i % 2 ? "single" : "double" });
      out.restartsDone = i;
      let outcome = "not serving again";
      try {
        await broker.waitForSubscribers(channel, 1, 10_000);
        const res = await sender.sendQuery({ channel, body: OK_ASK, timeoutMs: 5000 });
        if (res.body.length === 2) {
          out.answeredAfterRestart++;
          outcome = `serving again after ${(performance.now() - t0).toFixed(0)} ms`;
        }
      } catch (err) {
        outcome += `: ${err instanceof Error ? err.message : err}`;
      }
      out.log.push(`restart ${i}: ${exited ? "responder gone" : outcome}`);
      if (Deno.env.get("PROBE_VERBOSE")) console.log(`${transport} ${out.log.at(-1)}`);
      // Let the old sessions' GOAWAY handling and deferred closes run before the next stop.
      await new Promise((r) => setTimeout(r, 300));
    }
  } finally {
    stopping = true;
    if (!exited) child.kill("SIGTERM");
    // A responder whose event loop is blocked never runs its SIGTERM handler.
    const hung = setTimeout(() => {
      out.hungOnStop = true;
      child.kill("SIGKILL");
    }, 5000);
    await status;
    clearTimeout(hung);
    await pump.catch(() => {});
  }
  out.stderrTail = tail.filter((l) => !l.startsWith("stream ended"));
  return out;
}

// A transport may be named more than once, for more runs of it.
const results: ({ transport: string } & Outcome)[] = [];
for (const transport of args.transports.split(",")) {
  const o = await probe(transport);
  results.push({ transport, ...o });
  console.log(
    `${
      transport.padEnd(10)
    } restarts ${o.restartsDone}/${restarts}, answered after ${o.answeredAfterRestart}, ${
      o.crashed ? `CRASHED (code ${o.crashed.code}, signal ${o.crashed.signal})` : "no crash"
    }${o.hungOnStop ? ", did not end on SIGTERM" : ""}`,
  );
  for (const line of o.stderrTail.slice(-5)) console.log(`  ${line}`);
}
await Deno.writeTextFile(
  args.out,
  JSON.stringify(
    { at: new Date().toISOString(), deno: Deno.version.deno, restarts, results },
    null,
    2,
  ) + "\n",
);
