/**
 * Nearest-rank percentiles of latencies for the reliability suite and the soak (the benchmark's
 * bench/stats.ts interpolates between ranks instead, for its own figures).
 *
 * @module
 */

/** Percentile (0..100) of a list of numbers, nearest-rank; NaN for an empty list. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}
