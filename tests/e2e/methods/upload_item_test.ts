/** upload_item end to end: kubemq-js client → test broker → connector → radosgw. */
import assert from "node:assert/strict";
import { GetObjectCommand, HeadObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { dataJson, startStack } from "../../../testing/stack.ts";
import { createTestBucket, deleteTestBucketFully, testS3Client } from "../../../testing/s3.ts";

const MiB = 1024 * 1024;

function randomBytes(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i += 65536) crypto.getRandomValues(out.subarray(i, i + 65536));
  return out;
}

/** The stored object's bytes and ETag, read with the SDK (not through the connector). */
async function stored(s3: S3Client, bucket: string, key: string) {
  const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const bytes = await out.Body!.transformToByteArray();
  return { bytes, etag: out.ETag, contentType: out.ContentType };
}

Deno.test("e2e upload_item", async (t) => {
  await using stack = await startStack();
  const s3 = testS3Client();
  const bucket = await createTestBucket(s3, "e2e-upload");
  try {
    const cases: [string, string, Uint8Array][] = [
      ["all 256 byte values", "bytes/all-256.bin", Uint8Array.from({ length: 256 }, (_, i) => i)],
      ['an empty body (data "")', "empty", new Uint8Array(0)],
      ["3 MiB of random bytes", "random-3mib.bin", randomBytes(3 * MiB)],
      ["a key with slashes", "a/b/c/d.txt", new TextEncoder().encode("slashes")],
      ["a key with spaces", "with spaces  and  more .txt", new TextEncoder().encode("spaces")],
      ["a unicode key", "ünïcødé/日本語/😀.txt", new TextEncoder().encode("unicode")],
      ["a key with ..", "dots/../up/..", new TextEncoder().encode("dots")],
      ["a key that is ..", "..", new TextEncoder().encode("dotdot")],
    ];
    for (const [what, key, bytes] of cases) {
      await t.step(`stores ${what} byte-exact with HeadObject's ETag`, async () => {
        const res = await stack.ask(
          { method: "upload_item", bucket_name: bucket, item_name: key },
          bytes,
        );
        assert.equal(res.isError, false, res.error);
        const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        assert.equal(res.metadata.etag, head.ETag);
        assert.match(res.metadata.etag ?? "", /^"[0-9a-f]{32}"$/);
        assert.equal(res.metadata.size, String(bytes.length));
        assert.equal(head.ContentLength, bytes.length);
        const out = dataJson<Record<string, unknown>>(res);
        assert.deepEqual(Object.keys(out), ["Location", "VersionID", "UploadID", "ETag"]);
        assert.equal(out.ETag, head.ETag);
        const got = await stored(s3, bucket, key);
        assert.deepEqual(got.bytes, bytes);
        // And back through the connector.
        const back = await stack.ask({ method: "get_item", bucket_name: bucket, item_name: key });
        assert.equal(back.isError, false, back.error);
        assert.deepEqual(back.data ?? new Uint8Array(0), bytes);
      });
    }

    await t.step("the listing shows the keys exactly as given", async () => {
      const res = await stack.ask({ method: "list_bucket_items", bucket_name: bucket });
      const keys = dataJson<{ Contents: { Key: string }[] }>(res).Contents.map((c) => c.Key);
      assert.deepEqual(keys, cases.map(([, key]) => key).sort());
    });

    await t.step("overwrites an existing key", async () => {
      const key = "overwrite.txt";
      for (const text of ["first", "second"]) {
        const res = await stack.ask(
          { method: "upload_item", bucket_name: bucket, item_name: key },
          text,
        );
        assert.equal(res.isError, false, res.error);
      }
      assert.equal(new TextDecoder().decode((await stored(s3, bucket, key)).bytes), "second");
    });

    await t.step("wait_for_completion answers once the object exists", async () => {
      const res = await stack.ask(
        {
          method: "upload_item",
          bucket_name: bucket,
          item_name: "waited.json",
          wait_for_completion: "true",
        },
        '{"a":1}',
      );
      assert.equal(res.isError, false, res.error);
      const got = await stored(s3, bucket, "waited.json");
      assert.equal(new TextDecoder().decode(got.bytes), '{"a":1}');
      // The content type is guessed from the extension when not given.
      assert.equal(got.contentType, "application/json");
    });

    await t.step("content_type and metadata are stored", async () => {
      const res = await stack.ask(
        {
          method: "upload_item",
          bucket_name: bucket,
          item_name: "typed",
          content_type: "text/x-custom",
          metadata: '{"owner":"e2e"}',
        },
        "typed",
      );
      assert.equal(res.isError, false, res.error);
      const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "typed" }));
      assert.equal(head.ContentType, "text/x-custom");
      assert.deepEqual(head.Metadata, { owner: "e2e" });
    });

    await t.step(
      "no data at all stores an empty item, as the original (folder markers)",
      async () => {
        const res = await stack.ask({
          method: "upload_item",
          bucket_name: bucket,
          item_name: "x/",
        });
        assert.equal(res.isError, false, res.error);
        assert.equal(res.metadata.size, "0");
        const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "x/" }));
        assert.equal(head.ContentLength, 0);
      },
    );
  } finally {
    await deleteTestBucketFully(bucket, s3);
    s3.destroy();
  }
});
