// deno-lint-ignore-file no-console -- a command-line tool: the console is its output
/**
 * A focused probe of scenario D, for profiling one change at a time: starts a broker and the
 * connector (as the bench does, BENCH_CONNECTOR_DENO_FLAGS honoured), then times `--repeats`
 * upload_item and get_item transfers of `--size` MiB, printing the connector's peak RSS (VmHWM
 * after a reset, plus 20 ms sampling) and its RSS before each transfer. `--parallel N` runs N
 * such transfers at once (N objects), for the memory of concurrent large bodies.
 *
 * `--small N` first runs N upload_item and N get_item of 1 KiB at concurrency 32 (as scenario
 * C does), printing the RSS after them. `--small-method upload_item` (or `get_item`) runs 2N of
 * that method only; a list (`upload_item,get_item`) runs them one after the other, as the bench
 * does. `--small-concurrency 1` sets the levels (default `32,1`) and `--small-rounds R` runs each
 * method R times per level (on a fresh connector the first includes the JIT's warm-up), so a CPU
 * profile can be taken of one method at one concurrency; `--small-gap-ms G` leaves the connector
 * idle for G ms between rounds.
 *
 * `--kind query|command|queue|events` instead runs scenario K for that kind alone
 * (bench/scenarios/kinds.ts): a fresh connector with one binding of the kind, its idle RSS, then
 * `--repeats` uploads of `--parallel` objects at once sent through the kind (for the queue, with
 * `batch_size` set to `--parallel`), each checked in S3 by hash; it prints idle, before and peak
 * RSS and (peak − idle) ÷ object per transfer.
 *
 * Usage: `deno run -A bench/probe_large.ts [--size 64] [--repeats 3] [--small 0]
 * [--small-method both] [--small-concurrency 32,1] [--small-rounds 1] [--parallel 1]
 * [--kind K]` with S3_* set.
 */
import { parseArgs } from "node:util";
import { createKubemqClient } from "../testing/kubemq_client.ts";
import { createTestBucket, deleteTestBucketFully } from "../testing/s3.ts";
import { decodeResponse, encodeRequest } from "../lib/wire.ts";
import { baselineS3Client, payload } from "./context.ts";
import { growthRatio } from "./kind_memory.ts";
import { type BenchKind, benchKind } from "./kinds.ts";
import { measureKind } from "./scenarios/kinds.ts";
import { cpuTimeMs, memory, parseCpuTimeMs, resetPeak, sampleRss } from "./proc.ts";
import { benchConfig, ensureBroker, ensureS3, startBenchConnector } from "./stack.ts";

const { values: args } = parseArgs({
  args: Deno.args,
  options: {
    size: { type: "string", default: "64" },
    repeats: { type: "string", default: "3" },
    small: { type: "string", default: "0" },
    "small-method": { type: "string", default: "both" },
    "small-concurrency": { type: "string", default: "32,1" },
    "small-rounds": { type: "string", default: "1" },
    "small-gap-ms": { type: "string", default: "0" },
    parallel: { type: "string", default: "1" },
    kind: { type: "string" },
  },
});
if (args.kind !== undefined) {
  await _probeKind(benchKind(args.kind));
  Deno.exit(0);
}
const modes = args["small-method"].split(",");
for (const mode of modes) {
  if (!["both", "upload_item", "get_item"].includes(mode)) {
    throw new Error(`--small-method: both, upload_item or get_item (comma-separated), not ${mode}`);
  }
}
const MiB = 1024 * 1024;
const size = Number(args.size) * MiB;
const parallel = Number(args.parallel);
const s3env = await ensureS3();
const broker = await ensureBroker();
const s3 = baselineS3Client(s3env);
const bucket = await createTestBucket(s3, "probe");
const channel = `probe.${Date.now().toString(36)}`;
const config = await benchConfig(broker.address, channel);
const sender = createKubemqClient({ address: broker.address, clientId: "probe-sender" });
const connector = await startBenchConnector(config);
const mib = (n: number) => (n / MiB).toFixed(0);
const direct = (Deno.env.get("BENCH_CONNECTOR_MAIN") ?? "").includes("app_direct");
/**
 * CPU ms of the connector's threads by kind: the JavaScript thread (`worker-1`, the sandbox
 * Worker; the main thread under bench/app_direct.ts), V8's helpers (`V8 DefaultWorke`: the
 * optimizing compiler and parallel GC) and the rest (launcher, tokio, inotify).
 */
const threadCpu = (pid: number) => {
  const out = { js: 0, v8: 0, rest: 0 };
  for (const task of Deno.readDirSync(`/proc/${pid}/task`)) {
    try {
      const dir = `/proc/${pid}/task/${task.name}`;
      const comm = Deno.readTextFileSync(`${dir}/comm`).trim();
      const ms = parseCpuTimeMs(Deno.readTextFileSync(`${dir}/stat`));
      if (comm.startsWith("V8 ")) out.v8 += ms;
      else if (comm === "worker-1" || (task.name === String(pid) && direct)) out.js += ms;
      else out.rest += ms;
    } catch { /* the thread ended */ }
  }
  return out;
};
try {
  const ask = async (metadata: Record<string, string>, data: Uint8Array | null) => {
    const res = await sender.sendQuery({
      channel,
      body: encodeRequest({ metadata, data }),
      timeoutMs: 300_000,
    });
    if (!res.executed) throw new Error(res.error);
    const out = decodeResponse(res.body);
    if (out.isError) throw new Error(out.error);
    return out.data;
  };
  for (let i = 0;; i++) {
    try {
      await ask({ method: "head_bucket", bucket_name: bucket }, null);
      break;
    } catch (err) {
      if (i > 30) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  console.log(`idle RSS ${mib(memory(connector.pid).rss)} MiB`);
  const small = Number(args.small);
  if (small > 0) {
    const kib = payload(1024);
    let next = 0;
    const worker = (mode: string) => async () => {
      while (next < 2 * small) {
        const i = next++;
        const method = mode === "both" ? (i % 2 === 0 ? "upload_item" : "get_item") : mode;
        if (method === "upload_item") {
          await ask({ method: "upload_item", bucket_name: bucket, item_name: `s/${i}` }, kib);
        } else await ask({ method: "get_item", bucket_name: bucket, item_name: "s/0" }, null);
      }
    };
    await ask({ method: "upload_item", bucket_name: bucket, item_name: "s/0" }, kib);
    const levels = args["small-concurrency"].split(",").map(Number);
    const rounds = Number(args["small-rounds"]);
    for (const c of levels) {
      for (const mode of modes) {
        for (let r = 0; r < rounds; r++) {
          if (r > 0 && Number(args["small-gap-ms"]) > 0) {
            await new Promise((res) => setTimeout(res, Number(args["small-gap-ms"])));
          }
          next = 0;
          const cpu0 = cpuTimeMs(connector.pid);
          const threads0 = threadCpu(connector.pid);
          const t0 = performance.now();
          await Promise.all(Array.from({ length: c }, worker(mode)));
          const ms = performance.now() - t0;
          const threads = threadCpu(connector.pid);
          const per1000 = (cpu: number) => (cpu / (2 * small) * 1000).toFixed(0);
          console.log(
            `${2 * small} small ${mode} at concurrency ${c} in ${ms.toFixed(0)} ms (${
              (ms / (2 * small) * c).toFixed(2)
            } ms each), connector CPU ${
              ((cpuTimeMs(connector.pid) - cpu0) / (2 * small) * 1000).toFixed(0)
            } ms per 1000 (JS thread ${per1000(threads.js - threads0.js)}, V8 helpers ${
              per1000(threads.v8 - threads0.v8)
            }, rest ${per1000(threads.rest - threads0.rest)}); RSS ${
              mib(memory(connector.pid).rss)
            } MiB`,
          );
        }
      }
    }
    await new Promise((r) => setTimeout(r, 1000));
    console.log(`RSS 1 s later ${mib(memory(connector.pid).rss)} MiB`);
  }
  const data = payload(size);
  for (let r = 0; r < Number(args.repeats); r++) {
    for (const dir of ["upload", "download"] as const) {
      const before = memory(connector.pid).rss;
      resetPeak(connector.pid);
      const sampler = sampleRss(connector.pid);
      const t0 = performance.now();
      const results = await Promise.all(
        Array.from(
          { length: parallel },
          (_, i) =>
            dir === "upload"
              ? ask({ method: "upload_item", bucket_name: bucket, item_name: `p${i}` }, data)
              : ask({ method: "get_item", bucket_name: bucket, item_name: `p${i}` }, null),
        ),
      );
      const ms = performance.now() - t0;
      const peak = Math.max(sampler.stop(), memory(connector.pid).hwm);
      if (Deno.env.get("PROBE_TIMELINE")) {
        console.log(sampler.timeline.map(([t, r]) => `${t.toFixed(0)}:${mib(r)}`).join(" "));
      }
      if (dir === "download" && results.some((got) => got?.length !== size)) {
        throw new Error("size differs");
      }
      console.log(
        `${dir} ${parallel > 1 ? `${parallel} × ` : ""}${args.size} MiB: ${
          ms.toFixed(0)
        } ms, RSS before ${mib(before)} MiB, peak ${mib(peak)} MiB`,
      );
    }
  }
} finally {
  sender.close();
  await connector.stop();
  await broker.close();
  await Deno.remove(config).catch(() => {});
  await deleteTestBucketFully(bucket, s3).catch(() => {});
  s3.destroy();
}

/** `--kind`: scenario K for one kind, printed transfer by transfer. */
async function _probeKind(kind: BenchKind): Promise<void> {
  const s3env = await ensureS3();
  const broker = await ensureBroker();
  const s3 = baselineS3Client(s3env);
  const bucket = await createTestBucket(s3, "probe");
  try {
    const parallel = Number(args.parallel);
    const r = await measureKind(kind, {
      brokerAddress: broker.address,
      s3,
      bucket,
      sizeMiB: Number(args.size),
      repeats: Number(args.repeats),
      parallel,
      settleMs: 3000,
      log: (line) => console.error(line),
    });
    const MiB = 1024 * 1024;
    const mib = (n: number) => (n / MiB).toFixed(0);
    const bytes = r.sizeMiB * MiB * parallel;
    console.log(`kubemq.${kind}: idle RSS ${mib(r.idleRss)} MiB`);
    r.peakRss.runs.forEach((peak, i) => {
      console.log(
        `upload ${parallel > 1 ? `${parallel} × ` : ""}${r.sizeMiB} MiB: ${
          (r.seconds.runs[i]! * 1000).toFixed(0)
        } ms, RSS before ${mib(r.rssBefore.runs[i]!)} MiB, peak ${
          mib(peak)
        } MiB, (peak − idle) ÷ object ${growthRatio(peak, r.idleRss, bytes).toFixed(2)}`,
      );
    });
  } finally {
    await broker.close();
    await deleteTestBucketFully(bucket, s3).catch(() => {});
    s3.destroy();
  }
}
