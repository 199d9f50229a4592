/** delete_bucket end to end: kubemq-js client → test broker → connector → radosgw. */
import assert from "node:assert/strict";
import { HeadBucketCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { dataJson, startStack } from "../../../testing/stack.ts";
import { createTestBucket, deleteTestBucketFully, testS3Client } from "../../../testing/s3.ts";

Deno.test("e2e delete_bucket", async (t) => {
  await using stack = await startStack();
  const s3 = testS3Client();
  const waited = await createTestBucket(s3, "e2e-delete-bucket-wait");
  const plain = await createTestBucket(s3, "e2e-delete-bucket");
  const full = await createTestBucket(s3, "e2e-delete-bucket-force");
  try {
    await t.step("with wait_for_completion, then list_bucket_items says NoSuchBucket", async () => {
      const res = await stack.ask({
        method: "delete_bucket",
        bucket_name: waited,
        wait_for_completion: "true",
      });
      assert.equal(res.isError, false, res.error);
      assert.deepEqual(res.metadata, { result: "ok", deleted: "0" });
      assert.deepEqual(dataJson(res), { Bucket: waited, Deleted: 0 });
      await assert.rejects(
        s3.send(new HeadBucketCommand({ Bucket: waited })),
        (e: Error) => e.name === "NotFound",
      );
      const list = await stack.ask({ method: "list_bucket_items", bucket_name: waited });
      assert.equal(list.isError, true);
      assert.equal(list.metadata.error_code, "NoSuchBucket");
      assert.equal(list.metadata.http_status, "404");
      assert.match(list.error, /NoSuchBucket/);
    });

    await t.step("without wait: list_buckets no longer shows it", async () => {
      const res = await stack.ask({ method: "delete_bucket", bucket_name: plain });
      assert.equal(res.isError, false, res.error);
      const names = dataJson<{ Buckets: { Name: string }[] }>(
        await stack.ask({ method: "list_buckets" }),
      ).Buckets.map((b) => b.Name);
      assert.equal(names.includes(plain), false);
    });

    await t.step(
      "a bucket with items is BucketNotEmpty, and force=true empties and deletes it",
      async () => {
        for (const key of ["a", "b/c", "d e"]) {
          await s3.send(new PutObjectCommand({ Bucket: full, Key: key, Body: key }));
        }
        const refused = await stack.ask({ method: "delete_bucket", bucket_name: full });
        assert.equal(refused.isError, true);
        assert.equal(refused.metadata.error_code, "BucketNotEmpty");
        assert.equal(refused.metadata.http_status, "409");
        const forced = await stack.ask({
          method: "delete_bucket",
          bucket_name: full,
          force: "true",
          wait_for_completion: "true",
        });
        assert.equal(forced.isError, false, forced.error);
        assert.deepEqual(forced.metadata, { result: "ok", deleted: "3" });
        await assert.rejects(
          s3.send(new HeadBucketCommand({ Bucket: full })),
          (e: Error) => e.name === "NotFound",
        );
      },
    );

    await t.step("deleting it again is NoSuchBucket", async () => {
      const res = await stack.ask({ method: "delete_bucket", bucket_name: plain });
      assert.equal(res.isError, true);
      assert.equal(res.metadata.error_code, "NoSuchBucket");
      assert.equal(res.metadata.http_status, "404");
    });
  } finally {
    for (const b of [waited, plain, full]) await deleteTestBucketFully(b, s3);
    s3.destroy();
  }
});
