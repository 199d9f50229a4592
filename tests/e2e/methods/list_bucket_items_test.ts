/** list_bucket_items end to end: kubemq-js client → test broker → connector → radosgw. */
import assert from "node:assert/strict";
import { HeadObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { dataJson, startStack } from "../../../testing/stack.ts";
import { createTestBucket, deleteTestBucketFully, testS3Client } from "../../../testing/s3.ts";

interface ObjectPageJson {
  Name: string;
  Contents: {
    Key: string;
    Size: number;
    LastModified: string;
    ETag: string;
    StorageClass: string;
    Owner: null;
  }[];
  CommonPrefixes: { Prefix: string }[];
  KeyCount: number;
  IsTruncated: boolean;
  NextContinuationToken: string | null;
}

/** Go's RFC 3339 form, as the original's JSON has it: a fraction never ends in 0. */
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d*[1-9])?Z$/;

Deno.test("e2e list_bucket_items", async (t) => {
  await using stack = await startStack();
  const s3 = testS3Client();
  const bucket = await createTestBucket(s3, "e2e-list-items");
  const empty = await createTestBucket(s3, "e2e-list-items-empty");
  const items: Record<string, string> = {
    "a.txt": "a",
    "dir/b.bin": "bb",
    "dir/sub/c d.txt": "ccc",
  };
  try {
    const etags: Record<string, string> = {};
    for (const [key, body] of Object.entries(items)) {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
      const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      etags[key] = head.ETag ?? "";
    }

    await t.step(
      "lists 3 keys with Key, Size, LastModified, ETag, StorageClass and counts",
      async () => {
        const res = await stack.ask({ method: "list_bucket_items", bucket_name: bucket });
        assert.equal(res.isError, false, res.error);
        const page = dataJson<ObjectPageJson>(res);
        assert.equal(page.Name, bucket);
        assert.deepEqual(page.Contents.map((c) => c.Key), [
          "a.txt",
          "dir/b.bin",
          "dir/sub/c d.txt",
        ]);
        for (const c of page.Contents) {
          assert.deepEqual(Object.keys(c).sort(), [
            "ETag",
            "Key",
            "LastModified",
            "Owner",
            "Size",
            "StorageClass",
          ]);
          // As the original: S3 sends an object's owner only when asked (FetchOwner).
          assert.equal(c.Owner, null);
          assert.equal(c.Size, items[c.Key]?.length);
          assert.equal(c.ETag, etags[c.Key]);
          assert.equal(c.StorageClass, "STANDARD");
          assert.match(c.LastModified, ISO);
        }
        assert.equal(page.KeyCount, 3);
        assert.equal(page.IsTruncated, false);
        assert.equal(page.NextContinuationToken, null);
        assert.deepEqual(res.metadata, { result: "ok", count: "3", is_truncated: "false" });
      },
    );

    await t.step("pages with max_keys and continuation_token", async () => {
      const first = await stack.ask({
        method: "list_bucket_items",
        bucket_name: bucket,
        max_keys: "2",
      });
      assert.equal(first.isError, false, first.error);
      const p1 = dataJson<ObjectPageJson>(first);
      assert.deepEqual(p1.Contents.map((c) => c.Key), ["a.txt", "dir/b.bin"]);
      assert.equal(p1.KeyCount, 2);
      assert.equal(p1.IsTruncated, true);
      assert.ok(p1.NextContinuationToken);
      assert.equal(first.metadata.next_continuation_token, p1.NextContinuationToken);
      assert.equal(first.metadata.is_truncated, "true");
      const second = await stack.ask({
        method: "list_bucket_items",
        bucket_name: bucket,
        max_keys: "2",
        continuation_token: p1.NextContinuationToken!,
      });
      assert.equal(second.isError, false, second.error);
      const p2 = dataJson<ObjectPageJson>(second);
      assert.deepEqual(p2.Contents.map((c) => c.Key), ["dir/sub/c d.txt"]);
      assert.equal(p2.KeyCount, 1);
      assert.equal(p2.IsTruncated, false);
      assert.equal(p2.NextContinuationToken, null);
    });

    await t.step("all=true follows every page", async () => {
      const res = await stack.ask({
        method: "list_bucket_items",
        bucket_name: bucket,
        max_keys: "1",
        all: "true",
      });
      assert.equal(res.isError, false, res.error);
      const page = dataJson<ObjectPageJson>(res);
      assert.deepEqual(page.Contents.map((c) => c.Key), Object.keys(items));
      assert.equal(page.KeyCount, 3);
      assert.equal(page.IsTruncated, false);
    });

    await t.step("prefix and delimiter filter and group keys", async () => {
      const res = await stack.ask({
        method: "list_bucket_items",
        bucket_name: bucket,
        prefix: "dir/",
        delimiter: "/",
      });
      assert.equal(res.isError, false, res.error);
      const page = dataJson<ObjectPageJson>(res);
      assert.deepEqual(page.Contents.map((c) => c.Key), ["dir/b.bin"]);
      assert.deepEqual(page.CommonPrefixes, [{ Prefix: "dir/sub/" }]);
    });

    await t.step(
      "an empty bucket lists Contents null (Go's nil slice) and KeyCount 0",
      async () => {
        const res = await stack.ask({ method: "list_bucket_items", bucket_name: empty });
        assert.equal(res.isError, false, res.error);
        const page = dataJson<ObjectPageJson>(res);
        assert.equal(page.Contents, null);
        assert.equal(page.KeyCount, 0);
        assert.equal(page.IsTruncated, false);
        assert.equal(page.NextContinuationToken, null);
      },
    );
  } finally {
    await deleteTestBucketFully(bucket, s3);
    await deleteTestBucketFully(empty, s3);
    s3.destroy();
  }
});
