import assert from "node:assert/strict";
import { startStack } from "../../testing/stack.ts";
import { deleteTestBucketFully, uniqueBucketName } from "../../testing/s3.ts";

Deno.test("e2e: upload_item then get_item returns the same bytes through broker, connector and radosgw", async () => {
  await using stack = await startStack();
  const bucket = uniqueBucketName("smoke");
  try {
    const created = await stack.ask({
      method: "create_bucket",
      bucket_name: bucket,
      wait_for_completion: "true",
    });
    assert.equal(created.isError, false, created.error);
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
    const up = await stack.ask({
      method: "upload_item",
      bucket_name: bucket,
      item_name: "all bytes",
    }, bytes);
    assert.equal(up.isError, false, up.error);
    assert.match(up.metadata.etag ?? "", /^"[0-9a-f]{32}"$/);
    const got = await stack.ask({
      method: "get_item",
      bucket_name: bucket,
      item_name: "all bytes",
    });
    assert.equal(got.isError, false, got.error);
    assert.deepEqual(got.data, bytes);
    assert.equal(got.metadata.etag, up.metadata.etag);
  } finally {
    await deleteTestBucketFully(bucket);
  }
});
