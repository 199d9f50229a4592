/** The golden-shape checker itself: it must fail on missing keys and wrong types. */
import assert from "node:assert/strict";
import { ORIGINAL_METHODS } from "../../testing/original_methods.ts";
import { readGolden, shapeErrors } from "./_golden.ts";

Deno.test("golden files exist for the original's nine methods and name their source", () => {
  for (const method of ORIGINAL_METHODS) {
    const golden = readGolden(method);
    assert.equal(golden.method, method);
    assert.equal(golden.original.file, "targets/aws/s3/client.go");
    assert.ok(golden.original.line > 0);
  }
});

Deno.test("shapeErrors reports missing keys, wrong types and Go's time format", () => {
  const shape = readGolden("copy_item").data;
  const good = {
    CopyObjectResult: { ETag: `"x"`, LastModified: "2026-01-02T03:04:05Z" },
    CopySourceVersionId: null,
    Expiration: null,
    RequestCharged: null,
    SSECustomerAlgorithm: null,
    SSEKMSEncryptionContext: null,
    SSEKMSKeyId: null,
    ServerSideEncryption: null,
    VersionId: "v",
    Extra: 1,
  };
  assert.deepEqual(shapeErrors(good, shape), []);
  const { VersionId: _, ...missing } = good;
  assert.deepEqual(shapeErrors(missing, shape), ["data.VersionId: missing"]);
  assert.deepEqual(
    shapeErrors({
      ...good,
      CopyObjectResult: { ETag: 1, LastModified: "2026-01-02T03:04:05.000Z" },
    }, shape),
    [
      "data.CopyObjectResult.ETag: expected string|null, got 1",
      `data.CopyObjectResult.LastModified: expected time|null, got "2026-01-02T03:04:05.000Z"`,
    ],
  );
  assert.deepEqual(shapeErrors({ ...good, CopyObjectResult: null }, shape), []);
  const list = readGolden("list_buckets").data;
  assert.deepEqual(shapeErrors({ Buckets: [{ Name: "b" }], Owner: null }, list), [
    "data.Buckets[0].CreationDate: missing",
  ]);
});
