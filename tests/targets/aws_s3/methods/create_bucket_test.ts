import assert from "node:assert/strict";
import { FakeS3, runS3, runS3Error, testOptions } from "../../../../testing/fake_s3.ts";

Deno.test("create_bucket creates the bucket and answers its location", async () => {
  const s3 = new FakeS3();
  const res = await runS3(s3, { method: "create_bucket", bucket_name: "new-bucket" });
  assert.deepEqual(res.metadata, { result: "ok" });
  assert.deepEqual(res.json(), { Location: "/new-bucket" });
  assert.ok(s3.hasBucket("new-bucket"));
  assert.deepEqual(s3.calls, [{ op: "createBucket", args: { bucket: "new-bucket" } }]);
});

Deno.test("create_bucket does not wait by default", async () => {
  const s3 = new FakeS3();
  await runS3(s3, { method: "create_bucket", bucket_name: "b" });
  assert.deepEqual(s3.ops(), ["createBucket"]);
});

Deno.test("create_bucket with wait_for_completion=false does not wait", async () => {
  const s3 = new FakeS3();
  await runS3(s3, { method: "create_bucket", bucket_name: "b", wait_for_completion: "false" });
  assert.deepEqual(s3.ops(), ["createBucket"]);
});

Deno.test("create_bucket with wait_for_completion=true waits for the bucket to exist", async () => {
  const s3 = new FakeS3();
  await runS3(s3, { method: "create_bucket", bucket_name: "b", wait_for_completion: "true" });
  assert.deepEqual(s3.calls, [
    { op: "createBucket", args: { bucket: "b" } },
    { op: "waitForBucket", args: { bucket: "b", exists: true, seconds: 30 } },
  ]);
});

Deno.test("create_bucket waits at most wait_timeout_seconds of the target", async () => {
  const s3 = new FakeS3();
  await runS3(
    s3,
    { method: "create_bucket", bucket_name: "b", wait_for_completion: "true" },
    null,
    testOptions({ wait_timeout_seconds: "7" }),
  );
  assert.deepEqual(s3.callsOf("waitForBucket"), [{ bucket: "b", exists: true, seconds: 7 }]);
});

Deno.test("create_bucket rejects a wait_for_completion that is not true or false", async () => {
  for (const value of ["yes", "tRUE", "2", "on"]) {
    const s3 = new FakeS3();
    const err = await runS3Error(s3, {
      method: "create_bucket",
      bucket_name: "b",
      wait_for_completion: value,
    });
    assert.equal(err.code, "InvalidMetadata");
    assert.equal(
      err.message,
      `Invalid metadata "wait_for_completion": expected "true" or "false" (also accepted: 1, t, T, TRUE, True, 0, f, F, FALSE, False), got ${
        JSON.stringify(value)
      }`,
    );
    assert.deepEqual(s3.calls, []);
  }
});

Deno.test("create_bucket requires bucket_name", async () => {
  const s3 = new FakeS3();
  const err = await runS3Error(s3, { method: "create_bucket" });
  assert.equal(err.code, "MissingMetadata");
  assert.equal(err.message, `Missing metadata "bucket_name": required by method "create_bucket"`);
  assert.deepEqual(s3.calls, []);
});

Deno.test("create_bucket rejects an empty bucket_name (a blank one goes to S3, as in the original)", async () => {
  const err = await runS3Error(new FakeS3(), { method: "create_bucket", bucket_name: "" });
  assert.equal(err.code, "InvalidMetadata");
  assert.equal(
    err.message,
    `Invalid metadata "bucket_name": expected a non-empty value, got ""`,
  );
});

Deno.test("create_bucket rejects a bucket_name with a slash", async () => {
  const err = await runS3Error(new FakeS3(), { method: "create_bucket", bucket_name: "a/b" });
  assert.equal(err.code, "InvalidMetadata");
  assert.equal(
    err.message,
    `Invalid metadata "bucket_name": expected a bucket name without "/", got "a/b"`,
  );
});

Deno.test("create_bucket reports every metadata error at once", async () => {
  const err = await runS3Error(new FakeS3(), { method: "create_bucket", wait_for_completion: "y" });
  assert.equal(err.code, "MissingMetadata");
  assert.equal(
    err.message,
    `Missing metadata "bucket_name": required by method "create_bucket"; ` +
      `Invalid metadata "wait_for_completion": expected "true" or "false" (also accepted: 1, t, T, TRUE, True, 0, f, F, FALSE, False), got "y"`,
  );
});

Deno.test("create_bucket of an existing bucket passes S3's BucketAlreadyOwnedByYou through", async () => {
  const s3 = new FakeS3().seed("b", { "keep.txt": "x" });
  const err = await runS3Error(s3, { method: "create_bucket", bucket_name: "b" });
  assert.equal(err.code, "BucketAlreadyOwnedByYou");
  assert.equal(err.status, 409);
  assert.deepEqual(s3.keys("b"), ["keep.txt"]);
});

Deno.test("create_bucket with data is an error that points at upload_item", async () => {
  const s3 = new FakeS3();
  // The seed's upload_item example, which wrongly says create_bucket.
  const err = await runS3Error(
    s3,
    { method: "create_bucket", bucket_name: "my_bucket_name", item_name: "my_item_name" },
    "my item here",
  );
  assert.equal(err.code, "InvalidMetadata");
  assert.equal(
    err.message,
    `Invalid request for method "create_bucket": it takes no data. To upload an item use method "upload_item" (the original's README example for upload_item wrongly says "create_bucket")`,
  );
  assert.deepEqual(s3.calls, []);
  assert.equal(s3.hasBucket("my_bucket_name"), false);
});

Deno.test("create_bucket with empty data creates the bucket", async () => {
  const s3 = new FakeS3();
  await runS3(s3, { method: "create_bucket", bucket_name: "b" }, "");
  assert.ok(s3.hasBucket("b"));
});
