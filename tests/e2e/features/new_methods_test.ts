import assert from "node:assert/strict";
import { GetBucketLocationCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { dataJson, startStack } from "../../../testing/stack.ts";
import {
  deleteTestBucketFully,
  s3TestEnv,
  testS3Client,
  uniqueBucketName,
} from "../../../testing/s3.ts";
import { assertFails, assertOk, dataText } from "./_helpers.ts";

const enc = (s: string) => new TextEncoder().encode(s);

Deno.test("e2e new methods: head_item, head_bucket, get_bucket_location, presigned URLs, delete_items and item tagging against real S3", async (t) => {
  await using stack = await startStack();
  const client = testS3Client();
  const bucket = uniqueBucketName("e2e-new");
  const missing = uniqueBucketName("e2e-missing");
  try {
    assertOk(await stack.ask({ method: "create_bucket", bucket_name: bucket }), "create_bucket");

    await t.step("head_bucket answers ok for a bucket, NoSuchBucket (404) for none", async () => {
      const res = await stack.ask({ method: "head_bucket", bucket_name: bucket });
      assertOk(res);
      assert.equal(dataJson(res).Bucket, bucket);
      assertFails(
        await stack.ask({ method: "head_bucket", bucket_name: missing }),
        "NoSuchBucket",
        404,
      );
    });

    await t.step("get_bucket_location answers what S3 says, and the region it means", async () => {
      const direct = await client.send(new GetBucketLocationCommand({ Bucket: bucket }));
      const res = await stack.ask({ method: "get_bucket_location", bucket_name: bucket });
      assertOk(res);
      assert.equal(res.metadata.location_constraint, direct.LocationConstraint ?? "");
      assert.equal(res.metadata.region, direct.LocationConstraint || "us-east-1");
      assertFails(
        await stack.ask({ method: "get_bucket_location", bucket_name: missing }),
        "NoSuchBucket",
        404,
      );
    });

    await t.step("head_item answers headers and user metadata without the body", async () => {
      const up = await stack.ask({
        method: "upload_item",
        bucket_name: bucket,
        item_name: "dir/report.csv",
        metadata: `{"owner":"reports","run":"42"}`,
      }, "a,b\n1,2\n");
      assertOk(up);
      const res = await stack.ask({
        method: "head_item",
        bucket_name: bucket,
        item_name: "dir/report.csv",
      });
      assertOk(res);
      assert.equal(dataJson(res).ContentLength, 8);
      assert.equal(res.metadata.content_type, "text/csv; charset=utf-8");
      assert.equal(res.metadata.content_length, "8");
      assert.equal(res.metadata.etag, up.metadata.etag);
      assert.ok(!Number.isNaN(Date.parse(res.metadata.last_modified ?? "")));
      assert.equal(res.metadata["x-amz-meta-owner"], "reports");
      assert.equal(res.metadata["x-amz-meta-run"], "42");
    });

    await t.step("head_item of a missing key is a clean NoSuchKey (404)", async () => {
      const res = await stack.ask({ method: "head_item", bucket_name: bucket, item_name: "nope" });
      assertFails(res, "NoSuchKey", 404);
      assert.equal(
        res.error,
        `S3 error NoSuchKey (HTTP 404): The specified key does not exist. (bucket "${bucket}", item "nope")`,
      );
    });

    await t.step("a presigned GET URL downloads the item with plain fetch", async () => {
      const bytes = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 7) % 256);
      assertOk(
        await stack.ask(
          { method: "upload_item", bucket_name: bucket, item_name: "a b/ü.bin" },
          bytes,
        ),
      );
      const res = await stack.ask({
        method: "presign_get_item",
        bucket_name: bucket,
        item_name: "a b/ü.bin",
        expires_seconds: "300",
      });
      assertOk(res);
      assert.equal(res.metadata.http_method, "GET");
      assert.equal(res.metadata.expires_seconds, "300");
      const url = new URL(dataText(res));
      assert.equal(url.searchParams.get("X-Amz-Expires"), "300");
      // Static credentials: signed with the aws_key of the target's properties.
      assert.ok(
        url.searchParams.get("X-Amz-Credential")?.startsWith(`${s3TestEnv().accessKey}/`),
      );
      const got = await fetch(url);
      assert.equal(got.status, 200);
      assert.deepEqual(new Uint8Array(await got.arrayBuffer()), bytes);
    });

    await t.step("a presigned GET URL stops working once it expired (403)", async () => {
      const res = await stack.ask({
        method: "presign_get_item",
        bucket_name: bucket,
        item_name: "a b/ü.bin",
        expires_seconds: "1",
      });
      await new Promise((r) => setTimeout(r, 2_500));
      const got = await fetch(dataText(res));
      assert.equal(got.status, 403);
      assert.match(await got.text(), /AccessDenied|Request has expired/);
    });

    await t.step("a presigned PUT URL uploads an item with plain fetch", async () => {
      const res = await stack.ask({
        method: "presign_put_item",
        bucket_name: bucket,
        item_name: "uploads/via-url.bin",
        expires_seconds: "120",
      });
      assertOk(res);
      assert.equal(res.metadata.http_method, "PUT");
      const body = enc("uploaded without KubeMQ in the path");
      const put = await fetch(dataText(res), { method: "PUT", body });
      assert.equal(put.status, 200, await put.text());
      const got = await stack.ask({
        method: "get_item",
        bucket_name: bucket,
        item_name: "uploads/via-url.bin",
      });
      assert.deepEqual(got.data, body);
    });

    await t.step(
      "a presigned PUT URL with content_type needs exactly that Content-Type",
      async () => {
        const res = await stack.ask({
          method: "presign_put_item",
          bucket_name: bucket,
          item_name: "uploads/typed.json",
          content_type: "application/json",
        });
        assertOk(res);
        assert.equal(res.metadata.content_type, "application/json");
        const wrong = await fetch(dataText(res), {
          method: "PUT",
          body: `{"a":1}`,
          headers: { "content-type": "text/plain" },
        });
        assert.equal(wrong.status, 403);
        assert.match(await wrong.text(), /SignatureDoesNotMatch/);
        const right = await fetch(dataText(res), {
          method: "PUT",
          body: `{"a":1}`,
          headers: { "content-type": "application/json" },
        });
        assert.equal(right.status, 200, await right.text());
        const head = await stack.ask({
          method: "head_item",
          bucket_name: bucket,
          item_name: "uploads/typed.json",
        });
        assert.equal(head.metadata.content_type, "application/json");
        assert.equal(head.metadata.content_length, "7");
      },
    );

    await t.step("delete_items deletes 1005 listed keys over two DeleteObjects calls", async () => {
      const keys = Array.from({ length: 1005 }, (_, i) => `bulk/${String(i).padStart(4, "0")}`);
      for (let i = 0; i < keys.length; i += 50) {
        await Promise.all(
          keys.slice(i, i + 50).map((Key) =>
            client.send(new PutObjectCommand({ Bucket: bucket, Key, Body: Key }))
          ),
        );
      }
      const res = await stack.ask(
        { method: "delete_items", bucket_name: bucket },
        JSON.stringify([...keys, "bulk/never-existed"]),
      );
      assertOk(res);
      assert.equal(res.metadata.deleted, "1006");
      assert.equal(res.metadata.failed, "0");
      const out = dataJson<{ Deleted: { Key: string }[]; Errors: unknown[] }>(res);
      assert.deepEqual(
        out.Deleted.map((d) => d.Key).sort(),
        [...keys, "bulk/never-existed"].sort(),
      );
      assert.deepEqual(out.Errors, []);
      const left = await stack.ask({
        method: "list_bucket_items",
        bucket_name: bucket,
        prefix: "bulk/",
      });
      assert.equal(left.metadata.count, "0");
    });

    await t.step("delete_items rejects data that is not a JSON array of keys", async () => {
      const res = await stack.ask({ method: "delete_items", bucket_name: bucket }, `{"a":1}`);
      assertFails(res, "InvalidData");
      assert.match(res.error, /^Invalid data for method "delete_items": not an array;/);
    });

    await t.step(
      "put_item_tagging sets tags from metadata or data; get_item_tagging reads them",
      async () => {
        const key = "dir/report.csv";
        let res = await stack.ask({
          method: "put_item_tagging",
          bucket_name: bucket,
          item_name: key,
          tags: `{"team":"data","retention":"30 days"}`,
        });
        assertOk(res);
        assert.equal(res.metadata.count, "2");
        res = await stack.ask({ method: "get_item_tagging", bucket_name: bucket, item_name: key });
        assertOk(res);
        assert.deepEqual(dataJson(res), { team: "data", retention: "30 days" });

        assertOk(
          await stack.ask(
            { method: "put_item_tagging", bucket_name: bucket, item_name: key },
            `{"only":"one"}`,
          ),
        );
        res = await stack.ask({ method: "get_item_tagging", bucket_name: bucket, item_name: key });
        assert.deepEqual(dataJson(res), { only: "one" });

        assertOk(
          await stack.ask({
            method: "put_item_tagging",
            bucket_name: bucket,
            item_name: key,
            tags: "{}",
          }),
        );
        res = await stack.ask({ method: "get_item_tagging", bucket_name: bucket, item_name: key });
        assert.deepEqual(dataJson(res), {});
        assert.equal(res.metadata.count, "0");
      },
    );

    await t.step("S3 enforces the tag limits: 11 tags is InvalidTag (400)", async () => {
      const tags = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, "v"]));
      const res = await stack.ask({
        method: "put_item_tagging",
        bucket_name: bucket,
        item_name: "dir/report.csv",
        tags: JSON.stringify(tags),
      });
      assertFails(res, "InvalidTag", 400);
    });

    await t.step("tagging a missing key is NoSuchKey (404)", async () => {
      assertFails(
        await stack.ask({
          method: "get_item_tagging",
          bucket_name: bucket,
          item_name: "nope",
        }),
        "NoSuchKey",
        404,
      );
    });
  } finally {
    await deleteTestBucketFully(bucket, client);
    client.destroy();
  }
});
