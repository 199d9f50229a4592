/**
 * The golden files and their checker: generated for the original's nine methods from the newest
 * original and its aws-sdk-go version, and the checker fails on missing, extra and reordered keys
 * and on wrong types.
 */
import assert from "node:assert/strict";
import { ORIGINAL_METHODS } from "../../testing/original_methods.ts";
import { GO_STRUCT_ZEROS } from "../../lib/targets/aws_s3/sdk_structs.ts";
import { readGolden, shapeErrors } from "./_golden.ts";

Deno.test("golden files exist for the original's nine methods and name their source", () => {
  for (const method of ORIGINAL_METHODS) {
    const golden = readGolden(method);
    assert.equal(golden.method, method);
    assert.equal(golden.original.file, "targets/aws/s3/client.go");
    assert.equal(golden.original.commit, "a6a6c75bab5cc0d43149408c65ca74c9bbf5d914");
    assert.ok(golden.original.line > 0);
    assert.ok(golden.metadata.includes("result"));
  }
});

Deno.test("golden data follows aws-sdk-go v1.37.6 field for field, in declaration order", () => {
  const copy = readGolden("copy_item").data as Record<string, unknown>;
  assert.deepEqual(
    Object.keys(copy).filter((k) => !k.startsWith("$")),
    Object.keys(GO_STRUCT_ZEROS.CopyObjectOutput),
  );
  assert.equal((copy.$struct as { tag: string }).tag, "v1.37.6");
  assert.equal(copy.SSECustomerKeyMD5, "string|null");
  assert.equal(copy.BucketKeyEnabled, "boolean|null");
  assert.equal(readGolden("get_item").data, "bytes");
  assert.deepEqual(readGolden("get_item").metadata, ["result", "bucket", "key"]);
  assert.equal(readGolden("delete_bucket").data, null);
});

Deno.test("shapeErrors reports missing, extra and reordered keys, wrong types, Go's time", () => {
  const shape = readGolden("copy_item").data;
  const good = {
    BucketKeyEnabled: null,
    CopyObjectResult: { ETag: `"x"`, LastModified: "2026-01-02T03:04:05Z" },
    CopySourceVersionId: null,
    Expiration: null,
    RequestCharged: null,
    SSECustomerAlgorithm: null,
    SSECustomerKeyMD5: null,
    SSEKMSEncryptionContext: null,
    SSEKMSKeyId: null,
    ServerSideEncryption: null,
    VersionId: "v",
  };
  assert.deepEqual(shapeErrors(good, shape), []);
  const { VersionId: _, ...missing } = good;
  assert.deepEqual(shapeErrors(missing, shape), ["data.VersionId: missing"]);
  assert.deepEqual(shapeErrors({ ...good, ETag: "x" }, shape), [
    "data: keys json.Marshal does not write: ETag",
  ]);
  const { BucketKeyEnabled, ...rest } = good;
  assert.deepEqual(shapeErrors({ ...rest, BucketKeyEnabled }, shape), [
    `data: keys in the order ${Object.keys({ ...rest, BucketKeyEnabled })}`,
  ]);
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
  assert.deepEqual(shapeErrors({ Buckets: null, Owner: null }, list), []);
  assert.deepEqual(shapeErrors({ Buckets: [], Owner: null }, list), []);
});
