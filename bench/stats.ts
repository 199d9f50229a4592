/**
 * Statistics of the benchmark: percentiles of one run's latencies, and the median and spread of
 * a figure over repeated runs.
 */

/** The p-th percentile (0..100) of `values`, interpolating linearly between ranks. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  if (p < 0 || p > 100) throw new RangeError(`percentile must be within 0..100, got ${p}`);
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  const low = sorted[lo]!;
  return low + (sorted[hi]! - low) * (rank - lo);
}

/** The median of `values` (NaN when empty). */
export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** A figure over repeated runs: its median, extremes and relative spread. */
export interface Summary {
  median: number;
  min: number;
  max: number;
  /** (max - min) / median: 0.1 means the runs spread over 10 % of the median. */
  spread: number;
  /** Every run's value, in run order. */
  runs: number[];
}

/** Summarises one figure measured once per repeat. */
export function summarize(runs: readonly number[]): Summary {
  if (runs.length === 0) {
    return { median: Number.NaN, min: Number.NaN, max: Number.NaN, spread: Number.NaN, runs: [] };
  }
  const m = median(runs);
  const min = Math.min(...runs);
  const max = Math.max(...runs);
  return { median: m, min, max, spread: m === 0 ? 0 : (max - min) / m, runs: [...runs] };
}

/** One timed run of a closed-loop load: how many operations, how long, and each latency. */
export interface RunResult {
  ops: number;
  elapsedMs: number;
  latenciesMs: number[];
}

/** The per-run figures the report uses. */
export interface RunFigures {
  opsPerSec: number;
  p50Ms: number;
  p99Ms: number;
}

/** Throughput and latency percentiles of one run. */
export function runFigures(run: RunResult): RunFigures {
  return {
    opsPerSec: run.elapsedMs > 0 ? (run.ops * 1000) / run.elapsedMs : Number.NaN,
    p50Ms: percentile(run.latenciesMs, 50),
    p99Ms: percentile(run.latenciesMs, 99),
  };
}

/** Throughput and latency over repeats. */
export interface LoadSummary {
  opsPerSec: Summary;
  p50Ms: Summary;
  p99Ms: Summary;
}

/** Summarises repeated runs of the same load. */
export function summarizeRuns(runs: readonly RunResult[]): LoadSummary {
  const figures = runs.map(runFigures);
  return {
    opsPerSec: summarize(figures.map((f) => f.opsPerSec)),
    p50Ms: summarize(figures.map((f) => f.p50Ms)),
    p99Ms: summarize(figures.map((f) => f.p99Ms)),
  };
}
