// deno-lint-ignore-file no-console -- a command-line tool: the console is its output
/**
 * `deno run -A bench/tracing.ts [--quick] [--out FILE] [--protocols http/json,http/protobuf]
 * [--ops N] [--repeats R] [--env NAME=VALUE ...]`: the bench line for the cost of tracing
 * (issue 23) on its own, with more choices than `deno task bench`'s scenario T: S3 (or
 * S3_ENDPOINT), a test broker, then scenarios/tracing_run.ts (one untraced connector and one
 * traced per protocol, with the `--env` variables added, CPU per 1,000 small requests at c=32 in
 * rotated interleaved rounds, the receivers' request spans as witness). Prints one line per
 * method and protocol and writes them, with every figure, as JSON to FILE (default
 * bench/results/tracing.json for a full run).
 */
import { parseArgs } from "node:util";
import { createTestBucket, deleteTestBucketFully } from "../testing/s3.ts";
import { baselineS3Client } from "./context.ts";
import { tracingLines } from "./scenarios/tracing.ts";
import { runTracing } from "./scenarios/tracing_run.ts";
import { ensureBroker, ensureS3 } from "./stack.ts";

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
const quick = args.quick;
const outFile = args.out ??
  (quick ? undefined : new URL("./results/tracing.json", import.meta.url).pathname);
const extraEnv = Object.fromEntries(args.env.map((kv) => {
  const at = kv.indexOf("=");
  if (at <= 0) throw new Error(`--env ${kv}: expected NAME=VALUE`);
  return [kv.slice(0, at), kv.slice(at + 1)];
}));
const log = (line: string) => console.error(`[bench] ${line}`);
const loadBefore = Deno.loadavg()[0]!;
log(`tracing cost, ${quick ? "quick" : "full"}; load average ${loadBefore.toFixed(2)}`);

const s3env = await ensureS3();
const broker = await ensureBroker();
const s3 = baselineS3Client(s3env);
const bucket = await createTestBucket(s3, "bench-tracing");
try {
  const result = await runTracing({
    brokerAddress: broker.address,
    s3,
    bucket,
    protocols: args.protocols.split(",").filter(Boolean),
    extraEnv,
    ops: Number(args.ops ?? (quick ? 64 : 800)),
    repeats: Number(args.repeats ?? (quick ? 2 : 5)),
    warmup: quick ? 32 : 64,
    jitWarmup: quick ? 50 : 400,
    log,
  });
  const loadAfter = Deno.loadavg()[0]!;
  const lines = [
    ...tracingLines(result.methods),
    ...result.witness.map((w) =>
      `witness (${w.protocol}): the OTLP receiver got ${w.spans} spans, ${w.requestSpans} of ` +
      `them request spans, for ${w.sent} requests sent`
    ),
    `load average ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after` +
    (args.env.length ? `; traced with ${args.env.join(" ")}` : ""),
  ];
  if (outFile) {
    const file = {
      date: new Date().toISOString(),
      deno: Deno.version.deno,
      cores: navigator.hardwareConcurrency,
      loadBefore,
      loadAfter,
      lines,
      ...result,
    };
    await Deno.writeTextFile(outFile, JSON.stringify(file, null, 2) + "\n");
    log(`results in ${outFile}`);
  }
  console.log(lines.join("\n"));
} finally {
  await broker.close();
  await deleteTestBucketFully(bucket, s3).catch((err) => log(`cleanup: ${err}`));
  s3.destroy();
}
