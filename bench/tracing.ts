// deno-lint-ignore-file no-console -- a command-line tool: the console is its output
/**
 * `deno run -A bench/tracing.ts [--quick] [--out FILE]`: the bench line for the cost of tracing
 * (issue 23). Starts S3 (or uses S3_ENDPOINT), a test broker, an OTLP http/json receiver and two
 * connectors with the production flags, one with OTEL_DENO=true exporting to the receiver, then
 * measures CPU per 1,000 small requests at c=32 on both (scenarios/tracing.ts). Prints one line
 * per method and writes them, with every figure, as JSON to FILE (default
 * bench/results/tracing.json for a full run).
 *
 * The spans the receiver got are counted as the witness that the traced connector traced.
 */
import { parseArgs } from "node:util";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { createKubemqClient } from "../testing/kubemq_client.ts";
import { startOtlpReceiver } from "../testing/otlp_receiver.ts";
import { createTestBucket, deleteTestBucketFully } from "../testing/s3.ts";
import { baselineS3Client, payload } from "./context.ts";
import { runTracingCost, tracingLines } from "./scenarios/tracing.ts";
import { benchConfig, ensureBroker, ensureS3, startBenchConnector } from "./stack.ts";

const { values: args } = parseArgs({
  args: Deno.args,
  options: { quick: { type: "boolean", default: false }, out: { type: "string" } },
});
const quick = args.quick;
const outFile = args.out ??
  (quick ? undefined : new URL("./results/tracing.json", import.meta.url).pathname);
const log = (line: string) => console.error(`[bench] ${line}`);
const loadBefore = Deno.loadavg()[0]!;
log(`tracing cost, ${quick ? "quick" : "full"}; load average ${loadBefore.toFixed(2)}`);

const s3env = await ensureS3();
const broker = await ensureBroker();
const otlp = await startOtlpReceiver();
const s3 = baselineS3Client(s3env);
const bucket = await createTestBucket(s3, "bench-tracing");
const smallKey = "tracing/small-1k";
await s3.send(new PutObjectCommand({ Bucket: bucket, Key: smallKey, Body: payload(1024) }));
const id = Date.now().toString(36);
const channels = { off: `bench.tracing.off.${id}`, on: `bench.tracing.on.${id}` };
const configs = {
  off: await benchConfig(broker.address, channels.off),
  on: await benchConfig(broker.address, channels.on),
};
const sender = createKubemqClient({ address: broker.address, clientId: "bench-tracing" });
const connectors: Awaited<ReturnType<typeof startBenchConnector>>[] = [];
try {
  const off = await startBenchConnector(configs.off);
  connectors.push(off);
  const on = await startBenchConnector(configs.on, {
    OTEL_DENO: "true",
    OTEL_EXPORTER_OTLP_ENDPOINT: otlp.endpoint,
    OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
    OTEL_SERVICE_NAME: "kubemq-s3-bench",
  });
  connectors.push(on);
  const results = await runTracingCost({
    sender,
    bucket,
    smallKey,
    off: { channel: channels.off, pid: off.pid },
    on: { channel: channels.on, pid: on.pid },
    concurrency: 32,
    ops: quick ? 64 : 512,
    warmup: quick ? 32 : 64,
    jitWarmup: quick ? 50 : 400,
    repeats: quick ? 2 : 5,
    log,
  });
  // Give the exporter its batch interval, then count what arrived.
  await new Promise((r) => setTimeout(r, 6000));
  const spans = otlp.spans();
  const requestSpans = spans.filter((s) => s.scope === "kubemq-s3" && s.kind === 5).length;
  const lines = [
    ...tracingLines(results),
    `witness: the OTLP receiver got ${spans.length} spans, ${requestSpans} of them request spans ` +
    `(load average ${loadBefore.toFixed(2)} before, ${Deno.loadavg()[0]!.toFixed(2)} after)`,
  ];
  if (outFile) {
    await Deno.writeTextFile(
      outFile,
      JSON.stringify(
        {
          date: new Date().toISOString(),
          deno: Deno.version.deno,
          cores: navigator.hardwareConcurrency,
          loadBefore,
          loadAfter: Deno.loadavg()[0],
          spansReceived: spans.length,
          requestSpans,
          lines,
          results,
        },
        null,
        2,
      ) + "\n",
    );
    log(`results in ${outFile}`);
  }
  console.log(lines.join("\n"));
} finally {
  sender.close();
  for (const c of connectors) await c.stop();
  await broker.close();
  await otlp.close();
  for (const c of Object.values(configs)) await Deno.remove(c).catch(() => {});
  await deleteTestBucketFully(bucket, s3).catch((err) => log(`cleanup: ${err}`));
  s3.destroy();
}
