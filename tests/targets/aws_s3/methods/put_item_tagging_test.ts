import assert from "node:assert/strict";
import { FakeS3, runS3, runS3Error } from "../../../../testing/fake_s3.ts";

Deno.test("put_item_tagging replaces the item's tags with metadata tags", async () => {
  const s3 = new FakeS3().seed("b", { k: "v" });
  s3.object("b", "k")!.tags = { old: "1" };
  const res = await runS3(s3, {
    method: "put_item_tagging",
    bucket_name: "b",
    item_name: "k",
    tags: `{"team":"data","retention":"30 days"}`,
  });
  assert.deepEqual(res.metadata, { result: "ok", count: "2" });
  assert.deepEqual(res.json(), {
    Bucket: "b",
    Key: "k",
    Tags: { team: "data", retention: "30 days" },
  });
  assert.deepEqual(s3.object("b", "k")!.tags, { team: "data", retention: "30 days" });
});

Deno.test("put_item_tagging takes the tags from the data", async () => {
  const s3 = new FakeS3().seed("b", { k: "v" });
  await runS3(s3, { method: "put_item_tagging", bucket_name: "b", item_name: "k" }, `{"a":"1"}`);
  assert.deepEqual(s3.object("b", "k")!.tags, { a: "1" });
});

Deno.test("put_item_tagging with {} removes every tag", async () => {
  const s3 = new FakeS3().seed("b", { k: "v" });
  s3.object("b", "k")!.tags = { old: "1" };
  const res = await runS3(s3, {
    method: "put_item_tagging",
    bucket_name: "b",
    item_name: "k",
    tags: "{}",
  });
  assert.equal(res.metadata.count, "0");
  assert.deepEqual(s3.object("b", "k")!.tags, {});
});

Deno.test("put_item_tagging without tags says where to give them", async () => {
  const s3 = new FakeS3().seed("b", { k: "v" });
  const err = await runS3Error(s3, {
    method: "put_item_tagging",
    bucket_name: "b",
    item_name: "k",
  });
  assert.equal(err.code, "InvalidData");
  assert.equal(
    err.message,
    `Missing tags: method "put_item_tagging" needs a JSON object of strings in metadata "tags" or in the data ({} removes every tag)`,
  );
  assert.deepEqual(s3.calls, []);
});

Deno.test("put_item_tagging refuses tags in both metadata and data", async () => {
  const s3 = new FakeS3().seed("b", { k: "v" });
  const err = await runS3Error(
    s3,
    { method: "put_item_tagging", bucket_name: "b", item_name: "k", tags: `{"a":"1"}` },
    `{"b":"2"}`,
  );
  assert.equal(err.code, "InvalidRequest");
  assert.equal(
    err.message,
    `Invalid request for method "put_item_tagging": give the tags in metadata "tags" or in the data, not both`,
  );
  assert.deepEqual(s3.calls, []);
});

Deno.test("put_item_tagging rejects tags that are not a JSON object of strings", async () => {
  const s3 = new FakeS3().seed("b", { k: "v" });
  for (const bad of [`["a"]`, `{"n":1}`, "team=data", "null"]) {
    const viaMetadata = await runS3Error(s3, {
      method: "put_item_tagging",
      bucket_name: "b",
      item_name: "k",
      tags: bad,
    });
    assert.equal(viaMetadata.code, "InvalidMetadata");
    assert.equal(
      viaMetadata.message,
      `Invalid metadata "tags": expected a JSON object of strings, got ${JSON.stringify(bad)}`,
    );
    const viaData = await runS3Error(
      s3,
      { method: "put_item_tagging", bucket_name: "b", item_name: "k" },
      bad,
    );
    assert.equal(viaData.code, "InvalidData");
    assert.equal(
      viaData.message,
      `Invalid data for method "put_item_tagging": expected a JSON object of strings`,
    );
  }
  assert.deepEqual(s3.calls, []);
});

Deno.test("put_item_tagging of a missing item fails with NoSuchKey", async () => {
  const s3 = new FakeS3().seed("b");
  const err = await runS3Error(s3, {
    method: "put_item_tagging",
    bucket_name: "b",
    item_name: "nope",
    tags: `{"a":"1"}`,
  });
  assert.equal(err.code, "NoSuchKey");
  assert.equal(err.status, 404);
});
