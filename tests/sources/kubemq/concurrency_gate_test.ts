// The concurrency bound: streams pause at the limit, resume below it; drained() waits for zero.
import assert from "node:assert/strict";
import { ConcurrencyGate, type Pausable } from "../../../lib/sources/kubemq/concurrency_gate.ts";

function stream(log: string[], name: string): Pausable {
  return { pause: () => log.push(`${name} pause`), resume: () => log.push(`${name} resume`) };
}

Deno.test("ConcurrencyGate pauses every stream at the limit and resumes them below it", () => {
  const log: string[] = [];
  const gate = new ConcurrencyGate(2, () => [stream(log, "a"), null, stream(log, "b")]);
  gate.enter();
  assert.deepEqual([gate.inFlight, gate.paused, log], [1, false, []]);
  gate.enter();
  assert.deepEqual([gate.inFlight, gate.paused, log], [2, true, ["a pause", "b pause"]]);
  gate.enter();
  assert.equal(log.length, 2);
  gate.leave();
  assert.equal(log.length, 2);
  gate.leave();
  assert.deepEqual([gate.inFlight, gate.paused], [1, false]);
  assert.deepEqual(log.slice(2), ["a resume", "b resume"]);
});

Deno.test("ConcurrencyGate.drained resolves when the last one leaves, or at the time limit", async () => {
  const gate = new ConcurrencyGate(10, () => []);
  await gate.drained(10_000); // nothing in flight: at once
  gate.enter();
  const started = performance.now();
  setTimeout(() => gate.leave(), 20);
  await gate.drained(10_000);
  assert.equal(gate.inFlight, 0);
  assert.ok(performance.now() - started < 5000);
  gate.enter();
  await gate.drained(20);
  assert.equal(gate.inFlight, 1);
});
