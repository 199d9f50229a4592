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

/** One of the loads that runInterleaved measures side by side. */
export interface InterleavedLoad {
  op: Operation;
  /** The process whose CPU time is read around each timed run. */
  cpuPid: number;
}

/**
 * Like runMeasured for several loads at once, in rounds: each round runs every load's warm-up
 * and one timed run, in turn, so a drift of the machine or of S3 during the measurement (a
 * bucket index that grows, a compaction) falls on all of them alike rather than on whichever
 * runs last. With `rotate`, round r starts with load r mod n (then r+1, ...), so no load always
 * runs right after the same neighbour. Returns each load's runs, in the order given.
 */
export async function runInterleaved(
  loads: readonly InterleavedLoad[],
  options: { concurrency: number; ops: number; warmup: number; repeats: number; rotate?: boolean },
): Promise<MeasuredRuns[]> {
  const out = loads.map((): MeasuredRuns => ({ runs: [], cpuMsPer1000: [] }));
  const offsets = loads.map(() => 0);
  for (let r = 0; r < options.repeats; r++) {
    for (let j = 0; j < loads.length; j++) {
      const k = options.rotate ? (r + j) % loads.length : j;
      const load = loads[k]!;
      const base = offsets[k]!;
      const one = await runMeasured((i) => load.op(base + i), {
        concurrency: options.concurrency,
        ops: options.ops,
        warmup: options.warmup,
        repeats: 1,
        cpuPid: load.cpuPid,
      });
      offsets[k] = base + options.warmup + options.ops;
      out[k]!.runs.push(...one.runs);
      out[k]!.cpuMsPer1000.push(...one.cpuMsPer1000);
    }
  }
  return out;
}
