/**
 * Issue 20's rule for choosing the KubeMQ transport from bench/probe_transport.ts's medians:
 * prefer the well-kept library (connect-es) when it is within 10 % of the best on time and CPU
 * and within 15 % on RSS; otherwise keep the lean client.
 */

/** One transport's medians. */
export interface TransportFigures {
  receiveMs: number;
  receivePeakMiB: number;
  /** The responder's CPU for the large transfer, ms (information: the rule uses time). */
  receiveCpuMs: number;
  sendMs: number;
  sendPeakMiB: number;
  sendCpuMs: number;
  cpuMsPer1000: number;
  idleRssMiB: number;
}

/** The figures the rule judges. */
type Judged = Exclude<keyof TransportFigures, "receiveCpuMs" | "sendCpuMs">;

/** The allowed ratio to the best, per figure: 1.10 for time and CPU, 1.15 for RSS. */
export const TOLERANCE: Record<Judged, number> = {
  receiveMs: 1.10,
  sendMs: 1.10,
  cpuMsPer1000: 1.10,
  receivePeakMiB: 1.15,
  sendPeakMiB: 1.15,
  idleRssMiB: 1.15,
};

/** Where the library stands on one figure. */
export interface Verdict {
  best: string;
  bestValue: number;
  library: number;
  /** library ÷ best. */
  ratio: number;
  within: boolean;
}

/** The choice and the per-figure verdicts behind it. */
export interface Decision {
  library: string;
  choice: string;
  reason: string;
  figures: Record<string, Verdict>;
}

/** Applies the rule to the medians of every transport (lower is better on every figure). */
export function decide(
  medians: Record<string, TransportFigures>,
  library = "connect-es",
  fallback = "lean",
): Decision {
  const lib = medians[library];
  if (!lib) throw new Error(`no figures for ${library}`);
  const figures: Record<string, Verdict> = {};
  const misses: string[] = [];
  for (const key of Object.keys(TOLERANCE) as Judged[]) {
    let best = library;
    for (const [name, f] of Object.entries(medians)) if (f[key] < medians[best]![key]) best = name;
    const bestValue = medians[best]![key];
    const ratio = bestValue > 0 ? lib[key] / bestValue : 1;
    const within = ratio <= TOLERANCE[key];
    figures[key] = { best, bestValue, library: lib[key], ratio, within };
    if (!within) {
      misses.push(`${key} ${ratio.toFixed(2)}× ${best} (limit ${TOLERANCE[key].toFixed(2)})`);
    }
  }
  return misses.length === 0
    ? { library, choice: library, reason: "within the limits on every figure", figures }
    : { library, choice: fallback, reason: `${library} misses: ${misses.join("; ")}`, figures };
}
