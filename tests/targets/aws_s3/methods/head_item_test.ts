import assert from "node:assert/strict";
import { FAKE_NOW, FakeS3, md5Etag, runS3, runS3Error } from "../../../../testing/fake_s3.ts";

Deno.test("head_item answers the item's headers and user metadata without the body", async () => {
  const s3 = new FakeS3().seed("b", { "r.csv": "1,2,3" }, {
    contentType: "text/csv",
    metadata: { owner: "reports" },
  });
  const res = await runS3(s3, { method: "head_item", bucket_name: "b", item_name: "r.csv" });
  assert.deepEqual(res.metadata, {
    result: "ok",
    content_type: "text/csv",
    content_length: "5",
    etag: md5Etag("1,2,3"),
    last_modified: FAKE_NOW,
    "x-amz-meta-owner": "reports",
  });
  assert.deepEqual(res.json(), {
    ContentType: "text/csv",
    ContentLength: 5,
    ETag: md5Etag("1,2,3"),
    LastModified: FAKE_NOW,
    VersionId: null,
    StorageClass: null,
    ContentEncoding: null,
    ContentDisposition: null,
    CacheControl: null,
    ContentRange: null,
    Metadata: { owner: "reports" },
  });
  assert.deepEqual(s3.ops(), ["headObject"]);
});

Deno.test("head_item reports the headers upload_item stored", async () => {
  const s3 = new FakeS3().seed("b");
  await runS3(s3, {
    method: "upload_item",
    bucket_name: "b",
    item_name: "page.html",
    cache_control: "max-age=60",
    content_disposition: "inline",
    storage_class: "STANDARD",
  }, "<p>hi</p>");
  const res = await runS3(s3, { method: "head_item", bucket_name: "b", item_name: "page.html" });
  assert.equal(res.metadata.content_type, "text/html; charset=utf-8");
  assert.equal(res.metadata.content_length, "9");
  assert.equal(res.metadata.cache_control, "max-age=60");
  assert.equal(res.metadata.content_disposition, "inline");
  assert.equal(res.metadata.storage_class, "STANDARD");
});

Deno.test("head_item of a missing item fails with NoSuchKey", async () => {
  const s3 = new FakeS3().seed("b");
  const err = await runS3Error(s3, { method: "head_item", bucket_name: "b", item_name: "nope" });
  assert.equal(err.code, "NoSuchKey");
  assert.equal(err.status, 404);
  assert.equal(
    err.message,
    `S3 error NoSuchKey (HTTP 404): The specified key does not exist. (bucket "b", item "nope")`,
  );
});

Deno.test("head_item in a missing bucket fails with NoSuchBucket", async () => {
  const err = await runS3Error(new FakeS3(), {
    method: "head_item",
    bucket_name: "nope",
    item_name: "k",
  });
  assert.equal(err.code, "NoSuchBucket");
});

Deno.test("head_item passes version_id and if_match to S3", async () => {
  const s3 = new FakeS3().seed("b", { k: "v" });
  await runS3(s3, {
    method: "head_item",
    bucket_name: "b",
    item_name: "k",
    version_id: "null",
    if_match: md5Etag("v"),
  });
  assert.deepEqual(s3.callsOf("headObject"), [{
    bucket: "b",
    key: "k",
    versionId: "null",
    ifMatch: md5Etag("v"),
  }]);
  const err = await runS3Error(s3, {
    method: "head_item",
    bucket_name: "b",
    item_name: "k",
    if_match: `"0000"`,
  });
  assert.equal(err.code, "PreconditionFailed");
  assert.equal(err.status, 412);
});

Deno.test("head_item requires bucket_name and item_name", async () => {
  const s3 = new FakeS3();
  const err = await runS3Error(s3, { method: "head_item", bucket_name: "b" });
  assert.equal(err.code, "MissingMetadata");
  assert.equal(err.message, `Missing metadata "item_name": required by method "head_item"`);
  assert.deepEqual(s3.calls, []);
});
