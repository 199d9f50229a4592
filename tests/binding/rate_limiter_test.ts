// The rate_per_second middleware: calls are spaced evenly, 0 is unlimited, an abort stops a wait.
import assert from "node:assert/strict";
import { RateLimiter } from "../../lib/binding/rate_limiter.ts";

Deno.test("RateLimiter(0) never waits", async () => {
  const limiter = new RateLimiter(0);
  const started = performance.now();
  for (let i = 0; i < 1000; i++) await limiter.take();
  assert.ok(performance.now() - started < 500);
});

Deno.test("RateLimiter spaces calls at the rate: 6 calls at 20/s take at least 250 ms", async () => {
  const limiter = new RateLimiter(20);
  const started = performance.now();
  const at: number[] = [];
  await Promise.all(
    Array.from({ length: 6 }, () => limiter.take().then(() => at.push(performance.now()))),
  );
  // The first passes at once, each next one 50 ms later: 5 intervals.
  assert.ok(performance.now() - started >= 245, `took ${performance.now() - started} ms`);
  for (let i = 1; i < at.length; i++) assert.ok(at[i]! >= at[i - 1]!, "served in arrival order");
});

Deno.test("RateLimiter: an aborted wait rejects with the signal's reason", async () => {
  const limiter = new RateLimiter(1);
  await limiter.take();
  const controller = new AbortController();
  const waiting = limiter.take(controller.signal);
  controller.abort(new Error("shutdown"));
  await assert.rejects(waiting, /shutdown/);
});
