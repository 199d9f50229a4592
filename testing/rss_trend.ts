/**
 * The RSS trend of a process over a run, and the leak bound the reliability suite and the soak
 * hold it to.
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
  /** (end - mid) / mid, in percent. */
  secondHalfGrowthPct: number;
}

/** The leak bound: RSS over the second half of a run grows by at most this much. */
export const MAX_SECOND_HALF_GROWTH_PCT = 10;

/**
 * Samples the RSS of `pid` every `everyMs` until stopped. A leak shows as growth that goes on
 * after warm-up, so the bound compares the middle of the run with its end rather than the start
 * (V8 grows its heap while it warms up) with a fixed allowance.
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
      return {
        samples: samples.length,
        startMiB: toMiB(samples[0]?.rss ?? NaN),
        midMiB: toMiB(mid),
        endMiB: toMiB(end),
        peakMiB: toMiB(Math.max(...samples.map((s) => s.rss))),
        secondHalfGrowthPct: Math.round(((end - mid) / mid) * 1000) / 10,
      };
    },
  };
}
