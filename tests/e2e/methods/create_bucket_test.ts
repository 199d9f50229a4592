/** create_bucket end to end: kubemq-js client → test broker → connector → radosgw. */
import assert from "node:assert/strict";
import { CreateBucketCommand, HeadBucketCommand } from "@aws-sdk/client-s3";
import { dataJson, startStack } from "../../../testing/stack.ts";
import { deleteTestBucketFully, testS3Client, uniqueBucketName } from "../../../testing/s3.ts";

Deno.test("e2e create_bucket", async (t) => {
  await using stack = await startStack();
  const s3 = testS3Client();
  const waited = uniqueBucketName("e2e-create-wait");
  const plain = uniqueBucketName("e2e-create");
  const direct = uniqueBucketName("e2e-create-direct");
  try {
    // The original answers CreateBucketOutput: S3's Location header, null (a nil pointer) when
    // the store sends none. What this radosgw sends, asked directly:
    const sent = (await s3.send(new CreateBucketCommand({ Bucket: direct }))).Location ?? null;

    await t.step("with wait_for_completion answers once HeadBucket finds the bucket", async () => {
      const res = await stack.ask({
        method: "create_bucket",
        bucket_name: waited,
        wait_for_completion: "true",
      });
      assert.equal(res.isError, false, res.error);
      assert.deepEqual(res.metadata, { result: "ok" });
      assert.deepEqual(dataJson(res), { Location: sent?.replace(direct, waited) ?? null });
      const head = await s3.send(new HeadBucketCommand({ Bucket: waited }));
      assert.equal(head.$metadata.httpStatusCode, 200);
    });

    await t.step(
      "without wait creates a bucket that list_buckets and upload_item see",
      async () => {
        const res = await stack.ask({ method: "create_bucket", bucket_name: plain });
        assert.equal(res.isError, false, res.error);
        assert.deepEqual(dataJson(res), { Location: sent?.replace(direct, plain) ?? null });
        const list = await stack.ask({ method: "list_buckets" });
        const names = dataJson<{ Buckets: { Name: string }[] }>(list).Buckets.map((b) => b.Name);
        assert.ok(names.includes(plain));
        const up = await stack.ask(
          { method: "upload_item", bucket_name: plain, item_name: "x" },
          "x",
        );
        assert.equal(up.isError, false, up.error);
      },
    );

    await t.step(
      "creating a bucket it already owns: ok (radosgw, AWS us-east-1) or BucketAlreadyOwnedByYou (MinIO, other regions)",
      async () => {
        const res = await stack.ask({ method: "create_bucket", bucket_name: waited });
        if (res.isError) {
          assert.equal(res.metadata.error_code, "BucketAlreadyOwnedByYou", res.error);
          assert.equal(res.metadata.http_status, "409");
        }
      },
    );

    await t.step("wait_for_completion false is accepted", async () => {
      const name = uniqueBucketName("e2e-create-nowait");
      try {
        const res = await stack.ask({
          method: "create_bucket",
          bucket_name: name,
          wait_for_completion: "false",
        });
        assert.equal(res.isError, false, res.error);
        await s3.send(new HeadBucketCommand({ Bucket: name }));
      } finally {
        await deleteTestBucketFully(name, s3);
      }
    });
  } finally {
    await deleteTestBucketFully(waited, s3);
    await deleteTestBucketFully(plain, s3);
    await deleteTestBucketFully(direct, s3);
    s3.destroy();
  }
});
