import assert from "node:assert/strict";
import {
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
} from "@aws-sdk/client-s3";
import { dataJson, startStack } from "../../../testing/stack.ts";
import { deleteTestBucketFully, testS3Client, uniqueBucketName } from "../../../testing/s3.ts";
import { assertFails, assertOk, dataText, onLocalRadosgw } from "./_helpers.ts";

interface Page {
  Contents: { Key: string; StorageClass: string }[];
  CommonPrefixes: { Prefix: string }[];
  IsTruncated: boolean;
  NextContinuationToken: string | null;
}

const keysOf = (page: Page) => page.Contents.map((c) => c.Key);

async function gzip(text: string): Promise<Uint8Array> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

Deno.test("e2e method options: list, upload, get, copy, delete_all and delete_bucket options against real S3", async (t) => {
  await using stack = await startStack();
  const client = testS3Client();
  const bucket = uniqueBucketName("e2e-opts");
  const other = uniqueBucketName("e2e-opts-dst");
  const versioned = uniqueBucketName("e2e-opts-ver");
  const forced = uniqueBucketName("e2e-opts-force");
  const ask = stack.ask;
  const put = (Bucket: string, Key: string, Body: string) =>
    client.send(new PutObjectCommand({ Bucket, Key, Body }));
  const enableVersioning = (Bucket: string) =>
    client.send(
      new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: "Enabled" } }),
    );
  try {
    for (const b of [bucket, other, versioned, forced]) {
      assertOk(await ask({ method: "create_bucket", bucket_name: b }), `create ${b}`);
    }
    for (const k of ["list/a/1", "list/a/2", "list/b/1", "list/c", "list/d"]) {
      await put(bucket, k, k);
    }

    await t.step("list_bucket_items prefix lists only keys under it", async () => {
      const res = await ask({
        method: "list_bucket_items",
        bucket_name: bucket,
        prefix: "list/a/",
      });
      assertOk(res);
      assert.deepEqual(keysOf(dataJson<Page>(res)), ["list/a/1", "list/a/2"]);
      assert.equal(res.metadata.count, "2");
    });

    await t.step("list_bucket_items delimiter groups keys into CommonPrefixes", async () => {
      const res = await ask({
        method: "list_bucket_items",
        bucket_name: bucket,
        prefix: "list/",
        delimiter: "/",
      });
      const page = dataJson<Page>(res);
      assert.deepEqual(keysOf(page), ["list/c", "list/d"]);
      assert.deepEqual(page.CommonPrefixes, [{ Prefix: "list/a/" }, { Prefix: "list/b/" }]);
    });

    await t.step("list_bucket_items max_keys and continuation_token page through", async () => {
      const seen: string[] = [];
      let token: string | undefined;
      const truncated: string[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await ask({
          method: "list_bucket_items",
          bucket_name: bucket,
          prefix: "list/",
          max_keys: "2",
          ...(token ? { continuation_token: token } : {}),
        });
        assertOk(res);
        const page = dataJson<Page>(res);
        seen.push(...keysOf(page));
        truncated.push(res.metadata.is_truncated ?? "");
        token = res.metadata.next_continuation_token;
        assert.equal(token ?? null, page.NextContinuationToken);
        if (!token) break;
      }
      assert.deepEqual(seen, ["list/a/1", "list/a/2", "list/b/1", "list/c", "list/d"]);
      assert.deepEqual(truncated, ["true", "true", "false"]);
    });

    await t.step("list_bucket_items start_after lists the keys after it", async () => {
      const res = await ask({
        method: "list_bucket_items",
        bucket_name: bucket,
        prefix: "list/",
        start_after: "list/b/1",
      });
      assert.deepEqual(keysOf(dataJson<Page>(res)), ["list/c", "list/d"]);
    });

    await t.step("list_bucket_items all=true follows every page", async () => {
      const res = await ask({
        method: "list_bucket_items",
        bucket_name: bucket,
        prefix: "list/",
        max_keys: "2",
        all: "true",
      });
      assertOk(res);
      const page = dataJson<Page>(res);
      assert.deepEqual(keysOf(page), ["list/a/1", "list/a/2", "list/b/1", "list/c", "list/d"]);
      assert.equal(page.IsTruncated, false);
      assert.equal(res.metadata.is_truncated, "false");
      assert.equal(res.metadata.next_continuation_token, undefined);
    });

    await t.step(
      "upload_item stores content headers and user metadata; get_item answers them",
      async () => {
        const body = await gzip("a,b\n1,2\n".repeat(100));
        const up = await ask({
          method: "upload_item",
          bucket_name: bucket,
          item_name: "opts/report.csv.gz",
          content_type: "text/csv",
          content_encoding: "gzip",
          content_disposition: `attachment; filename="report.csv"`,
          cache_control: "max-age=60",
          metadata: `{"owner":"reports","Run-Id":"42"}`,
          storage_class: "STANDARD",
        }, body);
        assertOk(up);
        const got = await ask({
          method: "get_item",
          bucket_name: bucket,
          item_name: "opts/report.csv.gz",
        });
        assertOk(got);
        assert.deepEqual(got.data, body);
        assert.equal(got.metadata.content_type, "text/csv");
        assert.equal(got.metadata.content_encoding, "gzip");
        assert.equal(got.metadata.content_disposition, `attachment; filename="report.csv"`);
        assert.equal(got.metadata.cache_control, "max-age=60");
        assert.equal(got.metadata.content_length, String(body.length));
        assert.equal(got.metadata.etag, up.metadata.etag);
        assert.ok(!Number.isNaN(Date.parse(got.metadata.last_modified ?? "")));
        // S3 lower-cases user metadata names.
        assert.equal(got.metadata["x-amz-meta-owner"], "reports");
        assert.equal(got.metadata["x-amz-meta-run-id"], "42");
        // AWS omits the header for STANDARD; radosgw sends it.
        assert.equal(got.metadata.storage_class ?? "STANDARD", "STANDARD");
        const list = await ask({
          method: "list_bucket_items",
          bucket_name: bucket,
          prefix: "opts/",
        });
        assert.equal(dataJson<Page>(list).Contents[0]?.StorageClass, "STANDARD");
      },
    );

    await t.step("upload_item without content_type guesses it from the extension", async () => {
      assertOk(
        await ask({ method: "upload_item", bucket_name: bucket, item_name: "opts/d.json" }, "{}"),
      );
      const head = await ask({
        method: "head_item",
        bucket_name: bucket,
        item_name: "opts/d.json",
      });
      assert.equal(head.metadata.content_type, "application/json");
    });

    await t.step("upload_item tagging stores tags get_item_tagging reads back", async () => {
      assertOk(
        await ask({
          method: "upload_item",
          bucket_name: bucket,
          item_name: "opts/tagged.txt",
          tagging: "team=data&note=a%20b",
        }, "t"),
      );
      const tags = await ask({
        method: "get_item_tagging",
        bucket_name: bucket,
        item_name: "opts/tagged.txt",
      });
      assert.deepEqual(dataJson(tags), { team: "data", note: "a b" });
    });

    await t.step(
      "upload_item if_none_match=* creates once, then PreconditionFailed (412)",
      async () => {
        const meta = {
          method: "upload_item",
          bucket_name: bucket,
          item_name: "opts/once.txt",
          if_none_match: "*",
        };
        assertOk(await ask(meta, "first"));
        assertFails(await ask(meta, "second"), "PreconditionFailed", 412);
        const got = await ask({
          method: "get_item",
          bucket_name: bucket,
          item_name: "opts/once.txt",
        });
        assert.equal(dataText(got), "first");
      },
    );

    await t.step(
      onLocalRadosgw
        ? "upload_item server_side_encryption: radosgw refuses SSE-S3 and SSE-KMS without TLS and a KMS (InvalidRequest 400)"
        : "upload_item server_side_encryption AES256 stores the item",
      async () => {
        const aes = await ask({
          method: "upload_item",
          bucket_name: bucket,
          item_name: "opts/sse.txt",
          server_side_encryption: "AES256",
        }, "secret");
        if (onLocalRadosgw) {
          assertFails(aes, "InvalidRequest", 400);
          const kms = await ask({
            method: "upload_item",
            bucket_name: bucket,
            item_name: "opts/kms.txt",
            server_side_encryption: "aws:kms",
            kms_key_id: "test-key",
          }, "secret");
          assertFails(kms, "InvalidRequest", 400);
        } else {
          assertOk(aes);
        }
      },
    );

    await t.step(
      onLocalRadosgw
        ? "upload_item storage_class other than STANDARD: radosgw without placement classes answers InvalidArgument (400)"
        : "upload_item storage_class STANDARD_IA is stored",
      async () => {
        const res = await ask({
          method: "upload_item",
          bucket_name: bucket,
          item_name: "opts/ia.txt",
          storage_class: "STANDARD_IA",
        }, "ia");
        if (onLocalRadosgw) assertFails(res, "InvalidArgument", 400);
        else assertOk(res);
      },
    );

    await t.step("get_item range: from-to, open-ended and suffix forms", async () => {
      await put(bucket, "opts/digits.txt", "0123456789");
      const cases: [string, string, string][] = [
        ["bytes=2-4", "234", "bytes 2-4/10"],
        ["bytes=7-", "789", "bytes 7-9/10"],
        ["bytes=-3", "789", "bytes 7-9/10"],
      ];
      for (const [range, text, contentRange] of cases) {
        const res = await ask({
          method: "get_item",
          bucket_name: bucket,
          item_name: "opts/digits.txt",
          range,
        });
        assertOk(res, range);
        assert.equal(dataText(res), text, range);
        assert.equal(res.metadata.content_range, contentRange, range);
        assert.equal(res.metadata.content_length, String(text.length), range);
      }
      assertFails(
        await ask({
          method: "get_item",
          bucket_name: bucket,
          item_name: "opts/digits.txt",
          range: "bytes=50-60",
        }),
        "InvalidRange",
        416,
      );
    });

    await t.step(
      "get_item if_match answers on the current ETag, PreconditionFailed (412) on another",
      async () => {
        const head = await ask({
          method: "head_item",
          bucket_name: bucket,
          item_name: "opts/digits.txt",
        });
        const ok = await ask({
          method: "get_item",
          bucket_name: bucket,
          item_name: "opts/digits.txt",
          if_match: head.metadata.etag ?? "",
        });
        assert.equal(dataText(ok), "0123456789");
        assertFails(
          await ask({
            method: "get_item",
            bucket_name: bucket,
            item_name: "opts/digits.txt",
            if_match: `"00000000000000000000000000000000"`,
          }),
          "PreconditionFailed",
          412,
        );
      },
    );

    await t.step(
      "copy_item metadata_directive REPLACE sets new metadata and content type",
      async () => {
        assertOk(
          await ask({
            method: "upload_item",
            bucket_name: bucket,
            item_name: "opts/src.txt",
            metadata: `{"v":"1"}`,
          }, "source"),
        );
        const res = await ask({
          method: "copy_item",
          bucket_name: bucket,
          item_name: "opts/replaced.txt",
          copy_source: `${bucket}/opts/src.txt`,
          metadata_directive: "REPLACE",
          content_type: "application/x-replaced",
          metadata: `{"v":"2","new":"yes"}`,
        });
        assertOk(res);
        const head = await ask({
          method: "head_item",
          bucket_name: bucket,
          item_name: "opts/replaced.txt",
        });
        assert.equal(head.metadata.content_type, "application/x-replaced");
        assert.equal(head.metadata["x-amz-meta-v"], "2");
        assert.equal(head.metadata["x-amz-meta-new"], "yes");
        const src = await ask({
          method: "head_item",
          bucket_name: bucket,
          item_name: "opts/src.txt",
        });
        assert.equal(src.metadata["x-amz-meta-v"], "1");
        assert.equal(src.metadata.content_type, "text/plain; charset=utf-8");
      },
    );

    await t.step("copy_item metadata_directive COPY keeps the source's metadata", async () => {
      assertOk(
        await ask({
          method: "copy_item",
          bucket_name: bucket,
          item_name: "opts/copied.txt",
          copy_source: `${bucket}/opts/src.txt`,
          metadata_directive: "COPY",
        }),
      );
      const head = await ask({
        method: "head_item",
        bucket_name: bucket,
        item_name: "opts/copied.txt",
      });
      assert.equal(head.metadata["x-amz-meta-v"], "1");
      assert.equal(head.metadata.content_type, "text/plain; charset=utf-8");
    });

    await t.step("copy_item copies between buckets with storage_class STANDARD", async () => {
      assertOk(
        await ask({
          method: "copy_item",
          bucket_name: other,
          item_name: "in-other.txt",
          copy_source: `${bucket}/opts/src.txt`,
          storage_class: "STANDARD",
        }),
      );
      const got = await ask({ method: "get_item", bucket_name: other, item_name: "in-other.txt" });
      assert.equal(dataText(got), "source");
      assert.equal(got.metadata["x-amz-meta-v"], "1");
      assert.equal(got.metadata.storage_class ?? "STANDARD", "STANDARD");
    });

    await t.step("delete_all_items_from_bucket prefix deletes only the keys under it", async () => {
      const res = await ask({
        method: "delete_all_items_from_bucket",
        bucket_name: bucket,
        prefix: "list/",
      });
      assertOk(res);
      assert.equal(res.metadata.deleted, "5");
      const rest = await ask({ method: "list_bucket_items", bucket_name: bucket });
      const keys = keysOf(dataJson<Page>(rest));
      assert.ok(keys.length > 0 && keys.every((k) => k.startsWith("opts/")), keys.join(", "));
    });

    await t.step(
      "get_item and head_item version_id read an older version of a versioned bucket",
      async () => {
        await enableVersioning(versioned);
        const v1 = await ask(
          { method: "upload_item", bucket_name: versioned, item_name: "v.txt" },
          "one",
        );
        const v2 = await ask(
          { method: "upload_item", bucket_name: versioned, item_name: "v.txt" },
          "two!",
        );
        assert.ok(v1.metadata.version_id && v2.metadata.version_id);
        assert.notEqual(v1.metadata.version_id, v2.metadata.version_id);
        const old = await ask({
          method: "get_item",
          bucket_name: versioned,
          item_name: "v.txt",
          version_id: v1.metadata.version_id,
        });
        assert.equal(dataText(old), "one");
        assert.equal(old.metadata.version_id, v1.metadata.version_id);
        const head = await ask({
          method: "head_item",
          bucket_name: versioned,
          item_name: "v.txt",
          version_id: v1.metadata.version_id,
        });
        assert.equal(head.metadata.content_length, "3");
        const latest = await ask({
          method: "get_item",
          bucket_name: versioned,
          item_name: "v.txt",
        });
        assert.equal(dataText(latest), "two!");
      },
    );

    await t.step(
      "delete_all_items_from_bucket versions=true empties a versioned bucket so it can be deleted",
      async () => {
        await put(versioned, "keep/x", "x");
        await put(versioned, "gone/y", "y");
        assertOk(
          await ask({
            method: "delete_item_from_bucket",
            bucket_name: versioned,
            item_name: "v.txt",
          }),
        );
        // Without versions, only current keys get delete markers; the versions stay.
        const plain = await ask({
          method: "delete_all_items_from_bucket",
          bucket_name: versioned,
          prefix: "gone/",
        });
        assert.equal(plain.metadata.deleted, "1");
        assertFails(
          await ask({ method: "delete_bucket", bucket_name: versioned }),
          "BucketNotEmpty",
          409,
        );
        // v.txt: 2 versions + 1 delete marker; keep/x: 1; gone/y: 1 version + 1 delete marker.
        const all = await ask({
          method: "delete_all_items_from_bucket",
          bucket_name: versioned,
          versions: "true",
        });
        assertOk(all);
        assert.equal(all.metadata.deleted, "6");
        const left = await client.send(new ListObjectVersionsCommand({ Bucket: versioned }));
        assert.equal((left.Versions ?? []).length + (left.DeleteMarkers ?? []).length, 0);
        assertOk(await ask({ method: "delete_bucket", bucket_name: versioned }));
        assertFails(
          await ask({ method: "head_bucket", bucket_name: versioned }),
          "NoSuchBucket",
          404,
        );
      },
    );

    await t.step("delete_bucket force=true deletes a versioned bucket with items", async () => {
      await enableVersioning(forced);
      await put(forced, "a", "1");
      await put(forced, "a", "2");
      await put(forced, "b/c", "3");
      const res = await ask({ method: "delete_bucket", bucket_name: forced, force: "true" });
      assertOk(res);
      assert.equal(res.metadata.deleted, "3");
      assert.deepEqual(dataJson(res), { Bucket: forced, Deleted: 3 });
      assertFails(await ask({ method: "head_bucket", bucket_name: forced }), "NoSuchBucket", 404);
    });
  } finally {
    for (const b of [bucket, other, versioned, forced]) await deleteTestBucketFully(b, client);
    client.destroy();
  }
});
