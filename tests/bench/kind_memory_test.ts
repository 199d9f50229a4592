/** Scenario K's targets and table, from fixed figures. */
import assert from "node:assert/strict";
import {
  growthRatio,
  KIND_MEMORY_FACTOR,
  kindMemoryLines,
  type KindMemoryResult,
  kindMemoryTargets,
} from "../../bench/kind_memory.ts";
import { summarize } from "../../bench/stats.ts";

const MiB = 1024 * 1024;
const s = (...runs: number[]) => summarize(runs);

function result(over: Partial<KindMemoryResult> = {}): KindMemoryResult {
  return {
    kind: "command",
    sizeMiB: 64,
    parallel: 1,
    idleRss: 98 * MiB,
    rssBefore: s(99 * MiB, 200 * MiB),
    peakRss: s(384 * MiB, 250 * MiB),
    seconds: s(2.5, 3.5),
    ...over,
  };
}

Deno.test("growthRatio is (peak − idle) ÷ the bytes in flight", () => {
  assert.equal(growthRatio(258 * MiB, 98 * MiB, 64 * MiB), 2.5);
  assert.equal(growthRatio(100 * MiB, 100 * MiB, 64 * MiB), 0);
});

Deno.test("a kind's target takes its worst transfer against the fresh connector's idle RSS", () => {
  const [t] = kindMemoryTargets([result()]);
  assert.equal(t!.id, "memory-kind-command");
  // (384 − 98) ÷ 64, the worst of the two; the range is each transfer's ratio.
  assert.equal(t!.measured, 286 / 64);
  assert.equal(t!.limit, KIND_MEMORY_FACTOR);
  assert.deepEqual(t!.range, { min: 152 / 64, max: 286 / 64 });
  assert.match(t!.detail, /worst of 2: idle 98 → peak 384 MiB, limit 258 MiB/);
  assert.match(t!.name, /64 MiB upload_item through kubemq\.command ≤ idle \+ 2\.5 × object/);
});

Deno.test("objects sent at once count together: the limit grows with each", () => {
  const [t] = kindMemoryTargets([
    result({ kind: "queue", parallel: 2, peakRss: s(400 * MiB) }),
  ]);
  assert.equal(t!.id, "memory-kind-queue-x2");
  assert.equal(t!.measured, (400 - 98) / 128);
  assert.equal(t!.range, null);
  assert.match(t!.name, /2 × 64 MiB upload_item through kubemq\.queue/);
  assert.match(t!.detail, /limit 418 MiB/);
});

Deno.test("a kind with no transfer is not measured (NaN), and the table says n/a", () => {
  const empty = result({ peakRss: s(), rssBefore: s(), seconds: s() });
  const [t] = kindMemoryTargets([empty]);
  assert.ok(Number.isNaN(t!.measured));
  assert.match(
    kindMemoryLines([empty]).at(-1)!,
    /\| kubemq\.command \| 64 MiB \| 98 \| n\/a \| n\/a \| n\/a \|/,
  );
});

Deno.test("the table has one row per kind with the median and range of the transfers", () => {
  assert.deepEqual(kindMemoryLines([]), []);
  const lines = kindMemoryLines([result(), result({ kind: "events", peakRss: s(300 * MiB) })]);
  assert.equal(lines.filter((l) => l.startsWith("| kubemq.")).length, 2);
  assert.ok(lines.includes(
    "| kubemq.command | 64 MiB | 98 | 150 (99–200) | 317 (250–384) | 4.47 | 3.00 (2.50–3.50) |",
  ));
});
