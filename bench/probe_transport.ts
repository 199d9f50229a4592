// deno-lint-ignore-file no-console -- a command-line tool: the console is its output
/**
 * Side-by-side comparison of three KubeMQ transports for the connector (issue 20): the lean
 * node:http2 client (lib/sources/kubemq/requests_client.ts), connect-es (bench/connect_es/) and
 * grpc-js (bench/transports/grpc_js_client.ts). Per repeat, each transport in turn (the order
 * rotates, so a slow minute falls on all alike) gets a fresh responder process
 * (transport_responder.ts) subscribed to queries on the test broker, and the probe measures in
 * that process: its idle RSS after connecting; its CPU (utime + stime) per 1,000 small queries
 * at concurrency 32; and for one `--size` MiB object's wire body (~85 MiB for 64), received as a
 * query and sent as a response, the time and its peak RSS (VmHWM after a reset, and 20 ms
 * samples). Medians over the repeats, the lines of code of each and the decision rule of issue
 * 20 go to bench/results/transport_probe.json and a table on stdout.
 * Usage: `deno run -A bench/probe_transport.ts [--size 64] [--repeats 5] [--ops 2000]`.
 */
import { parseArgs } from "node:util";
import { createKubemqClient, type KubemqTestClient } from "../testing/kubemq_client.ts";
import { encodeRequest } from "../lib/wire.ts";
import { payload } from "./context.ts";
import { runLoad } from "./load.ts";
import { cpuTimeMs, memory, resetPeak, sampleRss } from "./proc.ts";
import { ensureBroker } from "./stack.ts";
import { median } from "./stats.ts";
import { transportLoc } from "./transport_loc.ts";
import { decide, type TransportFigures } from "./transport_decision.ts";

const { values: args } = parseArgs({
  args: Deno.args,
  options: {
    size: { type: "string", default: "64" },
    repeats: { type: "string", default: "5" },
    ops: { type: "string", default: "2000" },
    warmup: { type: "string", default: "500" },
    concurrency: { type: "string", default: "32" },
    out: { type: "string", default: "bench/results/transport_probe.json" },
  },
});
const MiB = 1024 * 1024;
const TRANSPORTS = ["lean", "connect-es", "grpc-js"] as const;
const repeats = Number(args.repeats);
const ops = Number(args.ops);
const concurrency = Number(args.concurrency);

interface Transfer {
  ms: number;
  peak: number;
  cpuMs: number;
}

/** One responder's figures in one repeat. */
interface Run {
  idleRss: number;
  cpuMsPer1000: number;
  smallElapsedMs: number;
  /** A large transfer: wall time, the responder's peak RSS and CPU (less load-bound than time). */
  receive: Transfer;
  send: Transfer;
  exitCode: number;
}

const responderPath = new URL("./transport_responder.ts", import.meta.url).pathname;

async function waitForSubscriber(sender: KubemqTestClient, channel: string): Promise<void> {
  const deadline = performance.now() + 15_000;
  for (;;) {
    const res = await sender.sendQuery({ channel, body: OK_ASK, timeoutMs: 2000 })
      .catch((err) => ({ error: String(err), body: new Uint8Array() }));
    if (res.body.length === 2) return;
    if (performance.now() > deadline) throw new Error(`no responder on ${channel}: ${res.error}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const OK_ASK = payload(1024);

async function measure(
  transport: string,
  address: string,
  sender: KubemqTestClient,
  large: Uint8Array,
): Promise<Run> {
  const channel = `probe.${transport}.${Date.now().toString(36)}`;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", responderPath, transport, address, channel],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  try {
    const first = await reader.read();
    if (!first.value?.includes("subscribed")) throw new Error(`${transport}: responder failed`);
    // Idle: connected and subscribed, before any query; let start-up garbage settle first.
    await new Promise((r) => setTimeout(r, 1000));
    const idleRss = memory(child.pid).rss;
    await waitForSubscriber(sender, channel);

    const small = async () => {
      const res = await sender.sendQuery({ channel, body: OK_ASK, timeoutMs: 30_000 });
      if (res.body.length !== 2) throw new Error(`${transport}: small query: ${res.error}`);
    };
    await runLoad(small, { concurrency, ops: Number(args.warmup) });
    const cpu0 = cpuTimeMs(child.pid);
    const load = await runLoad(small, { concurrency, ops });
    const cpuMsPer1000 = ((cpuTimeMs(child.pid) - cpu0) / ops) * 1000;

    const big = async (msg: Uint8Array, expect: number) => {
      resetPeak(child.pid);
      const sampler = sampleRss(child.pid);
      const cpuBefore = cpuTimeMs(child.pid);
      const t0 = performance.now();
      const res = await sender.sendQuery({ channel, body: msg, timeoutMs: 300_000 });
      const ms = performance.now() - t0;
      const cpuMs = cpuTimeMs(child.pid) - cpuBefore;
      const peak = Math.max(sampler.stop(), memory(child.pid).hwm);
      if (res.body.length !== expect) throw new Error(`${transport}: large: ${res.error}`);
      return { ms, peak, cpuMs };
    };
    const receive = await big(large, 2);
    const ask = new TextEncoder().encode(`{"reply_bytes":${large.length}}`);
    const send = await big(ask, large.length);
    child.kill("SIGTERM");
    const status = await child.status;
    return {
      idleRss,
      cpuMsPer1000,
      smallElapsedMs: load.elapsedMs,
      receive,
      send,
      exitCode: status.code,
    };
  } catch (err) {
    try {
      child.kill("SIGKILL");
    } catch { /* already gone */ }
    await child.status;
    throw err;
  } finally {
    await reader.cancel().catch(() => {});
  }
}

function figuresOf(runs: Run[]): TransportFigures {
  const m = (f: (r: Run) => number) => median(runs.map(f));
  return {
    receiveMs: m((r) => r.receive.ms),
    receivePeakMiB: m((r) => r.receive.peak) / MiB,
    receiveCpuMs: m((r) => r.receive.cpuMs),
    sendMs: m((r) => r.send.ms),
    sendPeakMiB: m((r) => r.send.peak) / MiB,
    sendCpuMs: m((r) => r.send.cpuMs),
    cpuMsPer1000: m((r) => r.cpuMsPer1000),
    idleRssMiB: m((r) => r.idleRss) / MiB,
  };
}

const loadStart = Deno.loadavg();
const startedAt = new Date().toISOString();
const broker = await ensureBroker();
const sender = createKubemqClient({ address: broker.address, clientId: "probe-sender" });
const large = encodeRequest({
  metadata: { method: "upload_item" },
  data: payload(Number(args.size) * MiB),
});
/**
 * Warms the sender and the broker on both large paths (and small queries) with a responder in
 * this process, so that the first transport measured does not pay for their first large message.
 */
async function warmUp(): Promise<void> {
  const channel = `probe.warmup.${Date.now().toString(36)}`;
  const ok = new TextEncoder().encode("ok");
  const sub = sender.subscribeQueries(channel, "", (req) => ({
    executed: true,
    body: req.body.length === 1 ? large : ok,
  }));
  try {
    await waitForSubscriber(sender, channel);
    const inbound = await sender.sendQuery({ channel, body: large, timeoutMs: 300_000 });
    const outbound = await sender.sendQuery({
      channel,
      body: ok.subarray(0, 1),
      timeoutMs: 300_000,
    });
    if (inbound.body.length !== 2 || outbound.body.length !== large.length) {
      throw new Error(`warm-up failed: ${inbound.error} ${outbound.error}`);
    }
  } finally {
    await sub.close();
  }
}

const runs: Record<string, Run[]> = Object.fromEntries(TRANSPORTS.map((t) => [t, []]));
const orders: string[][] = [];
try {
  await warmUp();
  for (let r = 0; r < repeats; r++) {
    const order = TRANSPORTS.map((_, i) => TRANSPORTS[(i + r) % TRANSPORTS.length]!);
    orders.push(order);
    for (const t of order) {
      const run = await measure(t, broker.address, sender, large);
      runs[t]!.push(run);
      console.log(
        `repeat ${r + 1} ${t.padEnd(10)} idle ${(run.idleRss / MiB).toFixed(0)} MiB, cpu ${
          run.cpuMsPer1000.toFixed(0)
        } ms/1000, receive ${run.receive.ms.toFixed(0)} ms ${
          (run.receive.peak / MiB).toFixed(0)
        } MiB, send ${run.send.ms.toFixed(0)} ms ${
          (run.send.peak / MiB).toFixed(0)
        } MiB, exit ${run.exitCode}`,
      );
    }
  }
} finally {
  sender.close();
  await broker.close();
}
const loadEnd = Deno.loadavg();

const medians = Object.fromEntries(TRANSPORTS.map((t) => [t, figuresOf(runs[t]!)]));
const decision = decide(medians);
const loc = transportLoc();
const git = (...a: string[]) =>
  new Deno.Command("git", { args: a, stdout: "piped" }).output().then((o) =>
    new TextDecoder().decode(o.stdout).trim()
  );
const result = {
  startedAt,
  finishedAt: new Date().toISOString(),
  commit: await git("rev-parse", "--short", "HEAD"),
  /** Files of the probe or the transports changed since that commit. */
  uncommitted: (await git("status", "--porcelain", "--", "bench", "lib")).split("\n").filter(
    Boolean,
  ),
  deno: Deno.version.deno,
  machine: {
    cpus: navigator.hardwareConcurrency,
    loadavgStart: loadStart,
    loadavgEnd: loadEnd,
    note: "shared machine (2 cores, other agents working): figures are noisy",
  },
  settings: {
    objectMiB: Number(args.size),
    messageBytes: large.length,
    repeats,
    smallOps: ops,
    smallBodyBytes: OK_ASK.length,
    warmupOps: Number(args.warmup),
    concurrency,
  },
  orders,
  runs,
  medians,
  loc,
  decision,
};
await Deno.writeTextFile(args.out, JSON.stringify(result, null, 2) + "\n");

console.log(
  `\nmedians of ${repeats} (${(large.length / MiB).toFixed(1)} MiB message; loadavg ${
    loadStart[0]
  } → ${loadEnd[0]})`,
);
console.log(
  "transport   receive: ms  MiB  CPU ms   send: ms  MiB  CPU ms   CPU ms/1000  idle MiB  own lines (code)",
);
for (const t of TRANSPORTS) {
  const f = medians[t]!;
  const own = Object.entries(loc[t]!).filter(([g]) => g !== "generated");
  const lines = own.reduce((n, [, c]) => n + c.lines, 0);
  const code = own.reduce((n, [, c]) => n + c.code, 0);
  const n = (v: number, w: number) => v.toFixed(0).padStart(w);
  console.log(
    [
      t.padEnd(10),
      n(f.receiveMs, 12),
      n(f.receivePeakMiB, 4),
      n(f.receiveCpuMs, 7),
      n(f.sendMs, 10),
      n(f.sendPeakMiB, 4),
      n(f.sendCpuMs, 7),
      n(f.cpuMsPer1000, 13),
      n(f.idleRssMiB, 9),
      `${lines} (${code})`.padStart(17),
    ].join(" "),
  );
}
console.log(`\ndecision: ${decision.choice} (${decision.reason})`);
console.log(`written to ${args.out}`);
