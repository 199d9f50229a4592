import assert from "node:assert/strict";
import { FAKE_NOW, FakeS3, md5Etag, runS3, runS3Error } from "../../../../testing/fake_s3.ts";

const enc = (s: string) => new TextEncoder().encode(s);
const method = "copy_item";

Deno.test("copy_item copies bucket/key into bucket_name/item_name", async () => {
  const s3 = new FakeS3()
    .seed("src", { "dir/a.txt": "hello" }, { contentType: "text/plain", metadata: { o: "1" } })
    .seed("dst");
  const res = await runS3(s3, {
    method,
    bucket_name: "dst",
    item_name: "copy.txt",
    copy_source: "src/dir/a.txt",
  });
  const etag = md5Etag("hello");
  assert.deepEqual(res.metadata, { result: "ok", etag });
  // aws-sdk-go v1.37.6's CopyObjectOutput, every key in declaration order.
  assert.equal(
    JSON.stringify(res.json()),
    JSON.stringify({
      BucketKeyEnabled: null,
      CopyObjectResult: { ETag: etag, LastModified: FAKE_NOW },
      CopySourceVersionId: null,
      Expiration: null,
      RequestCharged: null,
      SSECustomerAlgorithm: null,
      SSECustomerKeyMD5: null,
      SSEKMSEncryptionContext: null,
      SSEKMSKeyId: null,
      ServerSideEncryption: null,
      VersionId: null,
    }),
  );
  const copy = s3.object("dst", "copy.txt");
  assert.deepEqual(copy?.body, enc("hello"));
  assert.equal(copy?.contentType, "text/plain");
  assert.deepEqual(copy?.metadata, { o: "1" });
  assert.deepEqual(s3.keys("src"), ["dir/a.txt"]);
  assert.deepEqual(s3.calls, [{
    op: "copyObject",
    args: {
      bucket: "dst",
      key: "copy.txt",
      sourceBucket: "src",
      sourceKey: "dir/a.txt",
      sourceVersionId: undefined,
      metadataDirective: undefined,
      contentType: undefined,
      metadata: undefined,
      storageClass: undefined,
    },
  }]);
});

Deno.test("copy_item with a bare bucket as copy_source copies the same item_name", async () => {
  const s3 = new FakeS3().seed("src", { "a.txt": "from src" }).seed("dst", { "a.txt": "old" });
  await runS3(s3, { method, bucket_name: "dst", item_name: "a.txt", copy_source: "src" });
  assert.deepEqual(s3.object("dst", "a.txt")?.body, enc("from src"));
  const [call] = s3.callsOf("copyObject");
  assert.equal(call?.sourceBucket, "src");
  assert.equal(call?.sourceKey, "a.txt");
});

Deno.test("copy_item copies a raw key with spaces and unicode", async () => {
  const key = "my dir/naïve ☃ 文件 a+b&c=d.txt";
  const s3 = new FakeS3().seed("src", { [key]: "unicode" }).seed("dst");
  await runS3(s3, {
    method,
    bucket_name: "dst",
    item_name: `copy of ${key}`,
    copy_source: `src/${key}`,
  });
  assert.deepEqual(s3.object("dst", `copy of ${key}`)?.body, enc("unicode"));
  assert.equal(s3.callsOf("copyObject")[0]?.sourceKey, key);
});

Deno.test("copy_item reads the original's URL-encoded copy_source and its versionId", async () => {
  const s3 = new FakeS3().seed("src", { "my file.txt": "x" }).seed("dst");
  await runS3(s3, {
    method,
    bucket_name: "dst",
    item_name: "c",
    copy_source: "src/my%20file.txt?versionId=v1",
  });
  const [call] = s3.callsOf("copyObject");
  assert.equal(call?.sourceKey, "my file.txt");
  assert.equal(call?.sourceVersionId, "v1");
});

Deno.test("copy_item takes a raw key with %XX from copy_source_bucket and copy_source_key", async () => {
  const key = "pct%20 100%.txt";
  const s3 = new FakeS3().seed("src", { [key]: "raw" }).seed("dst");
  await runS3(s3, {
    method,
    bucket_name: "dst",
    item_name: "c",
    copy_source_bucket: "src",
    copy_source_key: key,
  });
  assert.deepEqual(s3.object("dst", "c")?.body, enc("raw"));
});

Deno.test("copy_item within one bucket copies to a new key", async () => {
  const s3 = new FakeS3().seed("b", { a: "x" });
  await runS3(s3, { method, bucket_name: "b", item_name: "b", copy_source: "b/a" });
  assert.deepEqual(s3.keys("b"), ["a", "b"]);
});

Deno.test("copy_item onto itself without new metadata passes S3's InvalidRequest through", async () => {
  const s3 = new FakeS3().seed("b", { a: "x" });
  const err = await runS3Error(s3, { method, bucket_name: "b", item_name: "a", copy_source: "b" });
  assert.equal(err.code, "InvalidRequest");
  assert.equal(err.status, 400);
});

Deno.test("copy_item with content_type replaces the metadata (REPLACE is implied)", async () => {
  const s3 = new FakeS3().seed("b", { a: "x" }, {
    contentType: "text/plain",
    metadata: { o: "1" },
  });
  await runS3(s3, {
    method,
    bucket_name: "b",
    item_name: "a",
    copy_source: "b/a",
    content_type: "application/json",
  });
  assert.equal(s3.callsOf("copyObject")[0]?.metadataDirective, "REPLACE");
  assert.equal(s3.object("b", "a")?.contentType, "application/json");
  assert.deepEqual(s3.object("b", "a")?.metadata, {});
});

Deno.test("copy_item with metadata replaces the user metadata (REPLACE is implied)", async () => {
  const s3 = new FakeS3().seed("b", { a: "x" }, { metadata: { o: "1" } });
  await runS3(s3, {
    method,
    bucket_name: "b",
    item_name: "c",
    copy_source: "b/a",
    metadata: `{"n":"2"}`,
  });
  assert.equal(s3.callsOf("copyObject")[0]?.metadataDirective, "REPLACE");
  assert.deepEqual(s3.object("b", "c")?.metadata, { n: "2" });
});

Deno.test("copy_item with metadata_directive=COPY keeps the source's metadata", async () => {
  const s3 = new FakeS3().seed("b", { a: "x" }, {
    contentType: "text/plain",
    metadata: { o: "1" },
  });
  await runS3(s3, {
    method,
    bucket_name: "b",
    item_name: "c",
    copy_source: "b/a",
    metadata_directive: "COPY",
    content_type: "image/png",
  });
  assert.equal(s3.callsOf("copyObject")[0]?.metadataDirective, "COPY");
  assert.equal(s3.object("b", "c")?.contentType, "text/plain");
  assert.deepEqual(s3.object("b", "c")?.metadata, { o: "1" });
});

Deno.test("copy_item passes storage_class", async () => {
  const s3 = new FakeS3().seed("b", { a: "x" });
  await runS3(s3, {
    method,
    bucket_name: "b",
    item_name: "c",
    copy_source: "b/a",
    storage_class: "GLACIER",
  });
  assert.equal(s3.object("b", "c")?.storageClass, "GLACIER");
  assert.equal(s3.callsOf("copyObject")[0]?.metadataDirective, undefined);
});

Deno.test("copy_item rejects an unknown metadata_directive", async () => {
  const s3 = new FakeS3().seed("b", { a: "x" });
  const err = await runS3Error(s3, {
    method,
    bucket_name: "b",
    item_name: "c",
    copy_source: "b/a",
    metadata_directive: "copy",
  });
  assert.equal(err.code, "InvalidMetadata");
  assert.equal(
    err.message,
    `Invalid metadata "metadata_directive": expected one of "COPY", "REPLACE", got "copy"`,
  );
  assert.deepEqual(s3.calls, []);
});

Deno.test("copy_item with wait_for_completion=true waits for the copy to exist", async () => {
  const s3 = new FakeS3().seed("b", { a: "x" });
  await runS3(s3, {
    method,
    bucket_name: "b",
    item_name: "c",
    copy_source: "b/a",
    wait_for_completion: "true",
  });
  assert.deepEqual(s3.ops(), ["copyObject", "waitForObject"]);
  assert.deepEqual(s3.callsOf("waitForObject"), [
    { bucket: "b", key: "c", exists: true, seconds: 30 },
  ]);
});

Deno.test("copy_item rejects a wait_for_completion that is not true or false", async () => {
  const s3 = new FakeS3().seed("b", { a: "x" });
  const err = await runS3Error(s3, {
    method,
    bucket_name: "b",
    item_name: "c",
    copy_source: "b/a",
    wait_for_completion: "yes",
  });
  assert.equal(
    err.message,
    `Invalid metadata "wait_for_completion": expected "true" or "false" (also accepted: 1, t, T, TRUE, True, 0, f, F, FALSE, False), got "yes"`,
  );
  assert.deepEqual(s3.calls, []);
});

Deno.test("copy_item of a missing source item fails with NoSuchKey", async () => {
  const s3 = new FakeS3().seed("src").seed("dst");
  const err = await runS3Error(s3, {
    method,
    bucket_name: "dst",
    item_name: "k",
    copy_source: "src/missing",
  });
  assert.equal(err.code, "NoSuchKey");
  assert.equal(err.status, 404);
  assert.deepEqual(s3.keys("dst"), []);
});

Deno.test("copy_item from a missing source bucket fails with NoSuchBucket", async () => {
  const s3 = new FakeS3().seed("dst");
  const err = await runS3Error(s3, {
    method,
    bucket_name: "dst",
    item_name: "k",
    copy_source: "nope",
  });
  assert.equal(err.code, "NoSuchBucket");
});

Deno.test("copy_item into a missing bucket fails with NoSuchBucket", async () => {
  const s3 = new FakeS3().seed("src", { k: "x" });
  const err = await runS3Error(s3, {
    method,
    bucket_name: "nope",
    item_name: "k",
    copy_source: "src/k",
  });
  assert.equal(err.code, "NoSuchBucket");
  assert.equal(err.status, 404);
});

Deno.test("copy_item requires bucket_name, item_name and copy_source", async () => {
  const s3 = new FakeS3();
  let err = await runS3Error(s3, { method, bucket_name: "b", item_name: "k" });
  assert.equal(err.code, "MissingMetadata");
  const missing =
    `Missing metadata "copy_source": required by method "copy_item" (or copy_source_bucket and copy_source_key)`;
  assert.equal(err.message, missing);
  err = await runS3Error(s3, { method });
  assert.equal(
    err.message,
    [
      `Missing metadata "bucket_name": required by method "copy_item"`,
      `Missing metadata "item_name": required by method "copy_item"`,
    ].join("; "),
  );
  assert.deepEqual(s3.calls, []);
  // A blank copy_source is a value, as Go's MustParseString reads it (only "" is missing): S3
  // gets it and answers for itself.
  err = await runS3Error(s3, { method, bucket_name: "b", item_name: "k", copy_source: " " });
  assert.notEqual(err.code, "MissingMetadata");
  assert.deepEqual(s3.ops(), ["copyObject"]);
});
