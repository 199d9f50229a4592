// The SDK adapter's waits and error mapping against a tiny local HTTP server that plays an S3
// endpoint, so the outcomes that real S3 rarely produces (a wait that never completes, a HEAD
// 404 without a body) are checked through the real SDK.
import assert from "node:assert/strict";
import { getLogger } from "@logtape/logtape";
import { ConnectorError } from "../../../../lib/errors.ts";
import { parseFields } from "../../../../lib/schema.ts";
import { createS3Adapter } from "../../../../lib/targets/aws_s3/sdk/adapter.ts";
import { s3TargetProperties } from "../../../../lib/targets/aws_s3/options.ts";
import { createS3Target } from "../../../../lib/targets/aws_s3/target.ts";

/** An endpoint where every bucket and key is missing, forever. */
async function withMissingEverything(fn: (endpoint: string) => Promise<void>) {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (req) => {
    if (req.method === "HEAD") return new Response(null, { status: 404 });
    return new Response(
      `<?xml version="1.0"?><Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message></Error>`,
      { status: 404, headers: { "content-type": "application/xml" } },
    );
  });
  try {
    await fn(`http://127.0.0.1:${server.addr.port}`);
  } finally {
    await server.shutdown();
  }
}

function options(endpoint: string) {
  return parseFields(s3TargetProperties, {
    endpoint,
    region: "us-east-1",
    aws_key: "k",
    aws_secret_key: "s",
    wait_timeout_seconds: "2",
  });
}

Deno.test("a wait_for_completion that runs out is a Timeout error naming what was awaited", async () => {
  await withMissingEverything(async (endpoint) => {
    const s3 = createS3Adapter(options(endpoint));
    try {
      const started = Date.now();
      await assert.rejects(
        () => s3.waitForBucket("never", true, 2),
        (err: unknown) => {
          assert.ok(err instanceof ConnectorError);
          assert.equal(err.code, "Timeout");
          assert.match(err.message, /^Timeout: waited 2s for bucket "never" to exist/);
          return true;
        },
      );
      assert.ok(Date.now() - started < 10_000, "the wait is bounded");
    } finally {
      s3.close();
    }
  });
});

Deno.test("waiting for an item that never shows is a Timeout; a 404 maps to NoSuchBucket with its status", async () => {
  await withMissingEverything(async (endpoint) => {
    const opts = options(endpoint);
    const s3 = createS3Adapter(opts);
    // upload_item's wait runs after its PUT; here the wait itself, on an item that never shows.
    try {
      await assert.rejects(
        () => s3.waitForObject("b", "k", true, 2),
        /^ConnectorError: Timeout: waited 2s for item "k" in bucket "b" to exist/,
      );
    } finally {
      s3.close();
    }
    const target = createS3Target(createS3Adapter(opts), opts, getLogger(["test"]));
    try {
      await assert.rejects(
        () =>
          target.run({
            metadata: { method: "get_item", bucket_name: "b", item_name: "k" },
            data: null,
          }, AbortSignal.timeout(10_000)),
        (err: unknown) => {
          assert.ok(err instanceof ConnectorError);
          assert.equal(err.code, "NoSuchBucket");
          assert.equal(err.status, 404);
          assert.match(err.message, /^S3 error NoSuchBucket \(HTTP 404\): /);
          return true;
        },
      );
    } finally {
      target.close();
    }
  });
});
