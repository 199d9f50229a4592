/**
 * Scenario A, the messaging floor: a kubemq-js sender, the broker and a trivial responder
 * process that echoes 1 KiB wire-format bodies back, with no S3 behind it.
 */
import { encodeRequest } from "../../lib/wire.ts";
import { type BenchContext, payload } from "../context.ts";
import { runMeasured } from "../load.ts";
import { type LoadSummary, summarize, summarizeRuns, type Summary } from "../stats.ts";

/** A's figures per concurrency level. */
export interface EchoResult {
  concurrency: number;
  load: LoadSummary;
  /** The responder process's CPU per 1,000 echoes, ms: gRPC's own cost in a Deno process. */
  cpuMsPer1000: Summary;
}

/** A's operation: one 1 KiB echo. */
export function echoOp(ctx: BenchContext): () => Promise<void> {
  const channel = ctx.echo.channel;
  const body = encodeRequest({
    metadata: { method: "echo" },
    data: payload(1024),
  });
  return async () => {
    const res = await ctx.sender.sendQuery({ channel, body, timeoutMs: 10_000 });
    if (!res.executed || res.body.length !== body.length) {
      throw new Error(`echo failed: ${res.error || `${res.body.length} bytes back`}`);
    }
  };
}

/**
 * Runs scenario A at `levels` (default: the profile's floor concurrency levels; main.ts measures
 * concurrency 1 in scenarios/paired.ts instead).
 */
export async function runEcho(
  ctx: BenchContext,
  levels: readonly number[] = ctx.profile.floorConcurrency,
): Promise<EchoResult[]> {
  const op = echoOp(ctx);
  // The subscription is not acknowledged: retry the first query until the responder has it.
  for (let attempt = 0;; attempt++) {
    try {
      await op();
      break;
    } catch (err) {
      if (attempt > 50) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const out: EchoResult[] = [];
  for (const concurrency of levels) {
    ctx.log(`A echo c=${concurrency}`);
    const { runs, cpuMsPer1000 } = await runMeasured(op, {
      concurrency,
      ops: ctx.profile.ops(concurrency),
      warmup: ctx.profile.warmup(concurrency),
      repeats: ctx.profile.repeats,
      cpuPid: ctx.echo.pid,
    });
    out.push({ concurrency, load: summarizeRuns(runs), cpuMsPer1000: summarize(cpuMsPer1000) });
  }
  return out;
}
