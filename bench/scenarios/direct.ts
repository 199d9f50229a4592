/**
 * Scenario B, the S3 floor: @aws-sdk/client-s3 PutObject and GetObject of 1 KiB from this
 * script, with a client configured like the connector's.
 */
import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { type BenchContext, payload } from "../context.ts";
import { runLoad, runMeasured } from "../load.ts";
import { type LoadSummary, summarize, summarizeRuns, type Summary } from "../stats.ts";

/** Key of the 1 KiB object that B and C read. */
export const SMALL_KEY = "small/get-1k";

/** B's figures per operation and concurrency level. */
export interface DirectResult {
  op: "PutObject" | "GetObject";
  concurrency: number;
  load: LoadSummary;
  /** This script's own CPU per 1,000 calls, ms: what the SDK costs without the connector. */
  cpuMsPer1000: Summary;
}

/** B's operations, by name. */
export function directOps(
  ctx: BenchContext,
): Record<DirectResult["op"], (id: string) => Promise<void>> {
  const body = payload(1024);
  return {
    PutObject: async (id: string) => {
      await ctx.s3.send(
        new PutObjectCommand({ Bucket: ctx.bucket, Key: `small/direct-${id}`, Body: body }),
      );
    },
    GetObject: async () => {
      const out = await ctx.s3.send(new GetObjectCommand({ Bucket: ctx.bucket, Key: SMALL_KEY }));
      const bytes = await out.Body!.transformToByteArray();
      if (bytes.length !== body.length) throw new Error(`GetObject: ${bytes.length} bytes`);
    },
  };
}

/**
 * Runs scenario B at `levels` (default: the profile's floor concurrency levels), after its JIT
 * warm-up; it also writes the 1 KiB object that B and C read.
 */
export async function runDirect(
  ctx: BenchContext,
  levels: readonly number[] = ctx.profile.floorConcurrency,
): Promise<DirectResult[]> {
  await ctx.s3.send(
    new PutObjectCommand({ Bucket: ctx.bucket, Key: SMALL_KEY, Body: payload(1024) }),
  );
  const ops = directOps(ctx);
  // As for the connector (scenario C): the JIT's warm-up lands on no timed load.
  ctx.log(`B warm-up: ${ctx.profile.jitWarmup} of each operation`);
  await runLoad(
    (i) => i % 2 === 0 ? ops.PutObject(`warm-${i}`) : ops.GetObject(`warm-${i}`),
    { concurrency: 4, ops: 2 * ctx.profile.jitWarmup },
  );
  const out: DirectResult[] = [];
  for (const concurrency of levels) {
    for (const op of ["PutObject", "GetObject"] as const) {
      ctx.log(`B ${op} c=${concurrency}`);
      const { runs, cpuMsPer1000 } = await runMeasured((i) => ops[op](`c${concurrency}-${i}`), {
        concurrency,
        ops: ctx.profile.ops(concurrency),
        warmup: ctx.profile.warmup(concurrency),
        repeats: ctx.profile.repeats,
        cpuPid: Deno.pid,
      });
      out.push({
        op,
        concurrency,
        load: summarizeRuns(runs),
        cpuMsPer1000: summarize(cpuMsPer1000),
      });
    }
  }
  return out;
}
