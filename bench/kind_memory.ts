/**
 * Scenario K's figures, targets and report table: the connector's memory while one large
 * `upload_item` goes through each source kind (issue 20). Pure functions of the figures, so they
 * are unit-tested; bench/scenarios/kinds.ts measures them.
 */
import type { Summary } from "./stats.ts";

const MiB = 1024 * 1024;

/** The target: peak ≤ idle + this many times the object (objects, when several go at once). */
export const KIND_MEMORY_FACTOR = 2.5;

/** One kind's figures: a fresh connector with one binding of that kind. */
export interface KindMemoryResult {
  /** The kind's short name: query, command, queue, events. */
  kind: string;
  /** Object size, MiB. */
  sizeMiB: number;
  /** Objects sent at once in each transfer. */
  parallel: number;
  /** RSS after start, settled, before any request, bytes. */
  idleRss: number;
  /** RSS just before each transfer, bytes. */
  rssBefore: Summary;
  /** Peak RSS during each transfer (VmHWM after a reset, and 20 ms sampling), bytes. */
  peakRss: Summary;
  /** Seconds per transfer, from sending to the last outcome seen. */
  seconds: Summary;
}

/** A per-kind target, as bench/report.ts's targets take it (before met is evaluated). */
export interface KindTarget {
  id: string;
  name: string;
  measured: number;
  comparison: "<=";
  limit: number;
  unit: string;
  range: { min: number; max: number } | null;
  detail: string;
}

/** (peak − idle) ÷ the bytes in flight. */
export function growthRatio(peak: number, idle: number, objectBytes: number): number {
  return (peak - idle) / objectBytes;
}

function objects(r: KindMemoryResult): string {
  return r.parallel > 1 ? `${r.parallel} × ${r.sizeMiB} MiB` : `${r.sizeMiB} MiB`;
}

/**
 * One target per kind: the worst transfer's (peak − idle) ÷ object ≤ {@link KIND_MEMORY_FACTOR},
 * i.e. peak ≤ idle + 2.5 × object; its range is the same ratio transfer by transfer.
 */
export function kindMemoryTargets(results: readonly KindMemoryResult[]): KindTarget[] {
  return results.map((r) => {
    const bytes = r.sizeMiB * MiB * r.parallel;
    const ratio = (peak: number) => growthRatio(peak, r.idleRss, bytes);
    const runs = r.peakRss.runs;
    return {
      id: `memory-kind-${r.kind}${r.parallel > 1 ? `-x${r.parallel}` : ""}`,
      name: `Peak RSS, ${
        objects(r)
      } upload_item through kubemq.${r.kind} ≤ idle + ${KIND_MEMORY_FACTOR} × object`,
      measured: runs.length === 0 ? Number.NaN : ratio(r.peakRss.max),
      comparison: "<=",
      limit: KIND_MEMORY_FACTOR,
      unit: "× object",
      range: runs.length > 1 ? { min: ratio(r.peakRss.min), max: ratio(r.peakRss.max) } : null,
      detail: `(peak − idle) ÷ object, worst of ${runs.length}: idle ${
        (r.idleRss / MiB).toFixed(0)
      } → peak ${(r.peakRss.max / MiB).toFixed(0)} MiB, limit ${
        ((r.idleRss + KIND_MEMORY_FACTOR * bytes) / MiB).toFixed(0)
      } MiB`,
    };
  });
}

/** The report's table of scenario K (empty when the run did not measure it). */
export function kindMemoryLines(results: readonly KindMemoryResult[]): string[] {
  if (results.length === 0) return [];
  const mib = (n: number) => Number.isFinite(n) ? (n / MiB).toFixed(0) : "n/a";
  const range = (s: Summary) =>
    s.runs.length > 1 ? `${mib(s.median)} (${mib(s.min)}–${mib(s.max)})` : mib(s.median);
  const lines = [
    "",
    "**Every source kind, one large upload_item (K)**",
    "",
    "| Kind | Object | Idle RSS MiB | RSS before MiB | Peak RSS MiB | (peak − idle) ÷ object | Seconds |",
    "|---|--:|--:|--:|--:|--:|--:|",
  ];
  for (const r of results) {
    const bytes = r.sizeMiB * MiB * r.parallel;
    const worst = growthRatio(r.peakRss.max, r.idleRss, bytes);
    const secs = r.seconds.runs.length > 1
      ? `${r.seconds.median.toFixed(2)} (${r.seconds.min.toFixed(2)}–${r.seconds.max.toFixed(2)})`
      : r.seconds.median.toFixed(2);
    lines.push(
      `| kubemq.${r.kind} | ${objects(r)} | ${mib(r.idleRss)} | ${range(r.rssBefore)} | ${
        range(r.peakRss)
      } | ${Number.isFinite(worst) ? worst.toFixed(2) : "n/a"} | ${secs} |`,
    );
  }
  return lines;
}
