import assert from "node:assert/strict";
import { LIST_ALL_LIMIT } from "../../../../lib/targets/aws_s3/methods/list_bucket_items.ts";
import type { ListInput, ObjectPage } from "../../../../lib/targets/aws_s3/port.ts";
import { FAKE_NOW, FakeS3, md5Etag, runS3, runS3Error } from "../../../../testing/fake_s3.ts";

interface Page {
  Name: string;
  Prefix: string;
  Delimiter: string;
  MaxKeys: number;
  Contents: {
    Key: string;
    Size: number;
    LastModified: string;
    ETag: string;
    StorageClass: string;
  }[];
  CommonPrefixes: { Prefix: string }[];
  KeyCount: number;
  IsTruncated: boolean;
  ContinuationToken: string;
  NextContinuationToken: string | null;
  StartAfter: string;
}

const entry = (Key: string, body: string) => ({
  Key,
  Size: new TextEncoder().encode(body).length,
  LastModified: FAKE_NOW,
  ETag: md5Etag(body),
  StorageClass: "STANDARD",
  Owner: null,
});

Deno.test("list_bucket_items lists the first page with every object's key, size and ETag", async () => {
  const s3 = new FakeS3().seed("b", { "b.txt": "bb", "a.txt": "a", "c/d.txt": "ccc" });
  const res = await runS3(s3, { method: "list_bucket_items", bucket_name: "b" });
  assert.deepEqual(res.metadata, { result: "ok", count: "3", is_truncated: "false" });
  assert.deepEqual(res.json(), {
    Name: "b",
    Prefix: "",
    Delimiter: null,
    MaxKeys: 1000,
    Contents: [entry("a.txt", "a"), entry("b.txt", "bb"), entry("c/d.txt", "ccc")],
    CommonPrefixes: null, // a nil slice in the original's ListObjectsV2Output
    KeyCount: 3,
    IsTruncated: false,
    ContinuationToken: null,
    NextContinuationToken: null,
    StartAfter: null,
    EncodingType: null,
  });
  assert.deepEqual(s3.calls, [{
    op: "listObjects",
    args: {
      bucket: "b",
      prefix: undefined,
      delimiter: undefined,
      maxKeys: undefined,
      continuationToken: undefined,
      startAfter: undefined,
    },
  }]);
});

Deno.test("list_bucket_items of an empty bucket answers Contents null and count 0", async () => {
  const res = await runS3(new FakeS3().seed("b"), {
    method: "list_bucket_items",
    bucket_name: "b",
  });
  assert.deepEqual(res.metadata, { result: "ok", count: "0", is_truncated: "false" });
  // Go's json.Marshal writes the SDK's nil slice as null, not [].
  assert.equal((res.json() as Page).Contents, null);
});

Deno.test("list_bucket_items answers only the first 1000 keys without all", async () => {
  const s3 = new FakeS3().seedMany("b", 1500);
  const res = await runS3(s3, { method: "list_bucket_items", bucket_name: "b" });
  const page = res.json() as Page;
  assert.equal(page.Contents.length, 1000);
  assert.equal(page.Contents[999]?.Key, "item-00999");
  assert.equal(res.metadata.count, "1000");
  assert.equal(res.metadata.is_truncated, "true");
  assert.equal(res.metadata.next_continuation_token, page.NextContinuationToken);
  assert.deepEqual(s3.ops(), ["listObjects"]);
});

Deno.test("list_bucket_items pages with max_keys and continuation_token", async () => {
  const s3 = new FakeS3().seedMany("b", 5);
  const first = await runS3(s3, { method: "list_bucket_items", bucket_name: "b", max_keys: "2" });
  assert.deepEqual((first.json() as Page).Contents.map((c) => c.Key), ["item-00000", "item-00001"]);
  assert.equal(first.metadata.is_truncated, "true");
  const token = first.metadata.next_continuation_token;
  assert.ok(token);
  const second = await runS3(s3, {
    method: "list_bucket_items",
    bucket_name: "b",
    max_keys: "2",
    continuation_token: token,
  });
  assert.deepEqual((second.json() as Page).Contents.map((c) => c.Key), [
    "item-00002",
    "item-00003",
  ]);
  const third = await runS3(s3, {
    method: "list_bucket_items",
    bucket_name: "b",
    max_keys: "2",
    continuation_token: second.metadata.next_continuation_token!,
  });
  assert.deepEqual((third.json() as Page).Contents.map((c) => c.Key), ["item-00004"]);
  assert.deepEqual(third.metadata, { result: "ok", count: "1", is_truncated: "false" });
  assert.deepEqual(s3.callsOf("listObjects").map((c) => c.maxKeys), [2, 2, 2]);
});

Deno.test("list_bucket_items filters by prefix", async () => {
  const s3 = new FakeS3().seed("b", { "logs/1": "", "logs/2": "", "logsx": "", "other/1": "" });
  const res = await runS3(s3, { method: "list_bucket_items", bucket_name: "b", prefix: "logs/" });
  const page = res.json() as Page;
  assert.deepEqual(page.Contents.map((c) => c.Key), ["logs/1", "logs/2"]);
  assert.equal(page.Prefix, "logs/");
});

Deno.test("list_bucket_items groups keys by delimiter into CommonPrefixes", async () => {
  const s3 = new FakeS3().seed("b", { "a/1": "", "a/2": "", "b/1": "", "top.txt": "" });
  const res = await runS3(s3, { method: "list_bucket_items", bucket_name: "b", delimiter: "/" });
  const page = res.json() as Page;
  assert.deepEqual(page.Contents.map((c) => c.Key), ["top.txt"]);
  assert.deepEqual(page.CommonPrefixes, [{ Prefix: "a/" }, { Prefix: "b/" }]);
  assert.equal(page.KeyCount, 3);
  assert.equal(res.metadata.count, "1");
});

Deno.test("list_bucket_items combines prefix and delimiter", async () => {
  const s3 = new FakeS3().seed("b", { "a/x/1": "", "a/x/2": "", "a/y": "", "b/z": "" });
  const res = await runS3(s3, {
    method: "list_bucket_items",
    bucket_name: "b",
    prefix: "a/",
    delimiter: "/",
  });
  const page = res.json() as Page;
  assert.deepEqual(page.Contents.map((c) => c.Key), ["a/y"]);
  assert.deepEqual(page.CommonPrefixes, [{ Prefix: "a/x/" }]);
});

Deno.test("list_bucket_items sends an empty delimiter as none", async () => {
  const s3 = new FakeS3().seed("b", { "a/1": "" });
  const res = await runS3(s3, { method: "list_bucket_items", bucket_name: "b", delimiter: "" });
  assert.equal(s3.callsOf("listObjects")[0]?.delimiter, undefined);
  assert.deepEqual((res.json() as Page).Contents.map((c) => c.Key), ["a/1"]);
});

Deno.test("list_bucket_items lists keys after start_after", async () => {
  const s3 = new FakeS3().seedMany("b", 4);
  const res = await runS3(s3, {
    method: "list_bucket_items",
    bucket_name: "b",
    start_after: "item-00001",
  });
  assert.deepEqual((res.json() as Page).Contents.map((c) => c.Key), ["item-00002", "item-00003"]);
  assert.equal(s3.callsOf("listObjects")[0]?.startAfter, "item-00001");
});

Deno.test("list_bucket_items with all=true follows every page", async () => {
  const s3 = new FakeS3().seedMany("b", 2500);
  const res = await runS3(s3, { method: "list_bucket_items", bucket_name: "b", all: "true" });
  const page = res.json() as Page;
  assert.equal(page.Contents.length, 2500);
  assert.deepEqual(
    page.Contents.map((c) => c.Key),
    Array.from({ length: 2500 }, (_, i) => `item-${String(i).padStart(5, "0")}`),
  );
  assert.equal(page.KeyCount, 2500);
  assert.equal(page.IsTruncated, false);
  assert.equal(page.NextContinuationToken, null);
  assert.deepEqual(res.metadata, { result: "ok", count: "2500", is_truncated: "false" });
  const calls = s3.callsOf("listObjects");
  assert.equal(calls.length, 3);
  assert.equal(calls[0]?.continuationToken, undefined);
  assert.ok(calls[1]?.continuationToken);
  assert.ok(calls[2]?.continuationToken);
});

Deno.test("list_bucket_items with all=true and max_keys pages by max_keys", async () => {
  const s3 = new FakeS3().seedMany("b", 250);
  const res = await runS3(s3, {
    method: "list_bucket_items",
    bucket_name: "b",
    all: "true",
    max_keys: "100",
    prefix: "item-",
  });
  assert.equal(res.metadata.count, "250");
  assert.deepEqual(s3.callsOf("listObjects").map((c) => [c.maxKeys, c.prefix]), [
    [100, "item-"],
    [100, "item-"],
    [100, "item-"],
  ]);
});

Deno.test("list_bucket_items with all=true merges CommonPrefixes of every page", async () => {
  const s3 = new FakeS3().seed("b", { "a/1": "", "b/1": "", "c/1": "", "d.txt": "" });
  const res = await runS3(s3, {
    method: "list_bucket_items",
    bucket_name: "b",
    all: "true",
    delimiter: "/",
    max_keys: "1",
  });
  const page = res.json() as Page;
  assert.deepEqual(page.CommonPrefixes, [{ Prefix: "a/" }, { Prefix: "b/" }, { Prefix: "c/" }]);
  assert.deepEqual(page.Contents.map((c) => c.Key), ["d.txt"]);
  assert.equal(page.KeyCount, 4);
  assert.equal(s3.callsOf("listObjects").length, 4);
});

/** Answers synthetic full pages of 1000 keys, `pages` of them, without storing anything. */
class SyntheticPages extends FakeS3 {
  constructor(readonly pages: number) {
    super();
  }
  override listObjects(input: ListInput, signal: AbortSignal): Promise<ObjectPage> {
    const n = input.continuationToken === undefined ? 0 : Number(input.continuationToken);
    const base = super.listObjects({ ...input, continuationToken: undefined }, signal);
    return base.then((page) => ({
      ...page,
      Contents: Array.from({ length: 1000 }, (_, i) => ({
        Key: `p${n}-${i}`,
        Size: 0,
        LastModified: null,
        ETag: `"e"`,
        StorageClass: "STANDARD",
      })),
      KeyCount: 1000,
      IsTruncated: n + 1 < this.pages,
      NextContinuationToken: n + 1 < this.pages ? String(n + 1) : "",
    }));
  }
}

Deno.test("list_bucket_items with all=true answers exactly LIST_ALL_LIMIT keys", async () => {
  const s3 = new SyntheticPages(LIST_ALL_LIMIT / 1000).seed("b");
  const res = await runS3(s3, { method: "list_bucket_items", bucket_name: "b", all: "true" });
  assert.equal(res.metadata.count, String(LIST_ALL_LIMIT));
});

Deno.test("list_bucket_items with all=true over LIST_ALL_LIMIT keys fails with TooManyKeys", async () => {
  const s3 = new SyntheticPages(LIST_ALL_LIMIT / 1000 + 5).seed("b");
  const err = await runS3Error(s3, { method: "list_bucket_items", bucket_name: "b", all: "true" });
  assert.equal(err.code, "TooManyKeys");
  assert.equal(
    err.message,
    `Bucket "b" has more than 100000 keys: page with max_keys and continuation_token instead of all=true`,
  );
  // It stops at the first page past the limit rather than listing the rest.
  assert.equal(s3.callsOf("listObjects").length, LIST_ALL_LIMIT / 1000 + 1);
});

Deno.test("list_bucket_items rejects max_keys outside 1..1000", async () => {
  for (const value of ["0", "1001", "abc", "1.5", "-1"]) {
    const s3 = new FakeS3().seed("b");
    const err = await runS3Error(s3, {
      method: "list_bucket_items",
      bucket_name: "b",
      max_keys: value,
    });
    assert.equal(err.code, "InvalidMetadata");
    assert.equal(
      err.message,
      `Invalid metadata "max_keys": expected an integer from 1 to 1000, got ${
        JSON.stringify(value)
      }`,
    );
    assert.deepEqual(s3.calls, []);
  }
});

Deno.test("list_bucket_items rejects an all that is not true or false", async () => {
  const err = await runS3Error(new FakeS3().seed("b"), {
    method: "list_bucket_items",
    bucket_name: "b",
    all: "yes",
  });
  assert.equal(
    err.message,
    `Invalid metadata "all": expected "true" or "false" (also accepted: 1, t, T, TRUE, True, 0, f, F, FALSE, False), got "yes"`,
  );
});

Deno.test("list_bucket_items requires bucket_name", async () => {
  const err = await runS3Error(new FakeS3(), { method: "list_bucket_items" });
  assert.equal(err.code, "MissingMetadata");
  assert.equal(
    err.message,
    `Missing metadata "bucket_name": required by method "list_bucket_items"`,
  );
});

Deno.test("list_bucket_items of a missing bucket fails with NoSuchBucket", async () => {
  const err = await runS3Error(new FakeS3(), { method: "list_bucket_items", bucket_name: "x" });
  assert.equal(err.code, "NoSuchBucket");
  assert.equal(err.status, 404);
});

Deno.test("list_bucket_items passes S3's error for a bad continuation_token through", async () => {
  const err = await runS3Error(new FakeS3().seed("b"), {
    method: "list_bucket_items",
    bucket_name: "b",
    continuation_token: "garbage",
  });
  assert.equal(err.code, "InvalidArgument");
  assert.equal(err.status, 400);
});
