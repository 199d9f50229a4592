import assert from "node:assert/strict";
import { FakeS3, runS3, runS3Error } from "../../../../testing/fake_s3.ts";

Deno.test("presign_get_item answers the signed URL as data, valid 900 s by default", async () => {
  const s3 = new FakeS3();
  const before = Date.now();
  const res = await runS3(s3, {
    method: "presign_get_item",
    bucket_name: "b",
    item_name: "dir/big file.iso",
  });
  const after = Date.now();
  assert.equal(res.text(), "https://fake-s3.test/b/dir/big%20file.iso?op=get&expires=900");
  assert.deepEqual(s3.callsOf("presign"), [{
    op: "get",
    bucket: "b",
    key: "dir/big file.iso",
    expiresSeconds: 900,
  }]);
  const { expires_at, ...rest } = res.metadata;
  assert.deepEqual(rest, { result: "ok", http_method: "GET", expires_seconds: "900" });
  const at = Date.parse(expires_at ?? "");
  assert.ok(at >= before + 900_000 && at <= after + 900_000, String(expires_at));
});

Deno.test("presign_get_item accepts expires_seconds from 1 to 604800", async () => {
  for (const seconds of ["1", "3600", "604800"]) {
    const s3 = new FakeS3();
    const res = await runS3(s3, {
      method: "presign_get_item",
      bucket_name: "b",
      item_name: "k",
      expires_seconds: seconds,
    });
    assert.equal(res.metadata.expires_seconds, seconds);
    assert.equal(s3.callsOf("presign")[0]?.expiresSeconds, Number(seconds));
  }
});

Deno.test("presign_get_item rejects expires_seconds outside 1..604800", async () => {
  for (const seconds of ["0", "-5", "604801", "1h", "1.5"]) {
    const s3 = new FakeS3();
    const err = await runS3Error(s3, {
      method: "presign_get_item",
      bucket_name: "b",
      item_name: "k",
      expires_seconds: seconds,
    });
    assert.equal(err.code, "InvalidMetadata");
    assert.equal(
      err.message,
      `Invalid metadata "expires_seconds": expected an integer from 1 to 604800, got ${
        JSON.stringify(seconds)
      }`,
    );
    assert.deepEqual(s3.calls, []);
  }
});

Deno.test("presign_get_item does not ask S3 whether the item exists", async () => {
  const s3 = new FakeS3();
  const res = await runS3(s3, { method: "presign_get_item", bucket_name: "none", item_name: "k" });
  assert.equal(res.metadata.result, "ok");
  assert.deepEqual(s3.ops(), ["presign"]);
});

Deno.test("presign_get_item requires item_name", async () => {
  const err = await runS3Error(new FakeS3(), { method: "presign_get_item", bucket_name: "b" });
  assert.equal(err.code, "MissingMetadata");
  assert.equal(err.message, `Missing metadata "item_name": required by method "presign_get_item"`);
});
