/** delete_item_from_bucket end to end: kubemq-js client → test broker → connector → radosgw. */
import assert from "node:assert/strict";
import { HeadObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { startStack } from "../../../testing/stack.ts";
import { createTestBucket, deleteTestBucketFully, testS3Client } from "../../../testing/s3.ts";

async function exists(s3: S3Client, bucket: string, key: string): Promise<boolean> {
  try {
    await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return true;
  } catch (err) {
    if ((err as Error).name === "NotFound") return false;
    throw err;
  }
}

Deno.test("e2e delete_item_from_bucket", async (t) => {
  await using stack = await startStack();
  const s3 = testS3Client();
  const bucket = await createTestBucket(s3, "e2e-delete-item");
  try {
    const keys = ["plain.txt", "dir/ünï cødé +&=%.txt", "keep.txt"];
    for (const key of keys) {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: key }));
    }

    await t.step("deletes one item and leaves the others", async () => {
      const res = await stack.ask({
        method: "delete_item_from_bucket",
        bucket_name: bucket,
        item_name: "plain.txt",
      });
      assert.equal(res.isError, false, res.error);
      assert.deepEqual(res.metadata, { result: "ok" });
      assert.equal(await exists(s3, bucket, "plain.txt"), false);
      assert.equal(await exists(s3, bucket, "keep.txt"), true);
    });

    await t.step("is idempotent: deleting it twice more succeeds", async () => {
      for (let i = 0; i < 2; i++) {
        const res = await stack.ask({
          method: "delete_item_from_bucket",
          bucket_name: bucket,
          item_name: "plain.txt",
        });
        assert.equal(res.isError, false, res.error);
      }
    });

    await t.step("with wait_for_completion answers once the key is gone (odd key)", async () => {
      const key = "dir/ünï cødé +&=%.txt";
      const res = await stack.ask({
        method: "delete_item_from_bucket",
        bucket_name: bucket,
        item_name: key,
        wait_for_completion: "true",
      });
      assert.equal(res.isError, false, res.error);
      assert.equal(await exists(s3, bucket, key), false);
      const list = await stack.ask({ method: "list_bucket_items", bucket_name: bucket });
      const listed = JSON.parse(new TextDecoder().decode(list.data!)) as {
        Contents: { Key: string }[];
      };
      assert.deepEqual(listed.Contents.map((c) => c.Key), ["keep.txt"]);
    });

    await t.step("wait_for_completion on a key that never existed succeeds", async () => {
      const res = await stack.ask({
        method: "delete_item_from_bucket",
        bucket_name: bucket,
        item_name: "never-there",
        wait_for_completion: "true",
      });
      assert.equal(res.isError, false, res.error);
    });

    await t.step("a missing bucket is NoSuchBucket (404)", async () => {
      const res = await stack.ask({
        method: "delete_item_from_bucket",
        bucket_name: `${bucket}-missing`,
        item_name: "x",
      });
      assert.equal(res.isError, true);
      assert.equal(res.metadata.error_code, "NoSuchBucket");
      assert.equal(res.metadata.http_status, "404");
    });
  } finally {
    await deleteTestBucketFully(bucket, s3);
    s3.destroy();
  }
});
