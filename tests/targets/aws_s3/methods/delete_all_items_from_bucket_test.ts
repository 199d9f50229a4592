import assert from "node:assert/strict";
import type { DeleteKey } from "../../../../lib/targets/aws_s3/port.ts";
import { FakeS3, runS3, runS3Error } from "../../../../testing/fake_s3.ts";

const method = "delete_all_items_from_bucket";
const key = (i: number) => `item-${String(i).padStart(5, "0")}`;

Deno.test("delete_all_items_from_bucket deletes 2500 items in 3 DeleteObjects batches", async () => {
  const s3 = new FakeS3().seedMany("b", 2500).seed("other", { keep: "x" });
  const res = await runS3(s3, { method, bucket_name: "b" });
  assert.deepEqual(res.metadata, { result: "ok", deleted: "2500" });
  assert.deepEqual(res.json(), { Bucket: "b", Deleted: 2500, Failed: 0, Errors: [] });
  assert.deepEqual(s3.keys("b"), []);
  assert.ok(s3.hasBucket("b"));
  assert.deepEqual(s3.keys("other"), ["keep"]);
  const batches = s3.callsOf("deleteObjects").map((c) => c.keys as DeleteKey[]);
  assert.deepEqual(batches.map((b) => b.length), [1000, 1000, 500]);
  assert.deepEqual(batches[0]?.[0], { Key: key(0) });
  assert.deepEqual(batches[2]?.at(-1), { Key: key(2499) });
  assert.deepEqual(s3.ops(), [
    "listObjects",
    "deleteObjects",
    "listObjects",
    "deleteObjects",
    "listObjects",
    "deleteObjects",
  ]);
  assert.deepEqual(s3.callsOf("listObjects").map((c) => c.maxKeys), [1000, 1000, 1000]);
});

Deno.test("delete_all_items_from_bucket reports per-key failures in the error text", async () => {
  const s3 = new FakeS3().seedMany("b", 2500);
  s3.failDeleteFor.add(key(5)).add(key(1500));
  const err = await runS3Error(s3, { method, bucket_name: "b" });
  assert.equal(err.code, "AccessDenied");
  assert.equal(
    err.message,
    `2 item(s) of bucket "b" could not be deleted (2498 deleted): ` +
      `"item-00005" (AccessDenied: Access Denied), "item-01500" (AccessDenied: Access Denied)`,
  );
  assert.deepEqual(s3.keys("b"), [key(5), key(1500)]);
  // Every batch is still attempted.
  assert.equal(s3.callsOf("deleteObjects").length, 3);
});

Deno.test("delete_all_items_from_bucket lists the first five failures and elides the rest", async () => {
  const s3 = new FakeS3().seedMany("b", 20);
  for (let i = 0; i < 7; i++) s3.failDeleteFor.add(key(i));
  const err = await runS3Error(s3, { method, bucket_name: "b" });
  assert.equal(
    err.message,
    `7 item(s) of bucket "b" could not be deleted (13 deleted): ` +
      [0, 1, 2, 3, 4].map((i) => `"${key(i)}" (AccessDenied: Access Denied)`).join(", ") +
      ", ...",
  );
});

Deno.test("delete_all_items_from_bucket with failures does not wait", async () => {
  const s3 = new FakeS3().seedMany("b", 3);
  s3.failDeleteFor.add(key(1));
  await runS3Error(s3, { method, bucket_name: "b", wait_for_completion: "true" });
  assert.deepEqual(s3.ops(), ["listObjects", "deleteObjects"]);
});

Deno.test("delete_all_items_from_bucket of an empty bucket deletes nothing", async () => {
  const s3 = new FakeS3().seed("b");
  const res = await runS3(s3, { method, bucket_name: "b" });
  assert.deepEqual(res.metadata, { result: "ok", deleted: "0" });
  assert.deepEqual(res.json(), { Bucket: "b", Deleted: 0, Failed: 0, Errors: [] });
  assert.deepEqual(s3.ops(), ["listObjects"]);
});

Deno.test("delete_all_items_from_bucket with prefix deletes only keys under it", async () => {
  const s3 = new FakeS3().seed("b", { "logs/1": "", "logs/2": "", "logsx": "", "data/1": "" });
  const res = await runS3(s3, { method, bucket_name: "b", prefix: "logs/" });
  assert.equal(res.metadata.deleted, "2");
  assert.deepEqual(s3.keys("b"), ["data/1", "logsx"]);
  assert.equal(s3.callsOf("listObjects")[0]?.prefix, "logs/");
});

Deno.test("delete_all_items_from_bucket with an empty prefix deletes everything", async () => {
  const s3 = new FakeS3().seed("b", { a: "", "b/c": "" });
  const res = await runS3(s3, { method, bucket_name: "b", prefix: "" });
  assert.equal(res.metadata.deleted, "2");
  assert.deepEqual(s3.keys("b"), []);
});

Deno.test("delete_all_items_from_bucket with versions=true deletes every version", async () => {
  const s3 = new FakeS3().seedMany("b", 1200);
  const res = await runS3(s3, { method, bucket_name: "b", versions: "true" });
  assert.equal(res.metadata.deleted, "1200");
  assert.deepEqual(s3.keys("b"), []);
  assert.deepEqual(s3.ops(), [
    "listObjectVersions",
    "deleteObjects",
    "listObjectVersions",
    "deleteObjects",
  ]);
  const first = s3.callsOf("deleteObjects")[0]?.keys as DeleteKey[];
  assert.deepEqual(first[0], { Key: key(0), VersionId: "null" });
});

Deno.test("delete_all_items_from_bucket with wait_for_completion=true checks the bucket lists empty", async () => {
  const s3 = new FakeS3().seedMany("b", 3);
  const res = await runS3(s3, { method, bucket_name: "b", wait_for_completion: "true" });
  assert.equal(res.metadata.deleted, "3");
  assert.deepEqual(s3.ops(), ["listObjects", "deleteObjects", "listObjects"]);
  assert.equal(s3.callsOf("listObjects")[1]?.maxKeys, 1);
});

Deno.test("delete_all_items_from_bucket rejects bad booleans", async () => {
  for (const key of ["wait_for_completion", "versions"]) {
    const s3 = new FakeS3().seedMany("b", 3);
    const err = await runS3Error(s3, { method, bucket_name: "b", [key]: "yes" });
    assert.equal(err.code, "InvalidMetadata");
    assert.equal(
      err.message,
      `Invalid metadata "${key}": expected "true" or "false" (also accepted: 1, t, T, TRUE, True, 0, f, F, FALSE, False), got "yes"`,
    );
    assert.deepEqual(s3.calls, []);
    assert.equal(s3.keys("b").length, 3);
  }
});

Deno.test("delete_all_items_from_bucket requires bucket_name", async () => {
  const err = await runS3Error(new FakeS3(), { method });
  assert.equal(err.code, "MissingMetadata");
  assert.equal(
    err.message,
    `Missing metadata "bucket_name": required by method "delete_all_items_from_bucket"`,
  );
});

Deno.test("delete_all_items_from_bucket of a missing bucket fails with NoSuchBucket", async () => {
  const err = await runS3Error(new FakeS3(), { method, bucket_name: "nope" });
  assert.equal(err.code, "NoSuchBucket");
  assert.equal(err.status, 404);
});
