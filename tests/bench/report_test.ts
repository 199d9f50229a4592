/** The benchmark's targets, markdown report and chart, from fixed figures. */
import assert from "node:assert/strict";
import {
  type BenchResults,
  evaluateTargets,
  type Figures,
  missedTargets,
  renderChart,
  renderMarkdown,
} from "../../bench/report.ts";
import { summarize } from "../../bench/stats.ts";

const MiB = 1024 * 1024;
const s = (...runs: number[]) => summarize(runs);
const load = (ops: number, p50: number) => ({
  opsPerSec: s(ops),
  p50Ms: s(p50),
  p99Ms: s(p50 * 2),
});

function figures(): Figures {
  return {
    meta: {
      date: "2026-11-24T20:00:00.000Z",
      profile: "full",
      machine: { cpu: "Test CPU", cores: 2, memoryGiB: 24, os: "Linux 6", deno: "2.9.6" },
      s3Endpoint: "http://127.0.0.1:7480",
      loadBefore: 0.5,
      loadAfter: 1.5,
      durationSec: 120,
    },
    echo: [
      { concurrency: 1, load: load(500, 2), cpuMsPer1000: s(300) },
      { concurrency: 32, load: load(3000, 10), cpuMsPer1000: s(200) },
    ],
    direct: [
      { op: "PutObject", concurrency: 1, load: load(300, 3), cpuMsPer1000: s(500) },
      { op: "GetObject", concurrency: 1, load: load(400, 2.5), cpuMsPer1000: s(400) },
      { op: "PutObject", concurrency: 32, load: load(1000, 30), cpuMsPer1000: s(400) },
      { op: "GetObject", concurrency: 32, load: load(1000, 30), cpuMsPer1000: s(300) },
    ],
    connector: [
      { method: "upload_item", concurrency: 1, load: load(150, 5.2), cpuMsPer1000: s(1500) },
      { method: "get_item", concurrency: 1, load: load(200, 5), cpuMsPer1000: s(1200) },
      { method: "upload_item", concurrency: 32, load: load(900, 35), cpuMsPer1000: s(1000) },
      { method: "get_item", concurrency: 32, load: load(500, 60), cpuMsPer1000: s(900) },
    ],
    large: [
      {
        sizeMiB: 64,
        direction: "upload",
        connectorMiBps: s(60, 50, 70),
        directMiBps: s(100),
        peakRss: s(300 * MiB, 340 * MiB),
        floorMiBps: s(80),
        floorPeakRss: s(250 * MiB),
      },
      {
        sizeMiB: 64,
        direction: "download",
        connectorMiBps: s(40),
        directMiBps: s(100),
        peakRss: s(500 * MiB),
        floorMiBps: s(50),
        floorPeakRss: s(450 * MiB),
      },
    ],
    cost: {
      idleRss: 80 * MiB,
      rssBeforeLarge: 120 * MiB,
      startup: { readyMs: s(600, 700, 650), listeningMs: s(400) },
    },
  };
}

function results(): BenchResults {
  const f = figures();
  return { ...f, targets: evaluateTargets(f) };
}

Deno.test("evaluateTargets computes each ratio and difference from the same run's figures", () => {
  const byId = new Map(evaluateTargets(figures()).map((t) => [t.id, t]));
  assert.equal(byId.get("throughput-upload_item")?.measured, 0.9);
  assert.equal(byId.get("throughput-upload_item")?.met, true);
  assert.equal(byId.get("throughput-get_item")?.measured, 0.5);
  assert.equal(byId.get("throughput-get_item")?.met, false);
  // 5.2 - (2 + 3) and 5 - (2 + 2.5)
  assert.ok(Math.abs(byId.get("latency-upload_item")!.measured - 0.2) < 1e-9);
  assert.equal(byId.get("latency-upload_item")?.met, true);
  assert.equal(byId.get("latency-get_item")?.measured, 0.5);
  assert.equal(byId.get("latency-get_item")?.met, true);
  assert.equal(byId.get("large-upload")?.measured, 0.6);
  assert.equal(byId.get("large-download")?.met, false);
  // Worst run against 4 × 64 MiB + 80 MiB idle.
  assert.equal(byId.get("memory-upload")?.measured, 340);
  assert.equal(byId.get("memory-upload")?.limit, 336);
  assert.equal(byId.get("memory-upload")?.met, false);
  assert.equal(byId.get("memory-idle")?.met, true);
  assert.equal(byId.get("ready")?.measured, 650);
  assert.equal(byId.get("ready")?.met, true);
});

Deno.test("a target the run did not measure is reported as not measured, not as met", () => {
  const f = figures();
  f.large = [];
  const t = evaluateTargets(f).find((t) => t.id === "large-upload")!;
  assert.equal(t.met, null);
  assert.match(renderMarkdown({ ...f, targets: evaluateTargets(f) }), /\| not measured \|/);
});

Deno.test("the markdown names the machine and says plainly which targets were missed", () => {
  const md = renderMarkdown(results());
  assert.match(md, /on Test CPU, 2 cores, 24 GiB, Linux 6, Deno 2\.9\.6/);
  assert.match(md, /\| C connector \| upload_item \| 32 \| 900 \| 35\.00 \| 70\.00 \| 1000 \|/);
  assert.match(md, /\| 64 MiB \| upload \| 60\.0 \(50\.0–70\.0\) \| 100\.0 \| 0\.60 \| 80\.0 \|/);
  assert.match(md, /\| Start to \/ready 200 \| 650 \(600–700\) ms \|/);
  const missed = missedTargets(results().targets);
  assert.deepEqual(missed.map((line) => line.split(":")[1]?.trim()), [
    "Throughput C/B at concurrency 32, get_item vs GetObject",
    "64 MiB download, connector / direct SDK",
    "Peak RSS during a 64 MiB upload ≤ 4 × 64 MiB + idle",
    "Peak RSS during a 64 MiB download ≤ 4 × 64 MiB + idle",
  ]);
  for (const line of missed) assert.ok(md.includes(line), line);
});

Deno.test("the chart is an SVG with one labelled line per series and no NaN coordinates", () => {
  const svg = renderChart(results());
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.equal(svg.match(/<polyline /g)?.length, 8);
  assert.ok(svg.includes(">C upload_item<") && svg.includes(">direct download<"));
  assert.ok(!svg.includes("NaN"));
});
