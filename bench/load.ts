/**
 * A closed-loop load generator: `concurrency` workers each run the next operation as soon as
 * their previous one finishes, until `ops` operations are done.
 */
import { cpuTimeMs } from "./proc.ts";
import type { RunResult } from "./stats.ts";

/** One operation; `i` is its index in the run (0-based), for unique keys. */
export type Operation = (i: number) => Promise<void>;

/** Runs `ops` operations with `concurrency` in flight; the first failure aborts the run. */
export async function runLoad(
  op: Operation,
  options: { concurrency: number; ops: number },
): Promise<RunResult> {
  const latenciesMs: number[] = [];
  let next = 0;
  let failed: unknown = null;
  const worker = async () => {
    while (failed === null && next < options.ops) {
      const i = next++;
      const t0 = performance.now();
      try {
        await op(i);
      } catch (err) {
        failed ??= err;
        return;
      }
      latenciesMs.push(performance.now() - t0);
    }
  };
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(options.concurrency, options.ops)) }, worker),
  );
  const elapsedMs = performance.now() - started;
  if (failed !== null) throw failed;
  return { ops: latenciesMs.length, elapsedMs, latenciesMs };
}

/** Timed runs of one load, with a process's CPU time per 1,000 operations in each run. */
export interface MeasuredRuns {
  runs: RunResult[];
  /** CPU (user + system) of `cpuPid` per 1,000 operations, per run, ms. */
  cpuMsPer1000: number[];
}

/**
 * Runs `warmup` untimed operations, then `repeats` timed runs of `ops` operations, reading the
 * CPU time of process `cpuPid` around each timed run. Operation indexes never repeat, so keys
 * made from them stay unique across the warm-up and the runs.
 */
export async function runMeasured(
  op: Operation,
  options: { concurrency: number; ops: number; warmup: number; repeats: number; cpuPid: number },
): Promise<MeasuredRuns> {
  let offset = 0;
  const shifted: Operation = (i) => op(offset + i);
  if (options.warmup > 0) {
    await runLoad(shifted, { concurrency: options.concurrency, ops: options.warmup });
    offset += options.warmup;
  }
  const runs: RunResult[] = [];
  const cpuMsPer1000: number[] = [];
  for (let r = 0; r < options.repeats; r++) {
    const before = cpuTimeMs(options.cpuPid);
    const run = await runLoad(shifted, { concurrency: options.concurrency, ops: options.ops });
    cpuMsPer1000.push(((cpuTimeMs(options.cpuPid) - before) * 1000) / run.ops);
    offset += options.ops;
    runs.push(run);
  }
  return { runs, cpuMsPer1000 };
}
