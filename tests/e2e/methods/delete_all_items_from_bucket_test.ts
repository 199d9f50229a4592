/** delete_all_items_from_bucket end to end: kubemq-js client → test broker → connector → radosgw. */
import assert from "node:assert/strict";
import { ListObjectsV2Command, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { dataJson, startStack } from "../../../testing/stack.ts";
import { createTestBucket, deleteTestBucketFully, testS3Client } from "../../../testing/s3.ts";

/** Puts `keys` with the SDK directly, 16 at a time. */
async function putAll(s3: S3Client, bucket: string, keys: string[]): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < keys.length) {
      const key = keys[next++]!;
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: key }));
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
}

Deno.test("e2e delete_all_items_from_bucket", async (t) => {
  await using stack = await startStack();
  const s3 = testS3Client();
  const bucket = await createTestBucket(s3, "e2e-delete-all");
  const prefixed = await createTestBucket(s3, "e2e-delete-all-prefix");
  try {
    await t.step(
      "deletes 1500 keys (two pages) and the bucket lists empty, with wait",
      async () => {
        const keys = Array.from(
          { length: 1500 },
          (_, i) => `k/${String(i).padStart(4, "0")} ü+&=%`,
        );
        await putAll(s3, bucket, keys);
        const res = await stack.ask(
          {
            method: "delete_all_items_from_bucket",
            bucket_name: bucket,
            wait_for_completion: "true",
          },
          null,
          60_000,
        );
        assert.equal(res.isError, false, res.error);
        assert.deepEqual(res.metadata, { result: "ok", deleted: "1500" });
        assert.deepEqual(dataJson(res), { Bucket: bucket, Deleted: 1500, Failed: 0, Errors: [] });
        const direct = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
        assert.equal(direct.KeyCount, 0);
        const list = await stack.ask({ method: "list_bucket_items", bucket_name: bucket });
        assert.equal(dataJson<{ KeyCount: number }>(list).KeyCount, 0);
      },
    );

    await t.step("on an empty bucket reports 0 deleted", async () => {
      const res = await stack.ask({ method: "delete_all_items_from_bucket", bucket_name: bucket });
      assert.equal(res.isError, false, res.error);
      assert.deepEqual(res.metadata, { result: "ok", deleted: "0" });
    });

    await t.step("with prefix deletes only the keys under it", async () => {
      await putAll(s3, prefixed, ["logs/a", "logs/b", "data/c"]);
      const res = await stack.ask({
        method: "delete_all_items_from_bucket",
        bucket_name: prefixed,
        prefix: "logs/",
        wait_for_completion: "true",
      });
      assert.equal(res.isError, false, res.error);
      assert.equal(res.metadata.deleted, "2");
      const direct = await s3.send(new ListObjectsV2Command({ Bucket: prefixed }));
      assert.deepEqual(direct.Contents?.map((c) => c.Key), ["data/c"]);
    });

    await t.step("the bucket itself stays, and delete_bucket then succeeds", async () => {
      await stack.ask({ method: "delete_all_items_from_bucket", bucket_name: prefixed });
      const res = await stack.ask({ method: "delete_bucket", bucket_name: prefixed });
      assert.equal(res.isError, false, res.error);
    });

    await t.step("a missing bucket is NoSuchBucket (404)", async () => {
      const res = await stack.ask({
        method: "delete_all_items_from_bucket",
        bucket_name: prefixed,
      });
      assert.equal(res.isError, true);
      assert.equal(res.metadata.error_code, "NoSuchBucket");
      assert.equal(res.metadata.http_status, "404");
    });
  } finally {
    await deleteTestBucketFully(bucket, s3);
    await deleteTestBucketFully(prefixed, s3);
    s3.destroy();
  }
});
