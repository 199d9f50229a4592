/**
 * The original's senders against the real stack (kubemq-js client -> test broker -> connector
 * process -> radosgw): each of the original's nine methods answers data with every key of the
 * original's JSON output, same nesting and types (tests/compat/golden), and the request forms the
 * original accepts work unchanged.
 */
import assert from "node:assert/strict";
import { HeadObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { dataJson, startStack } from "../../testing/stack.ts";
import {
  deleteTestBucketFully,
  s3TestEnv,
  testS3Client,
  uniqueBucketName,
} from "../../testing/s3.ts";
import type { TargetResponse } from "../../lib/wire.ts";
import { readGolden, shapeErrors } from "./_golden.ts";

const enc = (s: string) => new TextEncoder().encode(s);

/** Asserts success and that data has every golden key of `method` with its type. */
function assertGolden(method: string, res: TargetResponse): void {
  assert.equal(res.isError, false, `${method}: ${res.error}`);
  const golden = readGolden(method);
  if (golden.data === null || golden.deliberateDifference) return;
  assert.deepEqual(shapeErrors(dataJson(res), golden.data), [], method);
}

Deno.test("compat: the original's nine methods answer the original's data shapes", async (t) => {
  await using stack = await startStack();
  const s3 = testS3Client();
  const bucket = uniqueBucketName("compat");
  try {
    await t.step(
      "create_bucket (wait_for_completion True, as Go's ParseBool reads it)",
      async () => {
        const res = await stack.ask({
          method: "create_bucket",
          bucket_name: bucket,
          wait_for_completion: "True",
        });
        assertGolden("create_bucket", res);
      },
    );

    await t.step("upload_item: Location is the object's URL, VersionID and UploadID", async () => {
      const res = await stack.ask(
        { method: "upload_item", bucket_name: bucket, item_name: "dir/my file.txt" },
        "hello",
      );
      assertGolden("upload_item", res);
      const out = dataJson<{ Location: string; UploadID: string }>(res);
      assert.equal(out.Location, `${s3Endpoint()}/${bucket}/dir/my%20file.txt`);
      assert.equal(out.UploadID, "");
    });

    await t.step("upload_item with data null or absent stores an empty object", async () => {
      const res = await stack.ask({ method: "upload_item", bucket_name: bucket, item_name: "d/" });
      assertGolden("upload_item", res);
      const absent = await stack.askRaw(
        enc(
          JSON.stringify({
            metadata: { method: "upload_item", bucket_name: bucket, item_name: "e/" },
          }),
        ),
      );
      assertGolden("upload_item", absent);
      for (const key of ["d/", "e/"]) {
        const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        assert.equal(head.ContentLength, 0, key);
      }
    });

    await t.step("list_buckets", async () => {
      const res = await stack.ask({ method: "list_buckets" });
      assertGolden("list_buckets", res);
      const out = dataJson<{ Buckets: { Name: string }[] }>(res);
      assert.ok(out.Buckets.some((b) => b.Name === bucket));
    });

    await t.step("list_bucket_items", async () => {
      const res = await stack.ask({ method: "list_bucket_items", bucket_name: bucket });
      assertGolden("list_bucket_items", res);
      const out = dataJson<{ Contents: { Key: string }[] }>(res);
      assert.deepEqual(out.Contents.map((c) => c.Key), ["d/", "dir/my file.txt", "e/"]);
    });

    await t.step("get_item returns the bytes (the documented fix of the byte count)", async () => {
      const res = await stack.ask({
        method: "get_item",
        bucket_name: bucket,
        item_name: "dir/my file.txt",
      });
      assertGolden("get_item", res);
      assert.deepEqual(res.data, enc("hello"));
    });

    await t.step("upload_item as a multipart upload reports its UploadID", async () => {
      const res = await stack.ask(
        { method: "upload_item", bucket_name: bucket, item_name: "big.bin" },
        new Uint8Array(9 * 1024 * 1024).fill(7),
      );
      assertGolden("upload_item", res);
      const out = dataJson<{ UploadID: string; Location: string }>(res);
      assert.ok(out.UploadID.length > 0, JSON.stringify(out));
      assert.equal(out.Location, `${s3Endpoint()}/${bucket}/big.bin`);
    });

    await t.step(
      "copy_item with the original's URL-encoded copy_source and ?versionId=",
      async () => {
        const res = await stack.ask({
          method: "copy_item",
          bucket_name: bucket,
          item_name: "copy.txt",
          copy_source: `${bucket}/dir/my%20file.txt`,
        });
        assertGolden("copy_item", res);
        const out = dataJson<{ CopyObjectResult: { ETag: string } }>(res);
        assert.equal(out.CopyObjectResult.ETag, res.metadata.etag);
        // Unversioned objects have the version "null", which S3 accepts in versionId.
        const versioned = await stack.ask({
          method: "copy_item",
          bucket_name: bucket,
          item_name: "copy2.txt",
          copy_source: `${bucket}/dir/my%20file.txt?versionId=null`,
        });
        assertGolden("copy_item", versioned);
        const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "copy2.txt" }));
        assert.equal(head.ContentLength, 5);
      },
    );

    await t.step("delete_item_from_bucket", async () => {
      const res = await stack.ask({
        method: "delete_item_from_bucket",
        bucket_name: bucket,
        item_name: "copy2.txt",
        wait_for_completion: "1",
      });
      assertGolden("delete_item_from_bucket", res);
    });

    await t.step("delete_all_items_from_bucket", async () => {
      const res = await stack.ask({ method: "delete_all_items_from_bucket", bucket_name: bucket });
      assertGolden("delete_all_items_from_bucket", res);
    });

    await t.step("delete_bucket", async () => {
      const res = await stack.ask({
        method: "delete_bucket",
        bucket_name: bucket,
        wait_for_completion: "t",
      });
      assertGolden("delete_bucket", res);
    });
  } finally {
    // Nothing is left when every step passed; after a failure, clean up what is there.
    await deleteTestBucketFully(bucket, s3).catch(() => {});
    s3.destroy();
  }
});

function s3Endpoint(): string {
  return s3TestEnv().endpoint.replace(/\/$/, "");
}

Deno.test("compat: the original's request forms are read as Go reads them", async (t) => {
  await using stack = await startStack();
  const s3 = testS3Client();
  const bucket = uniqueBucketName("compat-forms");
  try {
    await t.step(
      `"Metadata"/"Data" keys in another case, a null metadata value, "TRUE"`,
      async () => {
        const body = `{"Metadata":{"method":"create_bucket","bucket_name":"${bucket}",` +
          `"wait_for_completion":"TRUE","item_name":null},"DATA":null}`;
        const res = await stack.askRaw(enc(body));
        assert.equal(res.isError, false, res.error);
      },
    );

    await t.step("every Go boolean spelling is read; anything else is a clear error", async () => {
      for (
        const value of [
          "1",
          "t",
          "T",
          "TRUE",
          "true",
          "True",
          "0",
          "f",
          "F",
          "FALSE",
          "false",
          "False",
        ]
      ) {
        const res = await stack.ask(
          {
            method: "upload_item",
            bucket_name: bucket,
            item_name: "b",
            wait_for_completion: value,
          },
          "x",
        );
        assert.equal(res.isError, false, `${value}: ${res.error}`);
      }
      const bad = await stack.ask(
        { method: "upload_item", bucket_name: bucket, item_name: "b", wait_for_completion: "yes" },
        "x",
      );
      assert.equal(bad.metadata.error_code, "InvalidMetadata");
      assert.match(
        bad.error,
        /^Invalid metadata "wait_for_completion": expected "true" or "false" .*got "yes"$/,
      );
    });

    await t.step(
      "copy_source: raw keys keep working; %XX in a raw key needs the separate form",
      async () => {
        const raw = "100%20 sure ü.txt";
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key: raw, Body: enc("raw") }));
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "a b ü.txt", Body: enc("sp") }));
        // A raw key with spaces and unicode and no %XX escape: used as is.
        const plain = await stack.ask({
          method: "copy_item",
          bucket_name: bucket,
          item_name: "plain",
          copy_source: `${bucket}/a b ü.txt`,
        });
        assert.equal(plain.isError, false, plain.error);
        // The same raw key with %20 in it: read as URL-encoded ("100  sure"), so not found...
        const ambiguous = await stack.ask({
          method: "copy_item",
          bucket_name: bucket,
          item_name: "x",
          copy_source: `${bucket}/${raw}`,
        });
        assert.equal(ambiguous.metadata.error_code, "NoSuchKey");
        // ...encoded as S3 wants it, it is found...
        const encoded = await stack.ask({
          method: "copy_item",
          bucket_name: bucket,
          item_name: "encoded",
          copy_source: `${bucket}/${encodeURIComponent(raw)}`,
        });
        assert.equal(encoded.isError, false, encoded.error);
        // ...and given raw in copy_source_key, never decoded, it is found too.
        const separate = await stack.ask({
          method: "copy_item",
          bucket_name: bucket,
          item_name: "separate",
          copy_source_bucket: bucket,
          copy_source_key: raw,
        });
        assert.equal(separate.isError, false, separate.error);
        for (
          const [key, body] of [["plain", "sp"], ["encoded", "raw"], ["separate", "raw"]] as const
        ) {
          const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
          assert.equal(head.ContentLength, body.length, key);
        }
      },
    );
  } finally {
    await deleteTestBucketFully(bucket, s3).catch(() => {});
    s3.destroy();
  }
});
