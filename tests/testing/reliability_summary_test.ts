/**
 * The reliability summary (testing/reliability_summary.ts) cannot outlive a failed run: the old
 * `recordArea` merged into whatever latest.json held and said `ok: true` when the counts were
 * zero, so a run whose tests threw before recording kept the last run's figures and `ok: true`.
 */
import assert from "node:assert/strict";
import {
  type AreaOutcome,
  EXPECTED_AREAS,
  mergeArea,
  type Summary,
  zeroFigures,
} from "../../testing/reliability_summary.ts";

const passed: AreaOutcome = {
  keptServing: 0,
  keptServingLines: [],
  testsRun: 1,
  testsRegistered: 1,
  failures: [],
};

/** Every expected area recorded, clean, in run `id`. */
function wholeRun(id: string, served = 10): Summary {
  let s: Summary | null = null;
  for (const a of EXPECTED_AREAS) {
    s = mergeArea(s, id, a, { ...zeroFigures(), requestsServed: served }, passed);
  }
  return s!;
}

Deno.test("summary: a whole clean run is ok, its totals add up the areas", () => {
  const s = wholeRun("run 1");
  assert.equal(s.ok, true);
  assert.deepEqual(s.missing, []);
  assert.equal(s.totals.requestsServed, 10 * EXPECTED_AREAS.length);
});

Deno.test("summary: a new run drops the last run's figures instead of merging into them", () => {
  const old = wholeRun("run 1", 999);
  const next = mergeArea(old, "run 2", "fuzz", { ...zeroFigures(), requestsServed: 5 }, passed);
  assert.deepEqual(Object.keys(next.areas), ["fuzz"]);
  assert.equal(next.totals.requestsServed, 5);
  assert.equal(next.ok, false, "the other areas of run 2 have not recorded");
  assert.deepEqual(next.missing, EXPECTED_AREAS.filter((a) => a !== "fuzz"));
});

Deno.test("summary: an area whose test threw is not ok, even with every count zero", () => {
  const s = mergeArea(wholeRun("run 1"), "run 1", "soak_ci", zeroFigures(), {
    ...passed,
    failures: ["soak: connection refused"],
  });
  assert.equal(s.areas.soak_ci?.ok, false);
  assert.equal(s.ok, false);
  assert.equal(s.totals.failedTests, 1);
});

Deno.test("summary: a '(kept serving)' line fails its area and is counted", () => {
  const s = mergeArea(wholeRun("run 1"), "run 1", "fuzz", zeroFigures(), {
    ...passed,
    keptServing: 2,
    keptServingLines: ["Unhandled rejection (kept serving): boom"],
  });
  assert.equal(s.areas.fuzz?.ok, false);
  assert.equal(s.totals.keptServing, 2);
  assert.equal(s.ok, false);
});

Deno.test("summary: an area that recorded before all of its tests ran is not ok", () => {
  const s = mergeArea(wholeRun("run 1"), "run 1", "security", zeroFigures(), {
    ...passed,
    testsRun: 2,
    testsRegistered: 3,
  });
  assert.equal(s.areas.security?.ok, false);
  assert.equal(s.ok, false);
});

Deno.test("summary: lost, duplicated or crashed fail it, as before", () => {
  for (const k of ["lost", "duplicated", "crashes"] as const) {
    const s = mergeArea(wholeRun("r"), "r", "fuzz", { ...zeroFigures(), [k]: 1 }, passed);
    assert.equal(s.ok, false, k);
  }
});
