/**
 * Scenario B, the S3 floor: @aws-sdk/client-s3 PutObject and GetObject of 1 KiB from this
 * script, with a client configured like the connector's.
 */
import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { type BenchContext, payload } from "../context.ts";
import { runLoad } from "../load.ts";
import { cpuTimeMs } from "../proc.ts";
import {
  type LoadSummary,
  type RunResult,
  summarize,
  summarizeRuns,
  type Summary,
} from "../stats.ts";

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

/** Runs scenario B at the profile's floor concurrency levels. */
export async function runDirect(ctx: BenchContext): Promise<DirectResult[]> {
  const body = payload(1024);
  await ctx.s3.send(new PutObjectCommand({ Bucket: ctx.bucket, Key: SMALL_KEY, Body: body }));
  const ops = {
    PutObject: async (i: number) => {
      await ctx.s3.send(
        new PutObjectCommand({ Bucket: ctx.bucket, Key: `small/direct-${i}`, Body: body }),
      );
    },
    GetObject: async () => {
      const out = await ctx.s3.send(new GetObjectCommand({ Bucket: ctx.bucket, Key: SMALL_KEY }));
      const bytes = await out.Body!.transformToByteArray();
      if (bytes.length !== body.length) throw new Error(`GetObject: ${bytes.length} bytes`);
    },
  };
  const out: DirectResult[] = [];
  for (const concurrency of ctx.profile.floorConcurrency) {
    for (const op of ["PutObject", "GetObject"] as const) {
      ctx.log(`B ${op} c=${concurrency}`);
      let offset = 0;
      const run = (i: number) => ops[op](offset + i);
      const warmup = ctx.profile.warmup(concurrency);
      await runLoad(run, { concurrency, ops: warmup });
      offset += warmup;
      const runs: RunResult[] = [];
      const cpu: number[] = [];
      for (let r = 0; r < ctx.profile.repeats; r++) {
        const before = cpuTimeMs(Deno.pid);
        const result = await runLoad(run, { concurrency, ops: ctx.profile.ops(concurrency) });
        cpu.push(((cpuTimeMs(Deno.pid) - before) * 1000) / result.ops);
        offset += result.ops;
        runs.push(result);
      }
      out.push({ op, concurrency, load: summarizeRuns(runs), cpuMsPer1000: summarize(cpu) });
    }
  }
  return out;
}
