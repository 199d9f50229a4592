import assert from "node:assert/strict";
import { regionOfLocation } from "../../../../lib/targets/aws_s3/methods/get_bucket_location.ts";
import { FakeS3, runS3, runS3Error } from "../../../../testing/fake_s3.ts";

Deno.test("get_bucket_location answers AWS's empty constraint as region us-east-1", async () => {
  const s3 = new FakeS3().seed("b");
  const res = await runS3(s3, { method: "get_bucket_location", bucket_name: "b" });
  assert.deepEqual(res.metadata, { result: "ok", location_constraint: "", region: "us-east-1" });
  assert.deepEqual(res.json(), { Bucket: "b", LocationConstraint: "", Region: "us-east-1" });
  assert.deepEqual(s3.callsOf("getBucketLocation"), [{ bucket: "b" }]);
});

Deno.test("get_bucket_location maps legacy EU and passes other constraints through", () => {
  assert.equal(regionOfLocation(""), "us-east-1");
  assert.equal(regionOfLocation("EU"), "eu-west-1");
  assert.equal(regionOfLocation("eu-central-1"), "eu-central-1");
  assert.equal(regionOfLocation("default"), "default");
});

Deno.test("get_bucket_location of a missing bucket fails with NoSuchBucket", async () => {
  const err = await runS3Error(new FakeS3(), { method: "get_bucket_location", bucket_name: "x" });
  assert.equal(err.code, "NoSuchBucket");
  assert.equal(err.status, 404);
});

Deno.test("get_bucket_location requires bucket_name", async () => {
  const err = await runS3Error(new FakeS3(), { method: "get_bucket_location" });
  assert.equal(err.code, "MissingMetadata");
  assert.equal(
    err.message,
    `Missing metadata "bucket_name": required by method "get_bucket_location"`,
  );
});
