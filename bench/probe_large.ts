// deno-lint-ignore-file no-console -- a command-line tool: the console is its output
/**
 * A focused probe of scenario D, for profiling one change at a time: starts a broker and the
 * connector (as the bench does, BENCH_CONNECTOR_DENO_FLAGS honoured), then times `--repeats`
 * upload_item and get_item transfers of `--size` MiB, printing the connector's peak RSS (VmHWM
 * after a reset, plus 20 ms sampling) and its RSS before each transfer.
 *
 * `--small N` first runs N upload_item and N get_item of 1 KiB at concurrency 32 (as scenario
 * C does), printing the RSS after them.
 *
 * Usage: `deno run -A bench/probe_large.ts [--size 64] [--repeats 3] [--small 0]` with S3_* set.
 */
import { parseArgs } from "node:util";
import { createKubemqClient } from "../testing/kubemq_client.ts";
import { createTestBucket, deleteTestBucketFully } from "../testing/s3.ts";
import { decodeResponse, encodeRequest } from "../lib/wire.ts";
import { baselineS3Client, payload } from "./context.ts";
import { cpuTimeMs, memory, resetPeak, sampleRss } from "./proc.ts";
import { benchConfig, ensureBroker, ensureS3, startBenchConnector } from "./stack.ts";

const { values: args } = parseArgs({
  args: Deno.args,
  options: {
    size: { type: "string", default: "64" },
    repeats: { type: "string", default: "3" },
    small: { type: "string", default: "0" },
  },
});
const MiB = 1024 * 1024;
const size = Number(args.size) * MiB;
const s3env = await ensureS3();
const broker = await ensureBroker();
const s3 = baselineS3Client(s3env);
const bucket = await createTestBucket(s3, "probe");
const channel = `probe.${Date.now().toString(36)}`;
const config = await benchConfig(broker.address, channel);
const sender = createKubemqClient({ address: broker.address, clientId: "probe-sender" });
const connector = await startBenchConnector(config);
const mib = (n: number) => (n / MiB).toFixed(0);
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
    const worker = async () => {
      while (next < 2 * small) {
        const i = next++;
        if (i % 2 === 0) {
          await ask({ method: "upload_item", bucket_name: bucket, item_name: `s/${i}` }, kib);
        } else await ask({ method: "get_item", bucket_name: bucket, item_name: "s/0" }, null);
      }
    };
    await ask({ method: "upload_item", bucket_name: bucket, item_name: "s/0" }, kib);
    for (const c of [32, 1]) {
      next = 0;
      const cpu0 = cpuTimeMs(connector.pid);
      const t0 = performance.now();
      await Promise.all(Array.from({ length: c }, worker));
      console.log(
        `${2 * small} small requests at concurrency ${c} in ${
          (performance.now() - t0).toFixed(0)
        } ms, connector CPU ${
          ((cpuTimeMs(connector.pid) - cpu0) / (2 * small) * 1000).toFixed(0)
        } ms per 1000; RSS ${mib(memory(connector.pid).rss)} MiB`,
      );
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
      const got = dir === "upload"
        ? await ask({ method: "upload_item", bucket_name: bucket, item_name: "p" }, data)
        : await ask({ method: "get_item", bucket_name: bucket, item_name: "p" }, null);
      const ms = performance.now() - t0;
      const peak = Math.max(sampler.stop(), memory(connector.pid).hwm);
      if (Deno.env.get("PROBE_TIMELINE")) {
        console.log(sampler.timeline.map(([t, r]) => `${t.toFixed(0)}:${mib(r)}`).join(" "));
      }
      if (dir === "download" && got?.length !== size) throw new Error("size differs");
      console.log(
        `${dir} ${args.size} MiB: ${ms.toFixed(0)} ms, RSS before ${mib(before)} MiB, peak ${
          mib(peak)
        } MiB`,
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
