/**
 * Scenarios A, B and C at one concurrency level (1: the added-latency and c=1 CPU targets),
 * measured side by side: each round runs one timed run of the echo, of PutObject and GetObject,
 * and of upload_item and get_item, in turn (bench/load.ts `runInterleaved`). Measured one after
 * the other, a drift during the run fell on C alone, which ran last: in two full runs an hour
 * apart, the direct PutObject p50 moved 1.82 → 2.44 ms and the added latency 0.38 → 1.34 ms.
 * Runs after B's and C's JIT warm-ups.
 */
import type { BenchContext } from "../context.ts";
import { runInterleaved } from "../load.ts";
import { summarize, summarizeRuns } from "../stats.ts";
import { connectorOps, type ConnectorResult } from "./connector.ts";
import { directOps, type DirectResult } from "./direct.ts";
import { echoOp, type EchoResult } from "./echo.ts";

/** A's, B's and C's figures at one level. */
export interface PairedResults {
  echo: EchoResult;
  direct: DirectResult[];
  connector: ConnectorResult[];
}

/** Runs A, B and C at `concurrency`, interleaved by repeat. */
export async function runPaired(ctx: BenchContext, concurrency: number): Promise<PairedResults> {
  const echo = echoOp(ctx);
  const direct = directOps(ctx);
  const connector = connectorOps(ctx);
  const tag = `p${concurrency}`;
  ctx.log(`A, B and C at c=${concurrency}, interleaved by repeat`);
  const [a, put, get, upload, download] = await runInterleaved([
    { op: () => echo(), cpuPid: ctx.echo.pid },
    { op: (i) => direct.PutObject(`${tag}-${i}`), cpuPid: Deno.pid },
    { op: (i) => direct.GetObject(`${tag}-${i}`), cpuPid: Deno.pid },
    { op: (i) => connector.upload_item(`${tag}-${i}`), cpuPid: ctx.connector.pid },
    { op: (i) => connector.get_item(`${tag}-${i}`), cpuPid: ctx.connector.pid },
  ], {
    concurrency,
    ops: ctx.profile.ops(concurrency),
    warmup: ctx.profile.warmup(concurrency),
    repeats: ctx.profile.repeats,
  });
  const result = (m: typeof a) => ({
    load: summarizeRuns(m!.runs),
    cpuMsPer1000: summarize(m!.cpuMsPer1000),
  });
  return {
    echo: { concurrency, ...result(a) },
    direct: [
      { op: "PutObject", concurrency, ...result(put) },
      { op: "GetObject", concurrency, ...result(get) },
    ],
    connector: [
      { method: "upload_item", concurrency, ...result(upload) },
      { method: "get_item", concurrency, ...result(download) },
    ],
  };
}
