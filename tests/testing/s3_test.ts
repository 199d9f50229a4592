/**
 * objectSha256 (testing/s3.ts): only S3's 404 for the key reads as "absent"; a read that fails
 * any other way throws. The old version returned null for every error, so an object the tests
 * could not read passed every "must be absent" check.
 */
import assert from "node:assert/strict";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import {
  isNoSuchKey,
  objectSha256,
  s3TestEnv,
  testS3Client,
  withTestBucket,
} from "../../testing/s3.ts";
import { sha256 } from "../../testing/sha256.ts";

Deno.test("objectSha256: the hash of a stored object, null for a key S3 says does not exist", () =>
  withTestBucket(async (bucket, s3) => {
    const bytes = new TextEncoder().encode("kept");
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "k", Body: bytes }));
    assert.equal(await objectSha256(s3, bucket, "k"), await sha256(bytes));
    assert.equal(await objectSha256(s3, bucket, "never-stored"), null);
  }, "s3-hash"));

Deno.test("objectSha256: a read refused (wrong secret: 403) throws instead of reading as absent", () =>
  withTestBucket(async (bucket, s3) => {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "k", Body: "x" }));
    const wrong = testS3Client({ ...s3TestEnv(), secretKey: "not-the-secret" });
    try {
      const err = await objectSha256(wrong, bucket, "k").then(() => null, (e: Error) => e);
      assert.ok(err, "a refused read must not pass as absent");
      assert.equal(isNoSuchKey(err), false);
      assert.match(err.name, /SignatureDoesNotMatch|AccessDenied|InvalidAccessKeyId/);
    } finally {
      wrong.destroy();
    }
  }, "s3-hash"));

Deno.test("objectSha256: a missing bucket (404 NoSuchBucket) or no S3 at all throws", async () => {
  const s3 = testS3Client();
  try {
    const gone = await objectSha256(s3, "no-such-bucket-kubemq-s3-test", "k").then(
      () => null,
      (e: Error) => e,
    );
    assert.equal(gone?.name, "NoSuchBucket");
  } finally {
    s3.destroy();
  }
  // A port nothing listens on (bound, then closed).
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  const down = testS3Client({ ...s3TestEnv(), endpoint: `http://127.0.0.1:${port}` });
  try {
    const err = await objectSha256(down, "b", "k").then(() => null, (e: Error) => e);
    assert.ok(err, "S3 unreachable must not read as absent");
  } finally {
    down.destroy();
  }
});
