/**
 * The RSS trend of a process over a run, and the leak bound the reliability suite and the soak
 * hold it to.
 *
 * The bound is on the slope of the floor of RSS over the run: the lowest sample of each of
 * FLOOR_WINDOWS equal windows, fitted by Theil-Sen (the median of the slopes between every
 * pair). Not on the difference of two windows' means: the collector's sawtooth and its
 * occasional release moved that between +5.5 % and -18.7 % over 7 runs of the fuzzer, so a 10 %
 * bound could hide a real leak. Not on a slope over every sample of the second half either: with
 * the sawtooth's ~30 MiB swings every ~12 s (larger since glibc returns freed mappings,
 * runtime.env), a 30 s half fitted 62 MiB/min for a connector whose floor stayed flat. What a leak
 * keeps raises the floor, where the collector has already taken what it could;
 * tests/testing/rss_trend_test.ts shows a responder that keeps every body failing the bound.
 *
 * @module
 */
import { procFigures } from "./proc.ts";

/** How a process's RSS moved over a run (MiB), and its growth over the second half. */
export interface RssTrend {
  samples: number;
  startMiB: number;
  /** Mean of the samples from 40 % to 50 % of the run. */
  midMiB: number;
  /** Mean of the samples in the last 10 % of the run. */
  endMiB: number;
  peakMiB: number;
  /** (end - mid) / mid, in percent: reported, not bounded (it moves with the collector). */
  secondHalfGrowthPct: number;
  /** Theil-Sen slope of RSS over the second half, MiB per minute: reported, not bounded. */
  secondHalfSlopeMiBPerMin: number;
  /** Theil-Sen slope of the windows' lowest samples, MiB per minute: the leak bound's measure. */
  floorSlopeMiBPerMin: number;
}

/** Windows of the run whose lowest samples make the floor. */
export const FLOOR_WINDOWS = 8;

/**
 * The leak bound: RSS over the second half of a run grows by at most this many MiB a minute
 * (fitted slope). A connector that kept each 0-64 KiB soak body would grow by hundreds.
 */
export const MAX_SLOPE_MIB_PER_MIN = 20;

/** Whether a trend breaks the leak bound, and the sentence that says so. */
export function leakVerdict(trend: RssTrend, bound = MAX_SLOPE_MIB_PER_MIN): string | null {
  if (trend.floorSlopeMiBPerMin <= bound) return null;
  return `RSS's floor grew ${trend.floorSlopeMiBPerMin} MiB/min (slope of the lowest sample of ` +
    `each of ${FLOOR_WINDOWS} windows of ${trend.samples} samples; ${trend.startMiB} at the ` +
    `start, ${trend.midMiB} -> ${trend.endMiB} MiB over the second half; bound ${bound} MiB/min)`;
}

/**
 * Theil-Sen slope of `points` (x, y): the median of the slopes of every pair with distinct x.
 * Robust: fewer than ~29 % outliers cannot move it far.
 */
export function theilSenSlope(points: { x: number; y: number }[]): number {
  const slopes: number[] = [];
  for (let i = 0; i < points.length; i++) {
    for (let j = i + 1; j < points.length; j++) {
      const dx = points[j]!.x - points[i]!.x;
      if (dx !== 0) slopes.push((points[j]!.y - points[i]!.y) / dx);
    }
  }
  if (slopes.length === 0) return 0;
  slopes.sort((a, b) => a - b);
  const m = slopes.length >> 1;
  return slopes.length % 2 ? slopes[m]! : (slopes[m - 1]! + slopes[m]!) / 2;
}

/** The trend of RSS samples (bytes, at `t` ms). Exported for tests; {@link sampleRss} uses it. */
export function trendOf(samples: { t: number; rss: number }[]): RssTrend {
  const t0 = samples[0]?.t ?? 0;
  const span = (samples.at(-1)?.t ?? 0) - t0;
  const mean = (from: number, to: number) => {
    const xs = samples.filter((s) => s.t - t0 >= from * span && s.t - t0 <= to * span);
    if (xs.length === 0) {
      // Too few samples: the one nearest the window's end.
      const near = samples.reduce((a, b) =>
        Math.abs(b.t - t0 - to * span) < Math.abs(a.t - t0 - to * span) ? b : a
      );
      return near.rss;
    }
    return xs.reduce((a, s) => a + s.rss, 0) / xs.length;
  };
  const mid = mean(0.4, 0.5);
  const end = mean(0.9, 1);
  const toMiB = (b: number) => Math.round(b / 1024 / 102.4) / 10;
  // At most ~400 points of the second half (pairs grow with the square).
  const half = samples.filter((s) => s.t - t0 >= span / 2);
  const step = Math.max(1, Math.ceil(half.length / 400));
  const points = half.filter((_, i) => i % step === 0)
    .map((s) => ({ x: (s.t - t0) / 60_000, y: s.rss / 1024 / 1024 }));
  const floor: { x: number; y: number }[] = [];
  for (let w = 0; w < FLOOR_WINDOWS; w++) {
    const inWindow = samples.filter((s) => {
      const at = (s.t - t0) / (span || 1);
      return at >= w / FLOOR_WINDOWS && (at < (w + 1) / FLOOR_WINDOWS || w === FLOOR_WINDOWS - 1);
    });
    const low = inWindow.reduce<{ t: number; rss: number } | null>(
      (a, s) => (a === null || s.rss < a.rss ? s : a),
      null,
    );
    if (low) floor.push({ x: (low.t - t0) / 60_000, y: low.rss / 1024 / 1024 });
  }
  return {
    samples: samples.length,
    startMiB: toMiB(samples[0]?.rss ?? NaN),
    midMiB: toMiB(mid),
    endMiB: toMiB(end),
    peakMiB: toMiB(Math.max(...samples.map((s) => s.rss))),
    secondHalfGrowthPct: Math.round(((end - mid) / mid) * 1000) / 10,
    secondHalfSlopeMiBPerMin: Math.round(theilSenSlope(points) * 10) / 10,
    floorSlopeMiBPerMin: Math.round(theilSenSlope(floor) * 10) / 10,
  };
}

/**
 * Samples the RSS of `pid` every `everyMs` until stopped. A leak shows as growth that goes on
 * after warm-up, so the bound is on the slope over the second half rather than on growth since
 * the start (V8 grows its heap while it warms up).
 */
export function sampleRss(pid: number, everyMs: number): { stop(): RssTrend } {
  const samples: { t: number; rss: number }[] = [];
  const take = () => {
    try {
      samples.push({ t: performance.now(), rss: procFigures(pid).rssBytes });
    } catch { /* the process is gone: its crash is counted from the exit status */ }
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      return trendOf(samples);
    },
  };
}
