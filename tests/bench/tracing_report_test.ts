/** Scenario T's counted target and table, from fixed figures (no timings measured here). */
import assert from "node:assert/strict";
import { evaluateTargets, type Figures, missedTargets, tally } from "../../bench/report.ts";
import type { TracingResult } from "../../bench/scenarios/tracing_run.ts";
import { tracingReportLines, tracingTargets } from "../../bench/tracing_report.ts";
import { summarize } from "../../bench/stats.ts";

const s = (...runs: number[]) => summarize(runs);
const load = { opsPerSec: s(500), p50Ms: s(60), p99Ms: s(90) };

/** upload_item: off 1000/1000/1000, on 1040/1100/1020 (met); get_item: on 1200 (missed). */
function tracing(): TracingResult {
  const side = (name: string, ...cpu: number[]) => ({ name, load, cpuMsPer1000: s(...cpu) });
  const traced = (off: number[], on: number[], name = "http/protobuf") => {
    const median = s(...on).median / s(...off).median - 1;
    return {
      ...side(name, ...on),
      overhead: median,
      overheadRuns: on.map((v, i) => v / off[i]! - 1),
    };
  };
  return {
    protocols: ["http/protobuf"],
    extraEnv: {},
    concurrency: 32,
    ops: 800,
    repeats: 3,
    methods: [
      {
        method: "upload_item",
        concurrency: 32,
        off: side("off", 1000, 1000, 1000),
        on: [traced([1000, 1000, 1000], [1040, 1100, 1020])],
      },
      {
        method: "get_item",
        concurrency: 32,
        off: side("off", 900, 1000, 950),
        on: [traced([900, 1000, 950], [1200, 1150, 1140])],
      },
    ],
    witness: [{ protocol: "http/protobuf", spans: 9000, requestSpans: 3000, sent: 3000 }],
  };
}

Deno.test("tracing target: on ÷ off from the medians, each round's ratio as range, the witness in the detail", () => {
  const [upload, get] = tracingTargets(tracing());
  assert.equal(upload!.id, "tracing-cpu-upload_item");
  assert.equal(upload!.limit, 1.05);
  assert.equal(upload!.comparison, "<=");
  assert.ok(Math.abs(upload!.measured - 1.04) < 1e-9);
  assert.deepEqual(upload!.range, { min: 1.02, max: 1.1 });
  assert.match(
    upload!.detail,
    /^1040 ÷ 1000 ms, 3 interleaved rounds; witness: 3000 request spans exported for 3000 requests$/,
  );
  assert.ok(Math.abs(get!.measured - 1150 / 950) < 1e-9);
  assert.ok(Math.abs(get!.range!.min - 1150 / 1000) < 1e-9);
  assert.ok(Math.abs(get!.range!.max - 1200 / 900) < 1e-9);
});

Deno.test("tracing target counts in the run's tally: met at 1.04, missed at 1.21, missed when not measured", () => {
  const f = { tracing: tracing() } as unknown as Figures;
  const base = {
    meta: { loadBefore: 0, loadAfter: 0 },
    echo: [],
    direct: [],
    connector: [],
    large: [],
    cost: { idleRss: 0, rssBeforeLarge: 0, startup: { listeningMs: s(), readyMs: s() } },
  };
  const targets = evaluateTargets({ ...base, ...f } as Figures);
  const byId = (id: string) => targets.find((t) => t.id === id)!;
  assert.equal(byId("tracing-cpu-upload_item").met, true);
  assert.equal(byId("tracing-cpu-upload_item").informational, null);
  assert.equal(byId("tracing-cpu-get_item").met, false);
  assert.ok(
    missedTargets(targets).some((l) =>
      l.startsWith("MISSED: CPU per 1000 get_item at concurrency 32, tracing on")
    ),
  );
  const without = evaluateTargets(base as unknown as Figures);
  assert.equal(without.find((t) => t.id === "tracing-cpu-upload_item")!.met, null);
  assert.equal(tally(without).missed - tally(targets).missed, 1);
});

Deno.test("tracing table: one row per method and connector, ratio with its range, the witness", () => {
  const lines = tracingReportLines(tracing());
  assert.ok(lines.includes("| upload_item | off | 1000 (1000–1000) | | |"));
  assert.ok(
    lines.includes(
      "| upload_item | on, http/protobuf | 1040 (1020–1100) | 1.04 (1.02–1.10) | 3000 of 3000 sent (both methods) |",
    ),
    lines.join("\n"),
  );
  assert.ok(
    lines.some((l) =>
      l.startsWith("| get_item | on, http/protobuf | 1150 (1140–1200) | 1.21 (1.15–1.33) |")
    ),
  );
  assert.deepEqual(tracingReportLines(undefined), []);
  const missing = tracingTargets(undefined);
  assert.deepEqual(missing.map((t) => [t.id, Number.isNaN(t.measured), t.detail]), [
    ["tracing-cpu-upload_item", true, "not measured"],
    ["tracing-cpu-get_item", true, "not measured"],
  ]);
});
