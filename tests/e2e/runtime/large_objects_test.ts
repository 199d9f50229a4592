/** The largest everyday payloads through the real process: 60 MiB up and down as one query each. */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { createTestBucket, deleteTestBucketFully, testS3Client } from "../../../testing/s3.ts";
import { startStack } from "../../../testing/stack.ts";

const MiB = 1024 * 1024;

/** Bytes that differ at every offset modulo a large prime, so a shifted or dropped chunk shows. */
function pattern(size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  const seed = crypto.getRandomValues(new Uint8Array(65_521));
  for (let at = 0; at < size; at += seed.length) bytes.set(seed.subarray(0, size - at), at);
  return bytes;
}

Deno.test("a 60 MiB upload_item and get_item round trip returns the same bytes", async () => {
  const s3 = testS3Client();
  const bucket = await createTestBucket(s3, "e2e-large");
  try {
    await using stack = await startStack();
    const bytes = pattern(60 * MiB);
    const up = await stack.ask(
      { method: "upload_item", bucket_name: bucket, item_name: "big.bin" },
      bytes,
      120_000,
    );
    assert.equal(up.isError, false, up.error);
    const got = await stack.ask(
      { method: "get_item", bucket_name: bucket, item_name: "big.bin" },
      null,
      120_000,
    );
    assert.equal(got.isError, false, got.error);
    assert.equal(got.data?.length, bytes.length);
    // deepEqual on 60 MiB is slow; compare in one native pass.
    assert.ok(
      got.data !== null && Buffer.compare(got.data, bytes) === 0,
      "downloaded bytes equal uploaded bytes",
    );
    assert.equal(got.metadata.etag, up.metadata.etag);
  } finally {
    await deleteTestBucketFully(bucket, s3);
    s3.destroy();
  }
});
