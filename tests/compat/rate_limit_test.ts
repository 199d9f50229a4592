/**
 * The original's middleware order, through the real path (kubemq-js client -> test broker ->
 * connector process -> fault proxy -> radosgw): the rate limiter sits inside retry, so every
 * attempt of a retried request waits for its own token.
 */
import assert from "node:assert/strict";
import { testTargetProperties } from "../../testing/connector.ts";
import { s3TestEnv } from "../../testing/s3.ts";
import { startFaultProxy } from "../../testing/s3_proxy.ts";
import { startStack } from "../../testing/stack.ts";

Deno.test("compat: every retry attempt takes a rate_per_seconds token", async () => {
  await using proxy = await startFaultProxy({
    upstream: new URL(s3TestEnv().endpoint).host,
  });
  const attempts = 3;
  await using stack = await startStack({
    target: { ...testTargetProperties(), endpoint: proxy.url },
    properties: {
      retry_attempts: String(attempts),
      retry_delay_milliseconds: "1",
      retry_max_jitter_milliseconds: "0",
      retry_delay_type: "fixed",
      rate_per_seconds: "1",
    },
  });
  // S3 resets every connection: each attempt fails with a retryable error.
  await proxy.setMode("drop");
  const before = proxy.stats().accepted;
  const started = performance.now();
  const res = await stack.ask({ method: "list_buckets" });
  const elapsed = performance.now() - started;
  assert.equal(res.isError, true);
  // The proxy saw every attempt reach for S3 (the SDK may try more than once per attempt).
  assert.ok(proxy.stats().accepted - before >= attempts, JSON.stringify(proxy.stats()));
  // One token a second: attempts 2 and 3 each waited about a second for theirs. With one token
  // per request the three attempts would be 1 ms apart (plus the SDK's own short back-off).
  assert.ok(elapsed >= (attempts - 1) * 1000 - 50, `took ${elapsed.toFixed(0)} ms`);
});
