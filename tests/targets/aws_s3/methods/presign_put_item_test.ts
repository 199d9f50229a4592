import assert from "node:assert/strict";
import { FakeS3, runS3, runS3Error } from "../../../../testing/fake_s3.ts";

Deno.test("presign_put_item answers the signed PUT URL as data", async () => {
  const s3 = new FakeS3();
  const res = await runS3(s3, {
    method: "presign_put_item",
    bucket_name: "b",
    item_name: "up/load.bin",
    expires_seconds: "60",
  });
  assert.equal(res.text(), "https://fake-s3.test/b/up/load.bin?op=put&expires=60");
  const { expires_at, ...rest } = res.metadata;
  assert.deepEqual(rest, { result: "ok", http_method: "PUT", expires_seconds: "60" });
  assert.ok(!Number.isNaN(Date.parse(expires_at ?? "")), String(expires_at));
  assert.deepEqual(s3.callsOf("presign"), [{
    op: "put",
    bucket: "b",
    key: "up/load.bin",
    contentType: undefined,
    expiresSeconds: 60,
  }]);
});

Deno.test("presign_put_item signs content_type and tells the client to send it", async () => {
  const s3 = new FakeS3();
  const res = await runS3(s3, {
    method: "presign_put_item",
    bucket_name: "b",
    item_name: "a.json",
    content_type: "application/json",
  });
  assert.equal(res.metadata.content_type, "application/json");
  assert.equal(res.metadata.expires_seconds, "900");
  assert.equal(s3.callsOf("presign")[0]?.contentType, "application/json");
});

Deno.test("presign_put_item rejects expires_seconds above seven days", async () => {
  const s3 = new FakeS3();
  const err = await runS3Error(s3, {
    method: "presign_put_item",
    bucket_name: "b",
    item_name: "k",
    expires_seconds: "604801",
  });
  assert.equal(err.code, "InvalidMetadata");
  assert.equal(
    err.message,
    `Invalid metadata "expires_seconds": expected an integer from 1 to 604800, got "604801"`,
  );
  assert.deepEqual(s3.calls, []);
});

Deno.test("presign_put_item signs no content type unless one is given (no guess from the extension)", async () => {
  const s3 = new FakeS3();
  // No guessing from the extension: a guessed type would be signed and bind the client to it.
  await runS3(s3, { method: "presign_put_item", bucket_name: "b", item_name: "x.txt" });
  assert.equal(s3.callsOf("presign")[0]?.contentType, undefined);
});
