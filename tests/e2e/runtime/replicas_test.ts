/**
 * Scaling out: connector replicas in one KubeMQ group share the queries, each answered exactly
 * once; so do the `sources` copies inside one connector.
 */
import assert from "node:assert/strict";
import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import { decodeResponse, encodeRequest } from "../../../lib/wire.ts";
import { startTestBroker } from "../../../testing/broker.ts";
import { startConnector } from "../../../testing/connector.ts";
import { createKubemqClient } from "../../../testing/kubemq_client.ts";
import { createTestBucket, deleteTestBucketFully, testS3Client } from "../../../testing/s3.ts";
import { bindings } from "./_support.ts";

/** Sends `n` upload_item queries at once; returns the decoded responses. */
async function uploadMany(address: string, channel: string, bucket: string, n: number) {
  using client = createKubemqClient({ address });
  return await Promise.all(Array.from({ length: n }, async (_, i) => {
    const body = encodeRequest({
      metadata: { method: "upload_item", bucket_name: bucket, item_name: `q/${i}` },
      data: new TextEncoder().encode(`query ${i}`),
    });
    const res = await client.sendQuery({ channel, body, timeoutMs: 30_000 });
    assert.equal(res.executed, true, res.error);
    return decodeResponse(res.body);
  }));
}

async function keyCount(bucket: string): Promise<number | undefined> {
  const s3 = testS3Client();
  try {
    return (await s3.send(new ListObjectsV2Command({ Bucket: bucket }))).KeyCount;
  } finally {
    s3.destroy();
  }
}

Deno.test("two connector replicas in one group answer each of 40 queries exactly once", async () => {
  const s3 = testS3Client();
  const bucket = await createTestBucket(s3, "e2e-replicas");
  try {
    await using broker = await startTestBroker();
    const channel = `e2e.replicas.${Date.now().toString(36)}`;
    const binding = { source: { address: broker.address, channel, group: "s3-workers" } };
    await using a = await startConnector({ bindings: [binding] });
    await using b = await startConnector({ bindings: [binding] });
    await broker.waitForSubscribers(channel, 2, 10_000);

    const responses = await uploadMany(broker.address, channel, bucket, 40);
    assert.deepEqual(responses.filter((r) => r.isError).map((r) => r.error), []);

    const handled = await Promise.all(
      [a, b].map(async (c) => (await bindings(c.apiUrl))[0]?.counters.requests ?? -1),
    );
    assert.equal(handled[0]! + handled[1]!, 40, `handled per replica: ${handled}`);
    assert.ok(handled.every((n) => n > 0), `both replicas took a share: ${handled}`);
    const stats = await broker.stats();
    assert.equal(stats.responses, 40);
    assert.equal(stats.responsesDropped, 0, "no query was answered twice");
    assert.equal(await keyCount(bucket), 40);
  } finally {
    await deleteTestBucketFully(bucket, s3);
    s3.destroy();
  }
});

Deno.test("sources: 4 without a group: the copies share the queries, each answered once", async () => {
  const s3 = testS3Client();
  const bucket = await createTestBucket(s3, "e2e-sources");
  try {
    await using broker = await startTestBroker();
    const channel = `e2e.sources.${Date.now().toString(36)}`;
    await using c = await startConnector({
      bindings: [{ source: { address: broker.address, channel, sources: "4" } }],
    });
    await broker.waitForSubscribers(channel, 4, 10_000);

    const responses = await uploadMany(broker.address, channel, bucket, 20);
    assert.deepEqual(responses.filter((r) => r.isError).map((r) => r.error), []);
    assert.equal((await bindings(c.apiUrl))[0]?.counters.requests, 20);
    const stats = await broker.stats();
    assert.equal(stats.delivered, 20, "each query went to one copy");
    assert.equal(stats.responsesDropped, 0);
    assert.equal(await keyCount(bucket), 20);
  } finally {
    await deleteTestBucketFully(bucket, s3);
    s3.destroy();
  }
});
