/**
 * SIGTERM drains: the connector stops taking queries, answers every query already in flight, and
 * exits 0.
 */
import assert from "node:assert/strict";
import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import { createTestBucket, deleteTestBucketFully, testS3Client } from "../../../testing/s3.ts";
import { startStack } from "../../../testing/stack.ts";
import { bindings, logsMatching, poll } from "./_support.ts";

Deno.test("SIGTERM with 50 queries in flight: all 50 are answered and stored, exit code 0", async () => {
  const s3 = testS3Client();
  const bucket = await createTestBucket(s3, "e2e-drain");
  try {
    // 10 per second keeps the 50 queries in the binding for about 5 s: the signal comes once
    // all of them have arrived, while most still wait for the rate limiter.
    await using stack = await startStack({
      properties: { rate_per_second: "10" },
      top: { drainTimeoutSeconds: 60 },
    });
    const body = new Uint8Array(1024).fill(7);
    const answers = Array.from({ length: 50 }, (_, i) =>
      stack.ask(
        { method: "upload_item", bucket_name: bucket, item_name: `drain/${i}` },
        body,
        60_000,
      ));
    const inFlight = await poll(
      "all 50 queries received",
      async () => {
        const [status] = await bindings(stack.connector.apiUrl);
        return status?.counters.requests === 50 ? status.counters.inFlight : undefined;
      },
      20_000,
      50,
    );
    assert.ok(inFlight >= 30, `most queries are in flight at the signal (${inFlight})`);

    const code = stack.connector.stop("SIGTERM");
    const responses = await Promise.all(answers);
    assert.equal(await code, 0);

    assert.deepEqual(responses.filter((r) => r.isError).map((r) => r.error), []);
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: "drain/" }));
    assert.equal(listed.KeyCount, 50);
    const records = stack.connector.records();
    assert.equal(logsMatching(records, /^Shutting down \("SIGTERM"\)/).length, 1);
    assert.equal(logsMatching(records, /unanswered/).length, 0, "nothing left unanswered");
    assert.equal((await stack.broker.stats()).subscriptions, 0, "the subscription is gone");
  } finally {
    await deleteTestBucketFully(bucket, s3);
    s3.destroy();
  }
});
