// deno-lint-ignore-file no-console -- a command-line tool: the console is its output
/**
 * `deno run -A bench/tracing_floor.ts [--ops N] [--repeats R] [--out FILE]`: where the cost of
 * tracing comes from (issue 23). Scenario T's measurement (scenarios/tracing_run.ts: an untraced
 * connector against a second one, CPU per 1,000 small requests at c=32, interleaved rounds) is
 * run once per variant of the second connector's environment:
 *
 * - `OTEL_DENO=false`: the same as the first connector, so the spread of the method itself (A/A);
 * - `OTEL_DENO=true OTEL_DENO_TRACING=false`: the runtime's telemetry on, its tracing off;
 * - `OTEL_DENO=true OTEL_TRACES_SAMPLER=always_off`: tracing on, no span sampled. Every span is
 *   still made (the runtime's for each `node:http` and `node:http2` request, and the connector's
 *   request span, which skips its attributes and log fields when unsampled), and nothing is
 *   exported: the floor of tracing with the runtime's instrumentation;
 * - `OTEL_DENO=true`: tracing as shipped (every span recorded and exported over http/protobuf).
 *
 * Writes every figure as JSON to FILE (default bench/results/tracing_floor.json) and prints one
 * line per variant and method.
 */
import { parseArgs } from "node:util";
import { createTestBucket, deleteTestBucketFully } from "../testing/s3.ts";
import { baselineS3Client } from "./context.ts";
import { runTracing, type TracingResult } from "./scenarios/tracing_run.ts";
import { ensureBroker, ensureS3 } from "./stack.ts";

const { values: args } = parseArgs({
  args: Deno.args,
  options: {
    ops: { type: "string", default: "1500" },
    repeats: { type: "string", default: "5" },
    out: { type: "string" },
  },
});

/** The variants of the second connector's environment, in the order they run. */
const VARIANTS: { name: string; env: Record<string, string> }[] = [
  { name: "A/A (OTEL_DENO=false)", env: { OTEL_DENO: "false" } },
  { name: "telemetry on, tracing off", env: { OTEL_DENO_TRACING: "false" } },
  { name: "tracing on, nothing sampled", env: { OTEL_TRACES_SAMPLER: "always_off" } },
  { name: "tracing on (as shipped)", env: {} },
];

const outFile = args.out ?? new URL("./results/tracing_floor.json", import.meta.url).pathname;
const log = (line: string) => console.error(`[bench] ${line}`);
const s3env = await ensureS3();
const broker = await ensureBroker();
const s3 = baselineS3Client(s3env);
const bucket = await createTestBucket(s3, "bench-tracing-floor");
const results: { variant: string; env: Record<string, string>; result: TracingResult }[] = [];
const lines: string[] = [];
try {
  for (const v of VARIANTS) {
    log(`variant: ${v.name}`);
    const result = await runTracing({
      brokerAddress: broker.address,
      s3,
      bucket,
      protocols: ["http/protobuf"],
      extraEnv: v.env,
      ops: Number(args.ops),
      repeats: Number(args.repeats),
      warmup: 64,
      jitWarmup: 400,
      log,
    });
    results.push({ variant: v.name, env: v.env, result });
    for (const m of result.methods) {
      const on = m.on[0]!;
      const pct = (x: number) => `${x >= 0 ? "+" : ""}${(x * 100).toFixed(1)} %`;
      lines.push(
        `${v.name}, ${m.method}: off ${m.off.cpuMsPer1000.median.toFixed(0)} ms, this ` +
          `${on.cpuMsPer1000.median.toFixed(0)} ms per 1,000 at c=${m.concurrency}: ` +
          `${pct(on.overhead)} (rounds ${on.overheadRuns.map(pct).join(", ")}); ` +
          `${result.witness[0]!.spans} spans exported`,
      );
    }
  }
  await Deno.writeTextFile(
    outFile,
    JSON.stringify(
      {
        date: new Date().toISOString(),
        deno: Deno.version.deno,
        cores: navigator.hardwareConcurrency,
        lines,
        results,
      },
      null,
      2,
    ) + "\n",
  );
  log(`results in ${outFile}`);
  console.log(lines.join("\n"));
} finally {
  await broker.close();
  await deleteTestBucketFully(bucket, s3).catch((err) => log(`cleanup: ${err}`));
  s3.destroy();
}
