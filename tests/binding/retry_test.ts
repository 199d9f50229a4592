// The retry middleware's policy: which errors are retried, how often, and how long it waits.
import assert from "node:assert/strict";
import { ConnectorError, passThroughCode } from "../../lib/errors.ts";
import { isRetryable, retryDelay, type RetryPolicy, withRetry } from "../../lib/binding/retry.ts";

const policy = (p: Partial<RetryPolicy> = {}): RetryPolicy => ({
  attempts: 3,
  delayMs: 10,
  maxJitterMs: 0,
  type: "back-off",
  ...p,
});
const throttled = () =>
  new ConnectorError(passThroughCode("SlowDown"), "slow down", { status: 503, retryable: true });
const denied = () => new ConnectorError(passThroughCode("AccessDenied"), "denied", { status: 403 });

Deno.test("retryDelay: back-off doubles, fixed stays, random stays within the delay", () => {
  const noJitter = () => 0;
  assert.deepEqual(
    [1, 2, 3, 4].map((r) => retryDelay(policy({ delayMs: 100 }), r, noJitter)),
    [100, 200, 400, 800],
  );
  assert.deepEqual(
    [1, 2, 3].map((r) => retryDelay(policy({ type: "fixed", delayMs: 100 }), r, noJitter)),
    [100, 100, 100],
  );
  const high = () => 0.999999;
  assert.equal(retryDelay(policy({ type: "random", delayMs: 100 }), 5, high), 100);
  assert.equal(retryDelay(policy({ type: "random", delayMs: 100 }), 5, noJitter), 0);
});

Deno.test("retryDelay adds jitter up to maxJitterMs", () => {
  const p = policy({ type: "fixed", delayMs: 100, maxJitterMs: 50 });
  assert.equal(retryDelay(p, 1, () => 0), 100);
  assert.equal(retryDelay(p, 1, () => 0.999999), 150);
});

Deno.test("isRetryable: only ConnectorErrors marked retryable", () => {
  assert.equal(isRetryable(throttled()), true);
  assert.equal(isRetryable(denied()), false);
  assert.equal(isRetryable(new Error("boom")), false);
  assert.equal(isRetryable("text"), false);
});

Deno.test("withRetry retries a retryable error until it succeeds, telling onRetry each time", async () => {
  const seen: [number, string, number][] = [];
  let calls = 0;
  const result = await withRetry(
    policy({ attempts: 3, delayMs: 1 }),
    (attempt) => {
      calls++;
      if (attempt < 3) throw throttled();
      return Promise.resolve(`ok on ${attempt}`);
    },
    new AbortController().signal,
    (attempt, err, delay) => seen.push([attempt, (err as ConnectorError).code, delay]),
  );
  assert.equal(result, "ok on 3");
  assert.equal(calls, 3);
  assert.deepEqual(seen, [[1, "SlowDown", 1], [2, "SlowDown", 2]]);
});

Deno.test("withRetry gives up after the configured attempts with the last error", async () => {
  let calls = 0;
  await assert.rejects(
    withRetry(policy({ attempts: 4, delayMs: 0 }), () => {
      calls++;
      return Promise.reject(throttled());
    }, new AbortController().signal),
    (err: unknown) => err instanceof ConnectorError && err.code === "SlowDown",
  );
  assert.equal(calls, 4);
});

Deno.test("withRetry never retries an error that cannot succeed", async () => {
  let calls = 0;
  await assert.rejects(
    withRetry(policy({ attempts: 5 }), () => {
      calls++;
      return Promise.reject(denied());
    }, new AbortController().signal),
    /denied/,
  );
  assert.equal(calls, 1);
});

Deno.test("withRetry stops waiting when the signal aborts, with the signal's reason", async () => {
  const controller = new AbortController();
  const started = performance.now();
  const run = withRetry(
    policy({ attempts: 3, delayMs: 60_000 }),
    () => Promise.reject(throttled()),
    controller.signal,
    () => setTimeout(() => controller.abort(new Error("deadline")), 10),
  );
  await assert.rejects(run, /deadline/);
  assert.ok(performance.now() - started < 5_000, "the 60 s wait was cut short");
});
