import assert from "node:assert/strict";
import { FAKE_NOW, FakeS3, md5Etag, runS3, runS3Error } from "../../../../testing/fake_s3.ts";

const enc = (s: string) => new TextEncoder().encode(s);
const allBytes = Uint8Array.from({ length: 256 }, (_, i) => 255 - i);

Deno.test("get_item answers the object's bytes exactly, with its headers as metadata", async () => {
  const s3 = new FakeS3().seed("b", { "all.bin": allBytes }, { contentType: "application/x-bin" });
  const res = await runS3(s3, { method: "get_item", bucket_name: "b", item_name: "all.bin" });
  assert.deepEqual(res.data, allBytes);
  assert.deepEqual(res.metadata, {
    result: "ok",
    content_type: "application/x-bin",
    content_length: "256",
    etag: md5Etag(allBytes),
    last_modified: FAKE_NOW,
    // As the newest original sends them.
    bucket: "b",
    key: "all.bin",
  });
  assert.deepEqual(s3.calls, [{
    op: "getObject",
    args: {
      bucket: "b",
      key: "all.bin",
      range: undefined,
      versionId: undefined,
      ifMatch: undefined,
    },
  }]);
});

Deno.test("get_item returns what upload_item stored", async () => {
  const s3 = new FakeS3().seed("b");
  const body = enc("my item here ☃");
  await runS3(s3, { method: "upload_item", bucket_name: "b", item_name: "hello.txt" }, body);
  const res = await runS3(s3, { method: "get_item", bucket_name: "b", item_name: "hello.txt" });
  assert.deepEqual(res.data, body);
  assert.equal(res.metadata.content_type, "text/plain; charset=utf-8");
  assert.equal(res.metadata.content_length, String(body.length));
});

Deno.test("get_item of an empty object answers empty data, not null", async () => {
  const s3 = new FakeS3().seed("b", { empty: "" });
  const res = await runS3(s3, { method: "get_item", bucket_name: "b", item_name: "empty" });
  assert.deepEqual(res.data, new Uint8Array(0));
  assert.equal(res.metadata.content_length, "0");
});

Deno.test("get_item answers user metadata as x-amz-meta-* keys", async () => {
  const s3 = new FakeS3().seed("b", { k: "v" }, { metadata: { owner: "me", "two-words": "a b" } });
  const res = await runS3(s3, { method: "get_item", bucket_name: "b", item_name: "k" });
  assert.equal(res.metadata["x-amz-meta-owner"], "me");
  assert.equal(res.metadata["x-amz-meta-two-words"], "a b");
});

Deno.test("get_item answers the headers stored by upload_item", async () => {
  const s3 = new FakeS3().seed("b");
  await runS3(s3, {
    method: "upload_item",
    bucket_name: "b",
    item_name: "k.gz",
    content_encoding: "gzip",
    content_disposition: "inline",
    cache_control: "no-cache",
    storage_class: "STANDARD_IA",
  }, "x");
  const res = await runS3(s3, { method: "get_item", bucket_name: "b", item_name: "k.gz" });
  assert.deepEqual(res.metadata, {
    result: "ok",
    content_type: "application/gzip",
    content_length: "1",
    etag: md5Etag("x"),
    last_modified: FAKE_NOW,
    storage_class: "STANDARD_IA",
    content_encoding: "gzip",
    content_disposition: "inline",
    cache_control: "no-cache",
    bucket: "b",
    key: "k.gz",
  });
});

Deno.test("get_item finds keys with spaces, unicode and +&=%", async () => {
  const key = "a dir/ünï ☃/x+y&z=1%2F.txt";
  const s3 = new FakeS3().seed("b", { [key]: "found", "a dir/other": "no" });
  const res = await runS3(s3, { method: "get_item", bucket_name: "b", item_name: key });
  assert.equal(res.text(), "found");
});

Deno.test("get_item with a range answers those bytes and the content range", async () => {
  const s3 = new FakeS3().seed("b", { k: "0123456789" });
  const cases: [string, string, string][] = [
    ["bytes=2-4", "234", "bytes 2-4/10"],
    ["bytes=7-", "789", "bytes 7-9/10"],
    ["bytes=-3", "789", "bytes 7-9/10"],
    ["bytes=0-0", "0", "bytes 0-0/10"],
    ["bytes=8-100", "89", "bytes 8-9/10"],
  ];
  for (const [range, text, contentRange] of cases) {
    const res = await runS3(s3, { method: "get_item", bucket_name: "b", item_name: "k", range });
    assert.equal(res.text(), text, range);
    assert.equal(res.metadata.content_range, contentRange, range);
    assert.equal(res.metadata.content_length, String(text.length), range);
  }
});

Deno.test("get_item rejects a malformed range before calling S3", async () => {
  for (const range of ["0-10", "bytes=5-2", "bytes=-", "bytes=a-b", "bytes=1-2,4-5", "items=0-1"]) {
    const s3 = new FakeS3().seed("b", { k: "0123456789" });
    const err = await runS3Error(s3, {
      method: "get_item",
      bucket_name: "b",
      item_name: "k",
      range,
    });
    assert.equal(err.code, "InvalidMetadata");
    assert.equal(
      err.message,
      `Invalid metadata "range": expected a byte range like bytes=0-99, bytes=100- or bytes=-100, got ${
        JSON.stringify(range)
      }`,
    );
    assert.deepEqual(s3.calls, []);
  }
});

Deno.test("get_item with a range past the end fails with InvalidRange", async () => {
  const s3 = new FakeS3().seed("b", { k: "0123" });
  const err = await runS3Error(s3, {
    method: "get_item",
    bucket_name: "b",
    item_name: "k",
    range: "bytes=10-20",
  });
  assert.equal(err.code, "InvalidRange");
  assert.equal(err.status, 416);
});

Deno.test("get_item with a matching if_match answers the object", async () => {
  const s3 = new FakeS3().seed("b", { k: "v" });
  const res = await runS3(s3, {
    method: "get_item",
    bucket_name: "b",
    item_name: "k",
    if_match: md5Etag("v"),
  });
  assert.equal(res.text(), "v");
});

Deno.test("get_item with another if_match fails with PreconditionFailed", async () => {
  const s3 = new FakeS3().seed("b", { k: "v" });
  const err = await runS3Error(s3, {
    method: "get_item",
    bucket_name: "b",
    item_name: "k",
    if_match: `"0000"`,
  });
  assert.equal(err.code, "PreconditionFailed");
  assert.equal(err.status, 412);
});

Deno.test("get_item passes version_id to S3", async () => {
  const s3 = new FakeS3().seed("b", { k: "v" });
  await runS3(s3, { method: "get_item", bucket_name: "b", item_name: "k", version_id: "null" });
  assert.equal(s3.callsOf("getObject")[0]?.versionId, "null");
  const err = await runS3Error(s3, {
    method: "get_item",
    bucket_name: "b",
    item_name: "k",
    version_id: "v2",
  });
  assert.equal(err.code, "NoSuchVersion");
});

Deno.test("get_item of a missing item fails with NoSuchKey", async () => {
  const s3 = new FakeS3().seed("b");
  const err = await runS3Error(s3, { method: "get_item", bucket_name: "b", item_name: "nope" });
  assert.equal(err.code, "NoSuchKey");
  assert.equal(err.status, 404);
  assert.equal(
    err.message,
    `S3 error NoSuchKey (HTTP 404): The specified key does not exist. (bucket "b", item "nope")`,
  );
});

Deno.test("get_item in a missing bucket fails with NoSuchBucket", async () => {
  const err = await runS3Error(new FakeS3(), {
    method: "get_item",
    bucket_name: "nope",
    item_name: "k",
  });
  assert.equal(err.code, "NoSuchBucket");
  assert.equal(err.status, 404);
});

Deno.test("get_item requires bucket_name and item_name", async () => {
  const s3 = new FakeS3();
  let err = await runS3Error(s3, { method: "get_item", item_name: "k" });
  assert.equal(err.code, "MissingMetadata");
  assert.equal(err.message, `Missing metadata "bucket_name": required by method "get_item"`);
  err = await runS3Error(s3, { method: "get_item", bucket_name: "b" });
  assert.equal(err.message, `Missing metadata "item_name": required by method "get_item"`);
  err = await runS3Error(s3, { method: "get_item", bucket_name: "b", item_name: "" });
  assert.equal(err.code, "InvalidMetadata");
  assert.equal(err.message, `Invalid metadata "item_name": expected a non-empty value, got ""`);
  assert.deepEqual(s3.calls, []);
});
