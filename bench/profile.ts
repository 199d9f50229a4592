/** How much the benchmark runs: the full profile, or `--quick` for a smoke run of a few seconds. */
export interface Profile {
  name: "full" | "quick";
  /** Timed runs per measurement; the report gives their median and spread. */
  repeats: number;
  /** Untimed operations before the timed runs of each load. */
  warmup(concurrency: number): number;
  /**
   * Untimed operations of each kind, interleaved, before the first load of a process that B and
   * C measure (the SDK script, the connector): V8 compiles and optimizes the request path during
   * the first few hundred requests, which would otherwise be counted to whichever load runs first
   * (docs/benchmark.md, "CPU per small request and added latency").
   */
  jitWarmup: number;
  /** Operations per timed run at `concurrency`. */
  ops(concurrency: number): number;
  /** Concurrency levels of scenarios A and B (the targets need 1 and 32). */
  floorConcurrency: number[];
  /** Concurrency levels of scenario C. */
  connectorConcurrency: number[];
  /** Object sizes of scenario D, MiB. */
  sizesMiB: number[];
  /**
   * Timed transfers per size and direction in scenario D; their time ratios are medians over
   * these, so at least 5 in the full profile (issue 20).
   */
  largeRepeats: number;
  /** Object size of scenario K (every source kind), MiB. */
  kindSizeMiB: number;
  /** Transfers per kind in scenario K; its targets take the worst peak. */
  kindRepeats: number;
  /** Fresh connector starts timed for start-to-ready. */
  readyStarts: number;
}

/** The profile named by the command line. */
export function profileFor(quick: boolean): Profile {
  return quick
    ? {
      name: "quick",
      repeats: 2,
      warmup: (c) => Math.max(5, c),
      jitWarmup: 50,
      ops: (c) => Math.max(20, 2 * c),
      floorConcurrency: [1, 32],
      connectorConcurrency: [1, 32],
      sizesMiB: [1, 16, 64],
      largeRepeats: 1,
      kindSizeMiB: 64,
      kindRepeats: 1,
      readyStarts: 1,
    }
    : {
      name: "full",
      repeats: 3,
      warmup: (c) => Math.max(30, 2 * c),
      jitWarmup: 400,
      ops: (c) => Math.max(200, 16 * c),
      floorConcurrency: [1, 32],
      connectorConcurrency: [1, 4, 16, 32, 64],
      sizesMiB: [1, 16, 64],
      largeRepeats: 5,
      kindSizeMiB: 64,
      kindRepeats: 3,
      readyStarts: 3,
    };
}
