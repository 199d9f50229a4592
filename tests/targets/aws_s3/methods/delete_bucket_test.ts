import assert from "node:assert/strict";
import type { DeleteKey } from "../../../../lib/targets/aws_s3/port.ts";
import { FakeS3, runS3, runS3Error, testOptions } from "../../../../testing/fake_s3.ts";

Deno.test("delete_bucket deletes an empty bucket", async () => {
  const s3 = new FakeS3().seed("b").seed("other");
  const res = await runS3(s3, { method: "delete_bucket", bucket_name: "b" });
  assert.deepEqual(res.metadata, { result: "ok", deleted: "0" });
  assert.deepEqual(res.json(), { Bucket: "b", Deleted: 0 });
  assert.deepEqual(s3.bucketNames(), ["other"]);
  assert.deepEqual(s3.calls, [{ op: "deleteBucket", args: { bucket: "b" } }]);
});

Deno.test("delete_bucket of a bucket with items fails with BucketNotEmpty", async () => {
  const s3 = new FakeS3().seed("b", { k: "x" });
  const err = await runS3Error(s3, { method: "delete_bucket", bucket_name: "b" });
  assert.equal(err.code, "BucketNotEmpty");
  assert.equal(err.status, 409);
  assert.deepEqual(s3.keys("b"), ["k"]);
});

Deno.test("delete_bucket of a missing bucket fails with NoSuchBucket", async () => {
  const err = await runS3Error(new FakeS3(), { method: "delete_bucket", bucket_name: "nope" });
  assert.equal(err.code, "NoSuchBucket");
  assert.equal(err.status, 404);
});

Deno.test("delete_bucket with force=true empties the bucket first, in batches", async () => {
  const s3 = new FakeS3().seedMany("b", 1500);
  const res = await runS3(s3, { method: "delete_bucket", bucket_name: "b", force: "true" });
  assert.deepEqual(res.metadata, { result: "ok", deleted: "1500" });
  assert.deepEqual(res.json(), { Bucket: "b", Deleted: 1500 });
  assert.equal(s3.hasBucket("b"), false);
  assert.deepEqual(s3.ops(), [
    "listObjectVersions",
    "deleteObjects",
    "listObjectVersions",
    "deleteObjects",
    "deleteBucket",
  ]);
  const sizes = s3.callsOf("deleteObjects").map((c) => (c.keys as DeleteKey[]).length);
  assert.deepEqual(sizes, [1000, 500]);
});

Deno.test("delete_bucket with force=true keeps the bucket when an item cannot be deleted", async () => {
  const s3 = new FakeS3().seed("b", { a: "1", locked: "2" });
  s3.failDeleteFor.add("locked");
  const err = await runS3Error(s3, { method: "delete_bucket", bucket_name: "b", force: "true" });
  assert.equal(err.code, "AccessDenied");
  assert.equal(
    err.message,
    `1 item(s) of bucket "b" could not be deleted (1 deleted): "locked" (AccessDenied: Access Denied)`,
  );
  assert.ok(s3.hasBucket("b"));
  assert.deepEqual(s3.keys("b"), ["locked"]);
  assert.equal(s3.callsOf("deleteBucket").length, 0);
});

Deno.test("delete_bucket with wait_for_completion=true waits until the bucket is gone", async () => {
  const s3 = new FakeS3().seed("b");
  await runS3(
    s3,
    { method: "delete_bucket", bucket_name: "b", wait_for_completion: "true" },
    null,
    testOptions({ wait_timeout_seconds: "12" }),
  );
  assert.deepEqual(s3.calls, [
    { op: "deleteBucket", args: { bucket: "b" } },
    { op: "waitForBucket", args: { bucket: "b", exists: false, seconds: 12 } },
  ]);
});

Deno.test("delete_bucket does not wait or force by default", async () => {
  const s3 = new FakeS3().seed("b");
  await runS3(s3, { method: "delete_bucket", bucket_name: "b" });
  assert.deepEqual(s3.ops(), ["deleteBucket"]);
});

Deno.test("delete_bucket rejects bad booleans before touching S3", async () => {
  for (const key of ["wait_for_completion", "force"]) {
    const s3 = new FakeS3().seed("b");
    const err = await runS3Error(s3, { method: "delete_bucket", bucket_name: "b", [key]: "yes" });
    assert.equal(err.code, "InvalidMetadata");
    assert.equal(
      err.message,
      `Invalid metadata "${key}": expected "true" or "false" (also accepted: 1, t, T, TRUE, True, 0, f, F, FALSE, False), got "yes"`,
    );
    assert.deepEqual(s3.calls, []);
    assert.ok(s3.hasBucket("b"));
  }
});

Deno.test("delete_bucket requires bucket_name", async () => {
  const err = await runS3Error(new FakeS3(), { method: "delete_bucket" });
  assert.equal(err.code, "MissingMetadata");
  assert.equal(err.message, `Missing metadata "bucket_name": required by method "delete_bucket"`);
});
