/** get_item end to end: kubemq-js client → test broker → connector → radosgw. */
import assert from "node:assert/strict";
import { HeadObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { startStack } from "../../../testing/stack.ts";
import { createTestBucket, deleteTestBucketFully, testS3Client } from "../../../testing/s3.ts";

const MiB = 1024 * 1024;

function randomBytes(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i += 65536) crypto.getRandomValues(out.subarray(i, i + 65536));
  return out;
}

Deno.test("e2e get_item", async (t) => {
  await using stack = await startStack();
  const s3 = testS3Client();
  const bucket = await createTestBucket(s3, "e2e-get");
  try {
    // Stored with the SDK directly, so get_item is checked independently of upload_item.
    const objects: [string, Uint8Array, string][] = [
      ["all-256", Uint8Array.from({ length: 256 }, (_, i) => i), "application/octet-stream"],
      ["empty", new Uint8Array(0), "application/octet-stream"],
      ["random 3 MiB.bin", randomBytes(3 * MiB), "application/x-test"],
      ["dir/ünï cødé +&=%.txt", new TextEncoder().encode("hello"), "text/plain"],
    ];
    for (const [key, body, type] of objects) {
      await s3.send(
        new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: type }),
      );
    }

    for (const [key, body, type] of objects) {
      await t.step(
        `returns the bytes of ${
          JSON.stringify(key)
        } (${body.length} bytes) with content_type, content_length and etag`,
        async () => {
          const res = await stack.ask({ method: "get_item", bucket_name: bucket, item_name: key });
          assert.equal(res.isError, false, res.error);
          assert.deepEqual(res.data ?? new Uint8Array(0), body);
          const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
          assert.equal(res.metadata.result, "ok");
          assert.equal(res.metadata.content_type, type);
          assert.equal(res.metadata.content_length, String(body.length));
          assert.equal(res.metadata.etag, head.ETag);
          assert.equal(res.metadata.last_modified, head.LastModified?.toISOString());
        },
      );
    }

    await t.step('an empty object comes back as data "", not null', async () => {
      const res = await stack.ask({ method: "get_item", bucket_name: bucket, item_name: "empty" });
      assert.deepEqual(res.data, new Uint8Array(0));
    });

    await t.step("user metadata comes back as x-amz-meta-* keys", async () => {
      await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: "with-meta",
          Body: "m",
          Metadata: { owner: "e2e", purpose: "test" },
        }),
      );
      const res = await stack.ask({
        method: "get_item",
        bucket_name: bucket,
        item_name: "with-meta",
      });
      assert.equal(res.isError, false, res.error);
      assert.equal(res.metadata["x-amz-meta-owner"], "e2e");
      assert.equal(res.metadata["x-amz-meta-purpose"], "test");
    });

    await t.step("range returns just those bytes", async () => {
      const all = objects[0]![1];
      const res = await stack.ask({
        method: "get_item",
        bucket_name: bucket,
        item_name: "all-256",
        range: "bytes=10-19",
      });
      assert.equal(res.isError, false, res.error);
      assert.deepEqual(res.data, all.slice(10, 20));
      assert.equal(res.metadata.content_length, "10");
      assert.equal(res.metadata.content_range, "bytes 10-19/256");
    });

    await t.step("a missing key is NoSuchKey (404)", async () => {
      const res = await stack.ask({ method: "get_item", bucket_name: bucket, item_name: "nope" });
      assert.equal(res.isError, true);
      assert.equal(res.metadata.error_code, "NoSuchKey");
      assert.equal(res.metadata.http_status, "404");
      assert.match(res.error, /^S3 error NoSuchKey \(HTTP 404\): .*item "nope"/);
    });
  } finally {
    await deleteTestBucketFully(bucket, s3);
    s3.destroy();
  }
});
