import assert from "node:assert/strict";
import { ConnectorError, passThroughCode } from "../../../../lib/errors.ts";
import { FAKE_NOW, FakeS3, runS3, runS3Error } from "../../../../testing/fake_s3.ts";

Deno.test("list_buckets lists every bucket sorted, with creation date and owner", async () => {
  const s3 = new FakeS3().seed("zeta").seed("alpha").seed("mid-bucket");
  const res = await runS3(s3, { method: "list_buckets" });
  assert.deepEqual(res.metadata, { result: "ok", count: "3" });
  assert.deepEqual(res.json(), {
    Buckets: [
      { Name: "alpha", CreationDate: FAKE_NOW },
      { Name: "mid-bucket", CreationDate: FAKE_NOW },
      { Name: "zeta", CreationDate: FAKE_NOW },
    ],
    Owner: { DisplayName: "fake", ID: "fake-owner" },
  });
  assert.deepEqual(s3.ops(), ["listBuckets"]);
});

Deno.test("list_buckets with no buckets answers Buckets null (Go's nil slice) and count 0", async () => {
  const s3 = new FakeS3();
  const res = await runS3(s3, { method: "list_buckets" });
  assert.deepEqual(res.metadata, { result: "ok", count: "0" });
  assert.deepEqual(res.json(), {
    Buckets: null,
    Owner: { DisplayName: "fake", ID: "fake-owner" },
  });
});

Deno.test("list_buckets ignores metadata keys it does not declare", async () => {
  const s3 = new FakeS3().seed("a");
  const res = await runS3(s3, {
    method: "list_buckets",
    bucket_name: "x",
    wait_for_completion: "yes",
  });
  assert.equal(res.metadata.count, "1");
});

Deno.test("list_buckets passes an S3 error through with its code and status", async () => {
  const s3 = new FakeS3();
  s3.failNext.set(
    "listBuckets",
    new ConnectorError(
      passThroughCode("AccessDenied"),
      "S3 error AccessDenied (HTTP 403): Access denied.",
      {
        status: 403,
      },
    ),
  );
  const err = await runS3Error(s3, { method: "list_buckets" });
  assert.equal(err.code, "AccessDenied");
  assert.equal(err.status, 403);
  assert.equal(err.message, "S3 error AccessDenied (HTTP 403): Access denied.");
});
