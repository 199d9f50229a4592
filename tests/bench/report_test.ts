/** The benchmark's targets, markdown report and chart, from fixed figures. */
import assert from "node:assert/strict";
import {
  type BenchResults,
  combined,
  evaluateTargets,
  type Figures,
  missedTargets,
  renderChart,
  renderMarkdown,
  secondsOf,
  summaryLine,
  tally,
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

const near = (a: number | undefined, b: number) =>
  assert.ok(Math.abs(a! - b) < 1e-9, `${a} vs ${b}`);

Deno.test("evaluateTargets computes each ratio and difference from the same run's figures", () => {
  const byId = new Map(evaluateTargets(figures()).map((t) => [t.id, t]));
  // 64 MiB upload: connector 64/60 s ÷ (floor 64/80 + direct 64/100) s, medians.
  near(byId.get("large-64-upload")?.measured, (64 / 60) / (64 / 80 + 64 / 100));
  assert.equal(byId.get("large-64-upload")?.met, true);
  // Repeat by repeat: the connector ran at 60, 50, 70 MiB/s, the others once: no pairing.
  assert.equal(byId.get("large-64-upload")?.range, null);
  near(byId.get("large-64-download")?.measured, (64 / 40) / (64 / 50 + 64 / 100));
  assert.equal(byId.get("large-64-download")?.met, true);
  assert.equal(byId.get("large-16-upload")?.met, null);
  // CPU: 1000 ÷ (400 + 200) at concurrency 32, 1500 ÷ (500 + 300) at 1.
  near(byId.get("cpu-upload_item-c32")?.measured, 1000 / 600);
  assert.equal(byId.get("cpu-upload_item-c32")?.met, false);
  near(byId.get("cpu-get_item-c32")?.measured, 900 / 500);
  near(byId.get("cpu-upload_item-c1")?.measured, 1500 / 800);
  near(byId.get("cpu-get_item-c1")?.measured, 1200 / 700);
  // 5.2 - (2 + 3) and 5 - (2 + 2.5)
  near(byId.get("latency-upload_item")?.measured, 0.2);
  assert.equal(byId.get("latency-upload_item")?.met, true);
  assert.equal(byId.get("latency-get_item")?.measured, 0.5);
  assert.equal(byId.get("latency-get_item")?.met, true);
  // Worst run against 4 × 64 MiB + 80 MiB idle, with the range of the runs.
  assert.equal(byId.get("memory-upload")?.measured, 340);
  assert.equal(byId.get("memory-upload")?.limit, 336);
  assert.equal(byId.get("memory-upload")?.met, false);
  assert.deepEqual(byId.get("memory-upload")?.range, { min: 300, max: 340 });
  assert.equal(byId.get("memory-idle")?.met, true);
  assert.equal(byId.get("ready")?.measured, 650);
  assert.equal(byId.get("ready")?.limit, 500);
  assert.equal(byId.get("ready")?.met, false);
  assert.deepEqual(byId.get("ready")?.range, { min: 600, max: 700 });
  // Issue 8's targets stay, marked as information with the reason.
  assert.equal(byId.get("throughput-upload_item")?.measured, 0.9);
  assert.match(byId.get("throughput-upload_item")!.informational!, /kept for information/);
  assert.equal(byId.get("large-direct-upload")?.measured, 0.6);
  assert.match(byId.get("ready-1s")!.informational!, /superseded/);
  for (const id of ["large-64-upload", "cpu-get_item-c32", "latency-own-get_item", "memory-idle"]) {
    assert.equal(byId.get(id)?.informational, null, id);
  }
  // At concurrency 1 the floor is M (issue 20): C − (A + B) and C ÷ (A + B) are information.
  for (const id of ["cpu-upload_item-c1", "cpu-get_item-c1", "latency-upload_item"]) {
    assert.match(byId.get(id)!.informational!, /the floor is M, the minimal responder/, id);
  }
});

Deno.test("combined takes the medians for the value and pairs repeats by index for the range", () => {
  const c = combined([s(10, 12, 14), s(4, 5, 6), s(1, 1, 4)], ([c, a, b]) => c! - (a! + b!));
  // Medians 12 − (5 + 1); repeats: 10 − (4 + 1), 12 − (5 + 1), 14 − (6 + 4).
  assert.equal(c.value, 6);
  assert.deepEqual(c.range, { min: 4, max: 6 });
  assert.deepEqual(combined([s(2, 4), s(1, 1)], ([a, b]) => a! / b!), {
    value: 3,
    range: { min: 2, max: 4 },
  });
  // One repeat, or a summary that has fewer repeats than two: no range.
  assert.equal(combined([s(2), s(1)], ([a, b]) => a! / b!).range, null);
  assert.equal(combined([s(2, 3), s(1)], ([a, b]) => a! / b!).range, null);
  assert.ok(Number.isNaN(combined([summarize([]), s(1)], ([a, b]) => a! / b!).value));
});

Deno.test("secondsOf turns MiB/s into seconds per transfer, run by run", () => {
  const t = secondsOf(s(32, 64, 16), 64);
  assert.deepEqual(t.runs, [2, 1, 4]);
  assert.equal(t.median, 2);
});

Deno.test("time ratios pair each repeat's connector, floor and direct times", () => {
  const f = figures();
  f.large[0] = {
    ...f.large[0]!,
    connectorMiBps: s(32, 64),
    floorMiBps: s(64, 64),
    directMiBps: s(64, 128),
  };
  const t = evaluateTargets(f).find((t) => t.id === "large-64-upload")!;
  // Repeat 1: 2 s ÷ (1 + 1) s = 1; repeat 2: 1 s ÷ (1 + 0.5) s = 0.67.
  assert.deepEqual(t.range, { min: 1 / 1.5, max: 1 });
  assert.match(renderMarkdown({ ...f, targets: evaluateTargets(f) }), /\(0\.67–1\.00\)/);
});

Deno.test("the summary line counts the counted targets; not measured is not met", () => {
  const f = figures();
  const targets = evaluateTargets(f);
  const { met, missed } = tally(targets);
  const counted = targets.filter((t) => t.informational === null);
  assert.equal(met + missed, counted.length);
  assert.equal(met, counted.filter((t) => t.met === true).length);
  assert.equal(summaryLine(targets), `targets: ${met} met, ${missed} missed`);
  const md = renderMarkdown({ ...f, targets });
  const last = md.trimEnd().split("\n").at(-1);
  assert.equal(last, summaryLine(targets));
  assert.equal(md.match(/^targets: /gm)?.length, 1);
});

Deno.test("a target the run did not measure is reported as not measured, not as met", () => {
  const f = figures();
  f.large = [];
  const t = evaluateTargets(f).find((t) => t.id === "large-64-upload")!;
  assert.equal(t.met, null);
  const md = renderMarkdown({ ...f, targets: evaluateTargets(f) });
  assert.match(md, /\| not measured \|/);
  assert.match(md, /NOT MEASURED: 64 MiB upload/);
});

Deno.test("the markdown names the machine and says plainly which targets were missed", () => {
  const md = renderMarkdown(results());
  assert.match(md, /on Test CPU, 2 cores, 24 GiB, Linux 6, Deno 2\.9\.6/);
  assert.match(md, /\| C connector \| upload_item \| 32 \| 900 \| 35\.00 \| 70\.00 \| 1000 \|/);
  assert.match(md, /\| 64 MiB \| upload \| 60\.0 \(50\.0–70\.0\) \| 100\.0 \| 80\.0 \| 0\.74 \|/);
  assert.match(md, /\| Start to \/ready 200 \| 650 \(600–700\) ms \|/);
  assert.match(md, /For information \(not counted\): earlier targets/);
  assert.match(
    md,
    /\| Throughput C\/B at concurrency 32, get_item vs GetObject \| 0\.50 × \| >= 0\.80 × \| information \(missed\) \|/,
  );
  const missed = missedTargets(results().targets);
  assert.deepEqual(missed.map((line) => line.split(":").slice(0, 2).join(":").trim()), [
    "NOT MEASURED: 16 MiB upload",
    "NOT MEASURED: 16 MiB download",
    "MISSED: Peak RSS during a 64 MiB upload ≤ idle + 4 × 64 MiB",
    "MISSED: Peak RSS during a 64 MiB download ≤ idle + 4 × 64 MiB",
    "MISSED: CPU per 1000 upload_item ÷ (SDK script's PutObject + echo responder's), concurrency 32",
    "MISSED: CPU per 1000 get_item ÷ (SDK script's GetObject + echo responder's), concurrency 32",
    "NOT MEASURED: The connector's own added latency at concurrency 1, p50",
    "NOT MEASURED: CPU per 1000 upload_item at concurrency 1 ÷ the minimal responder's",
    "NOT MEASURED: The connector's own added latency at concurrency 1, p50",
    "NOT MEASURED: CPU per 1000 get_item at concurrency 1 ÷ the minimal responder's",
    // Scenario T absent (an older results file): its targets count as missed.
    "NOT MEASURED: CPU per 1000 upload_item at concurrency 32, tracing on (http/protobuf) ÷ off",
    "NOT MEASURED: CPU per 1000 get_item at concurrency 32, tracing on (http/protobuf) ÷ off",
    "MISSED: Process start to /ready 200",
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

Deno.test("at concurrency 1 the connector is judged against M: C − M ≤ 0.3 ms and CPU ≤ 1.05 × M's", () => {
  const f = figures();
  f.minimal = [
    { method: "upload_item", concurrency: 1, load: load(180, 5.0), cpuMsPer1000: s(1450) },
    { method: "get_item", concurrency: 1, load: load(220, 4.6), cpuMsPer1000: s(1000) },
  ];
  const targets = evaluateTargets(f);
  const byId = (id: string) => targets.find((t) => t.id === id)!;
  // C − M: 5.2 − 5.0 (met) and 5 − 4.6 (missed); CPU C ÷ M: 1500 ÷ 1450 (met), 1200 ÷ 1000.
  near(byId("latency-own-upload_item").measured, 0.2);
  assert.equal(byId("latency-own-upload_item").limit, 0.3);
  assert.equal(byId("latency-own-upload_item").met, true);
  near(byId("latency-own-get_item").measured, 0.4);
  assert.equal(byId("latency-own-get_item").met, false);
  near(byId("cpu-own-upload_item").measured, 1500 / 1450);
  assert.equal(byId("cpu-own-upload_item").limit, 1.05);
  assert.equal(byId("cpu-own-upload_item").met, true);
  near(byId("cpu-own-get_item").measured, 1.2);
  assert.equal(byId("cpu-own-get_item").met, false);
  for (const id of ["latency-own-get_item", "cpu-own-upload_item"]) {
    assert.equal(byId(id).informational, null, `${id} counts`);
  }
  // M − (A + B), the composition floor, is information: 5.0 − (2 + 3) and 4.6 − (2 + 2.5).
  near(byId("latency-floor-upload_item").measured, 0);
  near(byId("latency-floor-get_item").measured, 0.1);
  assert.ok(byId("latency-floor-get_item").informational);
  // The same targets count with or without M; without it they are not measured.
  const counted = (ts: typeof targets) => ts.filter((t) => t.informational === null).length;
  assert.equal(counted(targets), counted(evaluateTargets(figures())));
  // 9 missed here, plus scenario T's two targets, which these figures do not have.
  assert.deepEqual(tally(targets), { met: 5, missed: 11 });
  const md = renderMarkdown({ ...f, targets });
  assert.match(md, /\| M minimal responder \| get_item \| 1 \|/);
  assert.match(
    md,
    /\| The connector's own added latency at concurrency 1, p50: C − M, upload_item \| 0\.20 ms \| <= 0\.30 ms \| met \|/,
  );
});

Deno.test("scenario K adds one counted memory target per kind and its table", () => {
  const f = figures();
  f.kinds = [
    {
      kind: "query",
      sizeMiB: 64,
      parallel: 1,
      idleRss: 100 * MiB,
      rssBefore: s(101 * MiB),
      peakRss: s(240 * MiB, 260 * MiB),
      seconds: s(3, 4),
    },
    {
      kind: "queue",
      sizeMiB: 64,
      parallel: 1,
      idleRss: 100 * MiB,
      rssBefore: s(101 * MiB),
      peakRss: s(480 * MiB),
      seconds: s(5),
    },
  ];
  const targets = evaluateTargets(f);
  const query = targets.find((t) => t.id === "memory-kind-query")!;
  // Worst of the two: (260 − 100) ÷ 64 = 2.5, at the limit: met.
  assert.equal(query.measured, 2.5);
  assert.equal(query.met, true);
  assert.equal(query.informational, null);
  const queue = targets.find((t) => t.id === "memory-kind-queue")!;
  near(queue.measured, 380 / 64);
  assert.equal(queue.met, false);
  assert.equal(tally(targets).missed, tally(evaluateTargets(figures())).missed + 1);
  const md = renderMarkdown({ ...f, targets });
  assert.match(md, /\*\*Every source kind, one large upload_item \(K\)\*\*/);
  assert.match(md, /\| kubemq\.queue \| 64 MiB \| 100 \| 101 \| 480 \| 5\.94 \| 5\.00 \|/);
  assert.match(
    md,
    /MISSED: Peak RSS, 64 MiB upload_item through kubemq\.queue ≤ idle \+ 2\.5 × object/,
  );
});
