/**
 * Scenario C, the connector end to end: upload_item and get_item of 1 KiB from a kubemq-js
 * sender through the broker, the connector and S3. Also reads the connector's CPU time around
 * each timed run (scenario E's CPU per 1,000 requests).
 */
import { ask, type BenchContext, payload } from "../context.ts";
import { runLoad, runMeasured } from "../load.ts";
import { type LoadSummary, summarize, summarizeRuns, type Summary } from "../stats.ts";
import { SMALL_KEY } from "./direct.ts";

/** C's figures per method and concurrency level. */
export interface ConnectorResult {
  method: "upload_item" | "get_item";
  concurrency: number;
  load: LoadSummary;
  /** Connector process CPU (user + system) per 1,000 requests, ms. */
  cpuMsPer1000: Summary;
}

/** C's operations, by method. */
export function connectorOps(
  ctx: BenchContext,
): Record<ConnectorResult["method"], (id: string) => Promise<void>> {
  const data = payload(1024);
  return {
    upload_item: async (id) => {
      await ask(ctx, {
        method: "upload_item",
        bucket_name: ctx.bucket,
        item_name: `small/connector-${id}`,
      }, data);
    },
    get_item: async () => {
      const res = await ask(ctx, {
        method: "get_item",
        bucket_name: ctx.bucket,
        item_name: SMALL_KEY,
      });
      if (res.data?.length !== 1024) throw new Error(`get_item: ${res.data?.length} bytes`);
    },
  };
}

/**
 * Runs scenario C at `levels` (default: the profile's connector concurrency levels), after its
 * JIT warm-up.
 */
export async function runConnector(
  ctx: BenchContext,
  levels: readonly number[] = ctx.profile.connectorConcurrency,
): Promise<ConnectorResult[]> {
  const ops = connectorOps(ctx);
  // Both methods, interleaved, before any timed load: the JIT's warm-up of a fresh connector
  // would otherwise land on the first one (upload_item at c=1).
  ctx.log(`C warm-up: ${ctx.profile.jitWarmup} of each method`);
  await runLoad(
    (i) => i % 2 === 0 ? ops.upload_item(`warm-${i}`) : ops.get_item(`warm-${i}`),
    { concurrency: 4, ops: 2 * ctx.profile.jitWarmup },
  );
  const out: ConnectorResult[] = [];
  for (const concurrency of levels) {
    for (const method of ["upload_item", "get_item"] as const) {
      ctx.log(`C ${method} c=${concurrency}`);
      const { runs, cpuMsPer1000 } = await runMeasured(
        (i) => ops[method](`c${concurrency}-${i}`),
        {
          concurrency,
          ops: ctx.profile.ops(concurrency),
          warmup: ctx.profile.warmup(concurrency),
          repeats: ctx.profile.repeats,
          cpuPid: ctx.connector.pid,
        },
      );
      out.push({
        method,
        concurrency,
        load: summarizeRuns(runs),
        cpuMsPer1000: summarize(cpuMsPer1000),
      });
    }
  }
  return out;
}
