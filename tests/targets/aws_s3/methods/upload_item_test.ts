import assert from "node:assert/strict";
import { FakeS3, md5Etag, runS3, runS3Error } from "../../../../testing/fake_s3.ts";

const enc = (s: string) => new TextEncoder().encode(s);
const allBytes = Uint8Array.from({ length: 256 }, (_, i) => i);

Deno.test("upload_item stores the bytes exactly and answers the ETag and size", async () => {
  const s3 = new FakeS3().seed("b");
  const res = await runS3(
    s3,
    { method: "upload_item", bucket_name: "b", item_name: "bin/all.dat" },
    allBytes,
  );
  const etag = md5Etag(allBytes);
  assert.deepEqual(res.metadata, { result: "ok", etag, size: "256" });
  // s3manager's UploadOutput of aws-sdk-go v1.37.6, every key in declaration order.
  assert.equal(
    JSON.stringify(res.json()),
    JSON.stringify({ Location: "/b/bin/all.dat", VersionID: null, UploadID: "", ETag: etag }),
  );
  assert.deepEqual(s3.object("b", "bin/all.dat")?.body, allBytes);
  assert.deepEqual(s3.ops(), ["putObject"]);
});

Deno.test("upload_item answers the quoted MD5 hex ETag of the body", async () => {
  const s3 = new FakeS3().seed("b");
  const res = await runS3(
    s3,
    { method: "upload_item", bucket_name: "b", item_name: "hello.txt" },
    "hello",
  );
  assert.equal(res.metadata.etag, `"5d41402abc4b2a76b9719d911017c592"`);
});

Deno.test("upload_item with data null stores an empty object, as the original", async () => {
  const s3 = new FakeS3().seed("b");
  const res = await runS3(s3, { method: "upload_item", bucket_name: "b", item_name: "dir/" });
  assert.equal(res.metadata.size, "0");
  assert.deepEqual(s3.object("b", "dir/")?.body, new Uint8Array(0));
});

Deno.test("upload_item with empty data stores an empty object", async () => {
  const s3 = new FakeS3().seed("b");
  const res = await runS3(s3, { method: "upload_item", bucket_name: "b", item_name: "empty" }, "");
  assert.deepEqual(res.metadata, {
    result: "ok",
    etag: `"d41d8cd98f00b204e9800998ecf8427e"`,
    size: "0",
  });
  assert.deepEqual(s3.object("b", "empty")?.body, new Uint8Array(0));
});

Deno.test("upload_item overwrites an existing item", async () => {
  const s3 = new FakeS3().seed("b", { k: "old contents" });
  await runS3(s3, { method: "upload_item", bucket_name: "b", item_name: "k" }, "new");
  assert.deepEqual(s3.object("b", "k")?.body, enc("new"));
});

Deno.test("upload_item stores keys with spaces, unicode and +&=% verbatim", async () => {
  const s3 = new FakeS3().seed("b");
  const key = "dir one/naïve ☃ 文件 a+b&c=d%20e.txt";
  await runS3(s3, { method: "upload_item", bucket_name: "b", item_name: key }, "x");
  assert.deepEqual(s3.keys("b"), [key]);
});

Deno.test("upload_item guesses the content type from the key's extension", async () => {
  const cases: [string, string][] = [
    ["reports/a.csv", "text/csv; charset=utf-8"],
    ["hello.txt", "text/plain; charset=utf-8"],
    ["photo.JPG", "image/jpeg"],
    ["data.json", "application/json"],
    ["archive.tar.gz", "application/gzip"],
    ["no-extension", "application/octet-stream"],
    [".hidden", "application/octet-stream"],
    ["dir.d/file", "application/octet-stream"],
    ["unknown.xyz", "application/octet-stream"],
  ];
  for (const [key, type] of cases) {
    const s3 = new FakeS3().seed("b");
    await runS3(s3, { method: "upload_item", bucket_name: "b", item_name: key }, "x");
    assert.equal(s3.object("b", key)?.contentType, type, key);
  }
});

Deno.test("upload_item uses content_type when given instead of guessing", async () => {
  const s3 = new FakeS3().seed("b");
  await runS3(
    s3,
    { method: "upload_item", bucket_name: "b", item_name: "a.csv", content_type: "text/x-custom" },
    "x",
  );
  assert.equal(s3.object("b", "a.csv")?.contentType, "text/x-custom");
});

Deno.test("upload_item passes headers, user metadata, storage class, tags and encryption", async () => {
  const s3 = new FakeS3().seed("b");
  await runS3(s3, {
    method: "upload_item",
    bucket_name: "b",
    item_name: "page.html",
    content_encoding: "gzip",
    content_disposition: `attachment; filename="page.html"`,
    cache_control: "max-age=60",
    metadata: `{"owner":"me","purpose":"test ☃"}`,
    storage_class: "STANDARD_IA",
    tagging: "a=1&b=two",
    server_side_encryption: "aws:kms",
    kms_key_id: "key-1",
  }, "<p>");
  const o = s3.object("b", "page.html");
  assert.equal(o?.contentType, "text/html; charset=utf-8");
  assert.equal(o?.contentEncoding, "gzip");
  assert.equal(o?.contentDisposition, `attachment; filename="page.html"`);
  assert.equal(o?.cacheControl, "max-age=60");
  assert.deepEqual(o?.metadata, { owner: "me", purpose: "test ☃" });
  assert.equal(o?.storageClass, "STANDARD_IA");
  assert.deepEqual(o?.tags, { a: "1", b: "two" });
  const [put] = s3.callsOf("putObject");
  assert.equal(put?.serverSideEncryption, "aws:kms");
  assert.equal(put?.kmsKeyId, "key-1");
  assert.equal(put?.size, 3);
});

Deno.test("upload_item leaves unset options undefined in the PutObject call", async () => {
  const s3 = new FakeS3().seed("b");
  await runS3(s3, { method: "upload_item", bucket_name: "b", item_name: "k" }, "x");
  assert.deepEqual(s3.callsOf("putObject"), [{
    bucket: "b",
    key: "k",
    size: 1,
    contentType: "application/octet-stream",
    contentEncoding: undefined,
    contentDisposition: undefined,
    cacheControl: undefined,
    metadata: undefined,
    storageClass: undefined,
    tagging: undefined,
    serverSideEncryption: undefined,
    kmsKeyId: undefined,
    ifNoneMatch: undefined,
  }]);
});

Deno.test("upload_item rejects metadata that is not a JSON object of strings", async () => {
  for (const value of ["{bad", `["a"]`, `{"n":1}`, "null"]) {
    const s3 = new FakeS3().seed("b");
    const err = await runS3Error(
      s3,
      { method: "upload_item", bucket_name: "b", item_name: "k", metadata: value },
      "x",
    );
    assert.equal(err.code, "InvalidMetadata");
    assert.equal(
      err.message,
      `Invalid metadata "metadata": expected a JSON object of strings, got ${
        JSON.stringify(value)
      }`,
    );
    assert.deepEqual(s3.calls, []);
  }
});

Deno.test("upload_item rejects an unknown server_side_encryption", async () => {
  const err = await runS3Error(
    new FakeS3().seed("b"),
    { method: "upload_item", bucket_name: "b", item_name: "k", server_side_encryption: "aes" },
    "x",
  );
  assert.equal(
    err.message,
    `Invalid metadata "server_side_encryption": expected one of "AES256", "aws:kms", got "aes"`,
  );
});

Deno.test("upload_item with if_none_match=* stores a new key", async () => {
  const s3 = new FakeS3().seed("b");
  await runS3(
    s3,
    { method: "upload_item", bucket_name: "b", item_name: "k", if_none_match: "*" },
    "x",
  );
  assert.deepEqual(s3.object("b", "k")?.body, enc("x"));
});

Deno.test("upload_item with if_none_match=* over an existing key fails with PreconditionFailed", async () => {
  const s3 = new FakeS3().seed("b", { k: "old" });
  const err = await runS3Error(
    s3,
    { method: "upload_item", bucket_name: "b", item_name: "k", if_none_match: "*" },
    "new",
  );
  assert.equal(err.code, "PreconditionFailed");
  assert.equal(err.status, 412);
  assert.deepEqual(s3.object("b", "k")?.body, enc("old"));
});

Deno.test("upload_item rejects an if_none_match other than *", async () => {
  const err = await runS3Error(
    new FakeS3().seed("b"),
    { method: "upload_item", bucket_name: "b", item_name: "k", if_none_match: `"abc"` },
    "x",
  );
  assert.equal(
    err.message,
    `Invalid metadata "if_none_match": expected one of "*", got "\\"abc\\""`,
  );
});

Deno.test("upload_item with wait_for_completion=true waits for the object to exist", async () => {
  const s3 = new FakeS3().seed("b");
  await runS3(
    s3,
    { method: "upload_item", bucket_name: "b", item_name: "k", wait_for_completion: "true" },
    "x",
  );
  assert.deepEqual(s3.ops(), ["putObject", "waitForObject"]);
  assert.deepEqual(s3.callsOf("waitForObject"), [
    { bucket: "b", key: "k", exists: true, seconds: 30 },
  ]);
});

Deno.test("upload_item does not wait by default", async () => {
  const s3 = new FakeS3().seed("b");
  await runS3(s3, { method: "upload_item", bucket_name: "b", item_name: "k" }, "x");
  assert.deepEqual(s3.ops(), ["putObject"]);
});

Deno.test("upload_item rejects a wait_for_completion that is not true or false", async () => {
  const s3 = new FakeS3().seed("b");
  const err = await runS3Error(
    s3,
    { method: "upload_item", bucket_name: "b", item_name: "k", wait_for_completion: "yes" },
    "x",
  );
  assert.equal(err.code, "InvalidMetadata");
  assert.equal(
    err.message,
    `Invalid metadata "wait_for_completion": expected "true" or "false" (also accepted: 1, t, T, TRUE, True, 0, f, F, FALSE, False), got "yes"`,
  );
  assert.deepEqual(s3.calls, []);
});

Deno.test("upload_item requires bucket_name and item_name", async () => {
  const s3 = new FakeS3();
  let err = await runS3Error(s3, { method: "upload_item", item_name: "k" }, "x");
  assert.equal(err.code, "MissingMetadata");
  assert.equal(err.message, `Missing metadata "bucket_name": required by method "upload_item"`);
  err = await runS3Error(s3, { method: "upload_item", bucket_name: "b" }, "x");
  assert.equal(err.message, `Missing metadata "item_name": required by method "upload_item"`);
  err = await runS3Error(s3, { method: "upload_item" }, "x");
  assert.equal(
    err.message,
    `Missing metadata "bucket_name": required by method "upload_item"; ` +
      `Missing metadata "item_name": required by method "upload_item"`,
  );
  assert.deepEqual(s3.calls, []);
});

Deno.test("upload_item rejects an item_name longer than 1024 UTF-8 bytes", async () => {
  const s3 = new FakeS3().seed("b");
  const ok = "é".repeat(512); // 1024 bytes
  await runS3(s3, { method: "upload_item", bucket_name: "b", item_name: ok }, "x");
  const long = ok + "a";
  const err = await runS3Error(
    s3,
    { method: "upload_item", bucket_name: "b", item_name: long },
    "x",
  );
  assert.equal(err.code, "InvalidMetadata");
  assert.ok(
    err.message.startsWith(
      `Invalid metadata "item_name": expected a key of at most 1024 UTF-8 bytes, got "éé`,
    ),
    err.message,
  );
  assert.deepEqual(s3.keys("b"), [ok]);
});

Deno.test("upload_item into a missing bucket fails with NoSuchBucket", async () => {
  const err = await runS3Error(
    new FakeS3(),
    { method: "upload_item", bucket_name: "nope", item_name: "k" },
    "x",
  );
  assert.equal(err.code, "NoSuchBucket");
  assert.equal(err.status, 404);
});
