/** The bench's load runner: interleaved rounds (no timings asserted). */
import assert from "node:assert/strict";
import { runInterleaved } from "../../bench/load.ts";

Deno.test("runInterleaved runs one warm-up and one timed run of each load per round, in turn", async () => {
  const calls: string[] = [];
  const load = (name: string) => ({
    op: (i: number) => {
      calls.push(`${name}${i}`);
      return Promise.resolve();
    },
    cpuPid: Deno.pid,
  });
  const out = await runInterleaved([load("a"), load("b")], {
    concurrency: 1,
    ops: 2,
    warmup: 1,
    repeats: 2,
  });
  // Indexes never repeat within a load: warm-up 0, run 1-2; warm-up 3, run 4-5.
  assert.deepEqual(calls, ["a0", "a1", "a2", "b0", "b1", "b2", "a3", "a4", "a5", "b3", "b4", "b5"]);
  assert.equal(out.length, 2);
  for (const m of out) {
    assert.equal(m.runs.length, 2);
    assert.deepEqual(m.runs.map((r) => r.ops), [2, 2]);
    assert.equal(m.cpuMsPer1000.length, 2);
  }
});

Deno.test("runInterleaved with rotate starts round r with load r mod n", async () => {
  const calls: string[] = [];
  const load = (name: string) => ({
    op: (i: number) => {
      calls.push(`${name}${i}`);
      return Promise.resolve();
    },
    cpuPid: Deno.pid,
  });
  const out = await runInterleaved([load("a"), load("b"), load("c")], {
    concurrency: 1,
    ops: 1,
    warmup: 0,
    repeats: 4,
    rotate: true,
  });
  assert.deepEqual(calls, ["a0", "b0", "c0", "b1", "c1", "a1", "c2", "a2", "b2", "a3", "b3", "c3"]);
  assert.deepEqual(out.map((m) => m.runs.length), [4, 4, 4]);
});
