import assert from "node:assert/strict";
import { FakeS3, runS3, runS3Error } from "../../../../testing/fake_s3.ts";

Deno.test("get_item_tagging answers the tags upload_item stored as a JSON object", async () => {
  const s3 = new FakeS3().seed("b");
  await runS3(s3, {
    method: "upload_item",
    bucket_name: "b",
    item_name: "k",
    tagging: "team=data&note=a%20b",
  }, "v");
  const res = await runS3(s3, { method: "get_item_tagging", bucket_name: "b", item_name: "k" });
  assert.deepEqual(res.metadata, { result: "ok", count: "2" });
  assert.deepEqual(res.json(), { team: "data", note: "a b" });
});

Deno.test("get_item_tagging answers {} for an item without tags", async () => {
  const s3 = new FakeS3().seed("b", { k: "v" });
  const res = await runS3(s3, { method: "get_item_tagging", bucket_name: "b", item_name: "k" });
  assert.equal(res.text(), "{}");
  assert.equal(res.metadata.count, "0");
});

Deno.test("get_item_tagging reads what put_item_tagging wrote", async () => {
  const s3 = new FakeS3().seed("b", { k: "v" });
  await runS3(s3, {
    method: "put_item_tagging",
    bucket_name: "b",
    item_name: "k",
    tags: `{"x":"ü ☃"}`,
  });
  const res = await runS3(s3, { method: "get_item_tagging", bucket_name: "b", item_name: "k" });
  assert.deepEqual(res.json(), { x: "ü ☃" });
});

Deno.test("get_item_tagging of a missing item fails with NoSuchKey", async () => {
  const s3 = new FakeS3().seed("b");
  const err = await runS3Error(s3, {
    method: "get_item_tagging",
    bucket_name: "b",
    item_name: "nope",
  });
  assert.equal(err.code, "NoSuchKey");
});
