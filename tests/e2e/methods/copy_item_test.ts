/** copy_item end to end: kubemq-js client → test broker → connector → radosgw. */
import assert from "node:assert/strict";
import {
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { dataJson, startStack } from "../../../testing/stack.ts";
import { createTestBucket, deleteTestBucketFully, testS3Client } from "../../../testing/s3.ts";

async function read(s3: S3Client, bucket: string, key: string) {
  const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return {
    bytes: await out.Body!.transformToByteArray(),
    etag: out.ETag,
    contentType: out.ContentType,
    metadata: out.Metadata,
  };
}

Deno.test("e2e copy_item", async (t) => {
  await using stack = await startStack();
  const s3 = testS3Client();
  const source = await createTestBucket(s3, "e2e-copy-src");
  const target = await createTestBucket(s3, "e2e-copy-dst");
  const all = Uint8Array.from({ length: 256 }, (_, i) => i);
  try {
    // Raw keys without a %XX escape: copy_source takes them as they are.
    const oddKeys = [
      "with spaces.bin",
      "dir/ünïcødé 日本語 😀.bin",
      "plus+amp&eq=pct.bin",
      "a/../b/./c//d.bin",
    ];
    // A raw key with a %XX escape: in copy_source it is read URL-encoded (as S3 reads it).
    const escapedKey = "plus+amp&eq=pct%20.bin";
    for (const key of ["same.bin", ...oddKeys, escapedKey]) {
      await s3.send(
        new PutObjectCommand({
          Bucket: source,
          Key: key,
          Body: all,
          ContentType: "application/x-src",
          Metadata: { origin: "source" },
        }),
      );
    }

    await t.step(`copy_source "bucket" copies the same item_name from that bucket`, async () => {
      const res = await stack.ask({
        method: "copy_item",
        bucket_name: target,
        item_name: "same.bin",
        copy_source: source,
      });
      assert.equal(res.isError, false, res.error);
      const got = await read(s3, target, "same.bin");
      assert.deepEqual(got.bytes, all);
      assert.equal(res.metadata.etag, got.etag);
      const out = dataJson<{ CopyObjectResult: { ETag: string; LastModified: string } }>(res);
      assert.equal(out.CopyObjectResult.ETag, got.etag);
      // A copy keeps the source's headers and metadata by default.
      assert.equal(got.contentType, "application/x-src");
      assert.deepEqual(got.metadata, { origin: "source" });
    });

    for (const key of oddKeys) {
      await t.step(`copy_source "bucket/key" copies ${JSON.stringify(key)}`, async () => {
        const res = await stack.ask({
          method: "copy_item",
          bucket_name: target,
          item_name: `copy of ${key}`,
          copy_source: `${source}/${key}`,
        });
        assert.equal(res.isError, false, res.error);
        const got = await read(s3, target, `copy of ${key}`);
        assert.deepEqual(got.bytes, all);
        assert.equal(res.metadata.etag, got.etag);
      });
    }

    await t.step(
      `a raw key with %XX: URL-encoded in copy_source, or raw in copy_source_key`,
      async () => {
        const encoded = await stack.ask({
          method: "copy_item",
          bucket_name: target,
          item_name: "escaped-encoded.bin",
          copy_source: `${source}/${encodeURIComponent(escapedKey)}`,
        });
        assert.equal(encoded.isError, false, encoded.error);
        assert.deepEqual((await read(s3, target, "escaped-encoded.bin")).bytes, all);
        const raw = await stack.ask({
          method: "copy_item",
          bucket_name: target,
          item_name: "escaped-raw.bin",
          copy_source_bucket: source,
          copy_source_key: escapedKey,
        });
        assert.equal(raw.isError, false, raw.error);
        assert.deepEqual((await read(s3, target, "escaped-raw.bin")).bytes, all);
        // Given raw in copy_source, %20 is read as a space: that key does not exist.
        const misread = await stack.ask({
          method: "copy_item",
          bucket_name: target,
          item_name: "x",
          copy_source: `${source}/${escapedKey}`,
        });
        assert.equal(misread.metadata.error_code, "NoSuchKey");
      },
    );

    await t.step("copies within one bucket, with wait_for_completion", async () => {
      const res = await stack.ask({
        method: "copy_item",
        bucket_name: source,
        item_name: "moved/here.bin",
        copy_source: `${source}/with spaces.bin`,
        wait_for_completion: "true",
      });
      assert.equal(res.isError, false, res.error);
      assert.deepEqual((await read(s3, source, "moved/here.bin")).bytes, all);
    });

    await t.step("a leading / in copy_source is accepted", async () => {
      const res = await stack.ask({
        method: "copy_item",
        bucket_name: target,
        item_name: "leading-slash.bin",
        copy_source: `/${source}/same.bin`,
      });
      assert.equal(res.isError, false, res.error);
      assert.deepEqual((await read(s3, target, "leading-slash.bin")).bytes, all);
    });

    await t.step("content_type and metadata replace the source's (REPLACE implied)", async () => {
      const res = await stack.ask({
        method: "copy_item",
        bucket_name: target,
        item_name: "replaced.bin",
        copy_source: `${source}/same.bin`,
        content_type: "text/x-new",
        metadata: '{"origin":"copy"}',
      });
      assert.equal(res.isError, false, res.error);
      const head = await s3.send(new HeadObjectCommand({ Bucket: target, Key: "replaced.bin" }));
      assert.equal(head.ContentType, "text/x-new");
      assert.deepEqual(head.Metadata, { origin: "copy" });
    });

    await t.step("a missing source key is NoSuchKey (404)", async () => {
      const res = await stack.ask({
        method: "copy_item",
        bucket_name: target,
        item_name: "x",
        copy_source: `${source}/does not exist`,
      });
      assert.equal(res.isError, true);
      assert.equal(res.metadata.error_code, "NoSuchKey");
      assert.equal(res.metadata.http_status, "404");
      assert.match(res.error, /NoSuchKey/);
    });

    await t.step("a missing source bucket is NoSuchBucket (404)", async () => {
      const res = await stack.ask({
        method: "copy_item",
        bucket_name: target,
        item_name: "same.bin",
        copy_source: `${source}-missing`,
      });
      assert.equal(res.isError, true);
      assert.equal(res.metadata.error_code, "NoSuchBucket");
      assert.equal(res.metadata.http_status, "404");
    });
  } finally {
    await deleteTestBucketFully(source, s3);
    await deleteTestBucketFully(target, s3);
    s3.destroy();
  }
});
