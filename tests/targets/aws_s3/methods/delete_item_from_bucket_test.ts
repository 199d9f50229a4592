import assert from "node:assert/strict";
import { FakeS3, runS3, runS3Error } from "../../../../testing/fake_s3.ts";

Deno.test("delete_item_from_bucket deletes only that item", async () => {
  const s3 = new FakeS3().seed("b", { a: "1", b: "2", "a/b": "3" });
  const res = await runS3(s3, {
    method: "delete_item_from_bucket",
    bucket_name: "b",
    item_name: "a",
  });
  assert.deepEqual(res.metadata, { result: "ok" });
  // Unversioned: no x-amz-delete-marker header, a nil *bool in the original, so null.
  assert.deepEqual(res.json(), { DeleteMarker: null, RequestCharged: null, VersionId: null });
  assert.deepEqual(s3.keys("b"), ["a/b", "b"]);
  assert.deepEqual(s3.calls, [{
    op: "deleteObject",
    args: { bucket: "b", key: "a", versionId: undefined },
  }]);
});

Deno.test("delete_item_from_bucket of a missing item succeeds (idempotent)", async () => {
  const s3 = new FakeS3().seed("b", { other: "x" });
  const res = await runS3(s3, {
    method: "delete_item_from_bucket",
    bucket_name: "b",
    item_name: "never-there",
  });
  assert.deepEqual(res.metadata, { result: "ok" });
  assert.deepEqual(s3.keys("b"), ["other"]);
});

Deno.test("delete_item_from_bucket deletes keys with spaces, unicode and +&=%", async () => {
  const key = "dir/sp ace ☃ ü+&=%41.txt";
  const s3 = new FakeS3().seed("b", { [key]: "x", "dir/sp ace": "y" });
  await runS3(s3, { method: "delete_item_from_bucket", bucket_name: "b", item_name: key });
  assert.deepEqual(s3.keys("b"), ["dir/sp ace"]);
});

Deno.test("delete_item_from_bucket with wait_for_completion=true waits until the item is gone", async () => {
  const s3 = new FakeS3().seed("b", { k: "x" });
  await runS3(s3, {
    method: "delete_item_from_bucket",
    bucket_name: "b",
    item_name: "k",
    wait_for_completion: "true",
  });
  assert.deepEqual(s3.ops(), ["deleteObject", "waitForObject"]);
  assert.deepEqual(s3.callsOf("waitForObject"), [
    { bucket: "b", key: "k", exists: false, seconds: 30 },
  ]);
});

Deno.test("delete_item_from_bucket does not wait by default", async () => {
  const s3 = new FakeS3().seed("b", { k: "x" });
  await runS3(s3, { method: "delete_item_from_bucket", bucket_name: "b", item_name: "k" });
  assert.deepEqual(s3.ops(), ["deleteObject"]);
});

Deno.test("delete_item_from_bucket passes version_id and then does not wait", async () => {
  const s3 = new FakeS3().seed("b", { k: "x" });
  await runS3(s3, {
    method: "delete_item_from_bucket",
    bucket_name: "b",
    item_name: "k",
    version_id: "v1",
    wait_for_completion: "true",
  });
  assert.deepEqual(s3.calls, [{
    op: "deleteObject",
    args: { bucket: "b", key: "k", versionId: "v1" },
  }]);
});

Deno.test("delete_item_from_bucket rejects a wait_for_completion that is not true or false", async () => {
  const s3 = new FakeS3().seed("b", { k: "x" });
  const err = await runS3Error(s3, {
    method: "delete_item_from_bucket",
    bucket_name: "b",
    item_name: "k",
    wait_for_completion: "yes",
  });
  assert.equal(err.code, "InvalidMetadata");
  assert.equal(
    err.message,
    `Invalid metadata "wait_for_completion": expected "true" or "false" (also accepted: 1, t, T, TRUE, True, 0, f, F, FALSE, False), got "yes"`,
  );
  assert.deepEqual(s3.keys("b"), ["k"]);
});

Deno.test("delete_item_from_bucket without item_name hints at delete_all_items_from_bucket", async () => {
  const s3 = new FakeS3().seed("b", { k: "x" });
  // The seed's delete_all_items example, which wrongly says delete_item_from_bucket.
  const err = await runS3Error(s3, {
    method: "delete_item_from_bucket",
    bucket_name: "b",
  });
  assert.equal(err.code, "MissingMetadata");
  assert.equal(
    err.message,
    `Missing metadata "item_name": required by method "delete_item_from_bucket". ` +
      `To delete every item of the bucket use method "delete_all_items_from_bucket" ` +
      `(the original's README example for it wrongly says "delete_item_from_bucket")`,
  );
  assert.deepEqual(s3.calls, []);
  assert.deepEqual(s3.keys("b"), ["k"]);
});

Deno.test("delete_item_from_bucket without bucket_name fails with the same hint", async () => {
  const err = await runS3Error(new FakeS3(), {
    method: "delete_item_from_bucket",
    item_name: "k",
  });
  assert.equal(
    err.message,
    `Missing metadata "bucket_name": required by method "delete_item_from_bucket". ` +
      `To delete every item of the bucket use method "delete_all_items_from_bucket" ` +
      `(the original's README example for it wrongly says "delete_item_from_bucket")`,
  );
});

Deno.test("delete_item_from_bucket with only invalid metadata gives no hint", async () => {
  const err = await runS3Error(new FakeS3(), {
    method: "delete_item_from_bucket",
    bucket_name: "a/b",
    item_name: "k",
  });
  assert.equal(err.code, "InvalidMetadata");
  assert.equal(
    err.message,
    `Invalid metadata "bucket_name": expected a bucket name without "/", got "a/b"`,
  );
});

Deno.test("delete_item_from_bucket in a missing bucket fails with NoSuchBucket", async () => {
  const err = await runS3Error(new FakeS3(), {
    method: "delete_item_from_bucket",
    bucket_name: "nope",
    item_name: "k",
  });
  assert.equal(err.code, "NoSuchBucket");
  assert.equal(err.status, 404);
});
