/** The benchmark's statistics and /proc parsing (no timing is asserted anywhere). */
import assert from "node:assert/strict";
import { median, percentile, runFigures, summarize, summarizeRuns } from "../../bench/stats.ts";
import { parseCpuTimeMs, parseStatusMemory } from "../../bench/proc.ts";

Deno.test("percentile interpolates between ranks and median takes the middle", () => {
  assert.equal(percentile([4, 1, 3, 2], 0), 1);
  assert.equal(percentile([4, 1, 3, 2], 100), 4);
  assert.equal(percentile([1, 2, 3, 4], 50), 2.5);
  assert.equal(percentile([10, 20], 25), 12.5);
  assert.equal(median([5, 1, 9]), 5);
  assert.ok(Number.isNaN(median([])));
  assert.throws(() => percentile([1], 101), /percentile must be within 0..100, got 101/);
});

Deno.test("summarize gives median, extremes and spread relative to the median", () => {
  const s = summarize([90, 110, 100]);
  assert.deepEqual(s, { median: 100, min: 90, max: 110, spread: 0.2, runs: [90, 110, 100] });
  assert.equal(summarize([0, 0]).spread, 0);
  assert.ok(Number.isNaN(summarize([]).median));
});

Deno.test("runFigures turns a run into ops/s and latency percentiles", () => {
  const f = runFigures({ ops: 4, elapsedMs: 200, latenciesMs: [1, 2, 3, 4] });
  assert.equal(f.opsPerSec, 20);
  assert.equal(f.p50Ms, 2.5);
  assert.ok(Math.abs(f.p99Ms - 3.97) < 1e-9);
  const s = summarizeRuns([
    { ops: 10, elapsedMs: 1000, latenciesMs: [1] },
    { ops: 30, elapsedMs: 1000, latenciesMs: [3] },
    { ops: 20, elapsedMs: 1000, latenciesMs: [2] },
  ]);
  assert.equal(s.opsPerSec.median, 20);
  assert.equal(s.p50Ms.min, 1);
  assert.equal(s.p50Ms.max, 3);
});

Deno.test("parseCpuTimeMs adds utime and stime even when the command name has spaces", () => {
  const stat = "4242 (deno (worker) x) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 75 0 0 20 0 9";
  assert.equal(parseCpuTimeMs(stat), 3250);
  assert.throws(() => parseCpuTimeMs("1 (x) S"), /unreadable \/proc stat line/);
});

Deno.test("parseStatusMemory reads VmRSS and VmHWM in bytes", () => {
  const status = "Name:\tdeno\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\nThreads:\t9\n";
  assert.deepEqual(parseStatusMemory(status), { rss: 100 * 1024 * 1024, hwm: 200 * 1024 * 1024 });
  assert.throws(() => parseStatusMemory("Name:\tdeno\n"), /no VmRSS in \/proc status/);
});
