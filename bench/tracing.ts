// deno-lint-ignore-file no-console -- a command-line tool: the console is its output
/**
 * `deno run -A bench/tracing.ts [--quick] [--out FILE] [--protocols http/json,http/protobuf]
 * [--ops N] [--repeats R] [--env NAME=VALUE ...]`: the bench line for the cost of tracing
 * (issue 23). Starts S3 (or uses S3_ENDPOINT), a test broker, one OTLP receiver per protocol and
 * connectors with the production flags: one untraced, and one with OTEL_DENO=true per protocol
 * (with the `--env` variables added), then measures CPU per 1,000 small requests at c=32 on all
 * of them in rotated interleaved rounds (scenarios/tracing.ts). Prints one line per method and
 * protocol and writes them, with every figure, as JSON to FILE (default
 * bench/results/tracing.json for a full run).
 *
 * The request spans each receiver got are counted as the witness that each traced connector
 * traced every request.
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
  options: {
    quick: { type: "boolean", default: false },
    out: { type: "string" },
    protocols: { type: "string", default: "http/json,http/protobuf" },
    ops: { type: "string" },
    repeats: { type: "string" },
    env: { type: "string", multiple: true, default: [] },
  },
});
const protocols = args.protocols.split(",").filter(Boolean);
const extraEnv = Object.fromEntries(args.env.map((kv) => {
  const at = kv.indexOf("=");
  if (at <= 0) throw new Error(`--env ${kv}: expected NAME=VALUE`);
  return [kv.slice(0, at), kv.slice(at + 1)];
}));
const quick = args.quick;
const outFile = args.out ??
  (quick ? undefined : new URL("./results/tracing.json", import.meta.url).pathname);
const log = (line: string) => console.error(`[bench] ${line}`);
const loadBefore = Deno.loadavg()[0]!;
log(`tracing cost, ${quick ? "quick" : "full"}; load average ${loadBefore.toFixed(2)}`);

const s3env = await ensureS3();
const broker = await ensureBroker();
const receivers = await Promise.all(
  protocols.map((p) => startOtlpReceiver({ protobuf: p === "http/protobuf" })),
);
const s3 = baselineS3Client(s3env);
const bucket = await createTestBucket(s3, "bench-tracing");
const smallKey = "tracing/small-1k";
await s3.send(new PutObjectCommand({ Bucket: bucket, Key: smallKey, Body: payload(1024) }));
const id = Date.now().toString(36);
const names = ["off", ...protocols];
const channels = names.map((n) => `bench.tracing.${n.replace(/\W/g, "_")}.${id}`);
const configs = await Promise.all(channels.map((c) => benchConfig(broker.address, c)));
const sender = createKubemqClient({ address: broker.address, clientId: "bench-tracing" });
const connectors: Awaited<ReturnType<typeof startBenchConnector>>[] = [];
try {
  for (const [i, name] of names.entries()) {
    const env: Record<string, string> = i === 0 ? {} : {
      OTEL_DENO: "true",
      OTEL_EXPORTER_OTLP_ENDPOINT: receivers[i - 1]!.endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: name,
      OTEL_SERVICE_NAME: "kubemq-s3-bench",
      ...extraEnv,
    };
    connectors.push(await startBenchConnector(configs[i]!, env));
    log(`connector ${name}: pid ${connectors[i]!.pid}`);
  }
  const sides = names.map((name, i) => ({ name, channel: channels[i]!, pid: connectors[i]!.pid }));
  const ops = Number(args.ops ?? (quick ? 64 : 800));
  const repeats = Number(args.repeats ?? (quick ? 2 : 5));
  const jitWarmup = quick ? 50 : 400;
  const results = await runTracingCost({
    sender,
    bucket,
    smallKey,
    off: sides[0]!,
    on: sides.slice(1),
    concurrency: 32,
    ops,
    warmup: quick ? 32 : 64,
    jitWarmup,
    repeats,
    log,
  });
  // Give the exporters their batch interval, then count what arrived.
  await new Promise((r) => setTimeout(r, 6000));
  // Every request of the traced connectors: JIT warm-up, warm-ups and timed runs.
  const sent = 2 * jitWarmup + 2 * repeats * (ops + (quick ? 32 : 64));
  const witness = protocols.map((p, i) => {
    const r = receivers[i]!;
    const all = p === "http/protobuf" ? r.protobufSpans() : r.spans();
    const requestSpans = all.filter((s) => s.scope === "kubemq-s3" && s.kind === 5).length;
    return { protocol: p, spans: all.length, requestSpans, sent };
  });
  const lines = [
    ...tracingLines(results),
    ...witness.map((w) =>
      `witness (${w.protocol}): the OTLP receiver got ${w.spans} spans, ${w.requestSpans} of ` +
      `them request spans, for ${w.sent} requests sent`
    ),
    `load average ${loadBefore.toFixed(2)} before, ${Deno.loadavg()[0]!.toFixed(2)} after` +
    (Object.keys(extraEnv).length ? `; traced with ${args.env.join(" ")}` : ""),
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
          extraEnv,
          witness,
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
  for (const r of receivers) await r.close();
  for (const c of configs) await Deno.remove(c).catch(() => {});
  await deleteTestBucketFully(bucket, s3).catch((err) => log(`cleanup: ${err}`));
  s3.destroy();
}
