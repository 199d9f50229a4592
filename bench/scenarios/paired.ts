/**
 * Scenarios A, B, C and M at one concurrency level (1: the added-latency and c=1 CPU targets),
 * measured side by side: each round runs one timed run of the echo, of PutObject and GetObject,
 * of upload_item and get_item through the connector, and of the same two through the minimal
 * responder (M, bench/echo_responder.ts: the wire parse and the plain SDK call, nothing else),
 * in turn (bench/load.ts `runInterleaved`). M is what composing A and B costs any responder on
 * this machine, so C − M is the connector's own part of C − (A + B). Measured one after
 * the other, a drift during the run fell on C alone, which ran last: in two full runs an hour
 * apart, the direct PutObject p50 moved 1.82 → 2.44 ms and the added latency 0.38 → 1.34 ms.
 * Runs after B's and C's JIT warm-ups.
 */
import { type BenchContext, payload } from "../context.ts";
import { decodeResponse, encodeRequest } from "../../lib/wire.ts";
import { runInterleaved, runLoad } from "../load.ts";
import { summarize, summarizeRuns } from "../stats.ts";
import { connectorOps, type ConnectorResult } from "./connector.ts";
import { directOps, type DirectResult, SMALL_KEY } from "./direct.ts";
import { echoOp, type EchoResult } from "./echo.ts";

/** A's, B's, C's and M's figures at one level. */
export interface PairedResults {
  echo: EchoResult;
  direct: DirectResult[];
  connector: ConnectorResult[];
  /** Scenario M, the minimal responder (empty when the responder has no S3 channel). */
  minimal: ConnectorResult[];
}

/** Scenario M's operations: upload_item and get_item of 1 KiB through the minimal responder. */
function minimalOps(ctx: BenchContext, channel: string) {
  const data = payload(1024);
  const ask = async (metadata: Record<string, string>, body: Uint8Array | null) => {
    const res = await ctx.sender.sendQuery({
      channel,
      body: encodeRequest({ metadata, data: body }),
      timeoutMs: 10_000,
    });
    const out = decodeResponse(res.body);
    if (!res.executed || out.isError) throw new Error(`minimal responder: ${out.error}`);
    return out;
  };
  return {
    upload_item: async (id: string) => {
      await ask({ method: "upload_item", item_name: `small/minimal-${id}` }, data);
    },
    get_item: async () => {
      const out = await ask({ method: "get_item", item_name: SMALL_KEY }, null);
      if (out.data?.length !== 1024) throw new Error(`minimal get_item: ${out.data?.length} bytes`);
    },
  };
}

/** Runs A, B and C at `concurrency`, interleaved by repeat. */
export async function runPaired(ctx: BenchContext, concurrency: number): Promise<PairedResults> {
  const echo = echoOp(ctx);
  const direct = directOps(ctx);
  const connector = connectorOps(ctx);
  const tag = `p${concurrency}`;
  const minimal = ctx.echo.s3Channel ? minimalOps(ctx, ctx.echo.s3Channel) : null;
  if (minimal) {
    // As for B and C: the JIT's warm-up of the minimal responder lands on no timed load.
    ctx.log(`M warm-up: ${ctx.profile.jitWarmup} of each method`);
    await runLoad(
      (i) => i % 2 === 0 ? minimal.upload_item(`warm-${i}`) : minimal.get_item(),
      { concurrency: 4, ops: 2 * ctx.profile.jitWarmup },
    );
  }
  ctx.log(`A, B, C${minimal ? " and M" : ""} at c=${concurrency}, interleaved by repeat`);
  const [a, put, get, upload, download, mUpload, mGet] = await runInterleaved([
    { op: () => echo(), cpuPid: ctx.echo.pid },
    { op: (i) => direct.PutObject(`${tag}-${i}`), cpuPid: Deno.pid },
    { op: (i) => direct.GetObject(`${tag}-${i}`), cpuPid: Deno.pid },
    { op: (i) => connector.upload_item(`${tag}-${i}`), cpuPid: ctx.connector.pid },
    { op: (i) => connector.get_item(`${tag}-${i}`), cpuPid: ctx.connector.pid },
    ...(minimal
      ? [
        { op: (i: number) => minimal.upload_item(`${tag}-${i}`), cpuPid: ctx.echo.pid },
        { op: () => minimal.get_item(), cpuPid: ctx.echo.pid },
      ]
      : []),
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
    minimal: mUpload && mGet
      ? [
        { method: "upload_item", concurrency, ...result(mUpload) },
        { method: "get_item", concurrency, ...result(mGet) },
      ]
      : [],
  };
}
