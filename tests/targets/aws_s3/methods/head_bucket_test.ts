import assert from "node:assert/strict";
import { ConnectorError, passThroughCode } from "../../../../lib/errors.ts";
import { FakeS3, runS3, runS3Error } from "../../../../testing/fake_s3.ts";

Deno.test("head_bucket answers ok and the region S3 reports for an existing bucket", async () => {
  const s3 = new FakeS3().seed("b");
  const res = await runS3(s3, { method: "head_bucket", bucket_name: "b" });
  assert.deepEqual(res.metadata, { result: "ok", region: "us-east-1" });
  assert.deepEqual(res.json(), { Bucket: "b", Region: "us-east-1" });
  assert.deepEqual(s3.callsOf("headBucket"), [{ bucket: "b" }]);
});

Deno.test("head_bucket of a missing bucket fails with NoSuchBucket", async () => {
  const err = await runS3Error(new FakeS3(), { method: "head_bucket", bucket_name: "nope" });
  assert.equal(err.code, "NoSuchBucket");
  assert.equal(err.status, 404);
  assert.equal(
    err.message,
    `S3 error NoSuchBucket (HTTP 404): The specified bucket does not exist. (bucket "nope")`,
  );
});

Deno.test("head_bucket of someone else's bucket fails with AccessDenied", async () => {
  const s3 = new FakeS3().seed("theirs");
  s3.failNext.set(
    "headBucket",
    new ConnectorError(
      passThroughCode("AccessDenied"),
      "S3 error AccessDenied (HTTP 403): Access denied.",
      {
        status: 403,
      },
    ),
  );
  const err = await runS3Error(s3, { method: "head_bucket", bucket_name: "theirs" });
  assert.equal(err.code, "AccessDenied");
  assert.equal(err.status, 403);
});

Deno.test("head_bucket rejects a bucket name with a slash before calling S3", async () => {
  const s3 = new FakeS3();
  const err = await runS3Error(s3, { method: "head_bucket", bucket_name: "a/b" });
  assert.equal(err.code, "InvalidMetadata");
  assert.equal(
    err.message,
    `Invalid metadata "bucket_name": expected a bucket name without "/", got "a/b"`,
  );
  assert.deepEqual(s3.calls, []);
});
