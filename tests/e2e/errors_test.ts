/**
 * Request and S3 error paths end to end: each becomes an `is_error` response with the key and
 * value named, `error_code` (and `http_status` for S3) in the metadata, and the connector keeps
 * serving afterwards.
 */
import assert from "node:assert/strict";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { decodeResponse, encodeRequest, type TargetResponse } from "../../lib/wire.ts";
import { methodNames } from "../../lib/targets/aws_s3/registry.ts";
import { startTestBroker } from "../../testing/broker.ts";
import { startConnector, testTargetProperties } from "../../testing/connector.ts";
import { createKubemqClient } from "../../testing/kubemq_client.ts";
import { ORIGINAL_METHODS } from "../../testing/original_methods.ts";
import { startStack, type TestStack } from "../../testing/stack.ts";
import {
  createTestBucket,
  deleteTestBucketFully,
  testS3Client,
  uniqueBucketName,
} from "../../testing/s3.ts";

const encode = (text: string) => new TextEncoder().encode(text);

function assertError(res: TargetResponse, code: string, text: string | RegExp): void {
  assert.equal(res.isError, true, `expected an error, got ${JSON.stringify(res)}`);
  assert.equal(res.data, null);
  assert.equal(res.metadata.error_code, code);
  if (typeof text === "string") assert.equal(res.error, text);
  else assert.match(res.error, text);
}

async function assertStillServes(stack: TestStack): Promise<void> {
  const res = await stack.ask({ method: "list_buckets" });
  assert.equal(res.isError, false, `the next query failed: ${res.error}`);
}

Deno.test("e2e request errors", async (t) => {
  await using stack = await startStack();
  const step = (name: string, fn: () => Promise<void>) =>
    t.step(name, async () => {
      await fn();
      await assertStillServes(stack);
    });

  await step("a body that is not JSON is `invalid request format, …`", async () => {
    assertError(
      await stack.askRaw(encode("{not json")),
      "InvalidRequest",
      /^invalid request format, body is not valid JSON: /,
    );
  });

  await step("a body that is JSON but not an object is `invalid request format, …`", async () => {
    assertError(
      await stack.askRaw(encode("[1]")),
      "InvalidRequest",
      `invalid request format, body must be a JSON object, got "[1]"`,
    );
  });

  await step("a non-string metadata value names the key and the value", async () => {
    assertError(
      await stack.askRaw(encode('{"metadata":{"method":"list_buckets","n":5},"data":null}')),
      "InvalidRequest",
      `invalid request format, metadata "n" must be a string, got number 5`,
    );
    assertError(
      await stack.askRaw(
        encode('{"metadata":{"method":"create_bucket","wait_for_completion":true}}'),
      ),
      "InvalidRequest",
      `invalid request format, metadata "wait_for_completion" must be a string, got boolean true`,
    );
  });

  await step("invalid base64 data names the field and the value", async () => {
    const body = (data: string) =>
      encode(JSON.stringify({
        metadata: { method: "upload_item", bucket_name: "b", item_name: "k" },
        data,
      }));
    assertError(
      await stack.askRaw(body("!!!")),
      "InvalidRequest",
      /^invalid request format, "data" is not valid base64 \(.*\): got "!!!"$/,
    );
    // Unpadded base64 is refused, as Go's encoding/json refuses it.
    assertError(
      await stack.askRaw(body("YQ")),
      "InvalidRequest",
      /^invalid request format, "data" is not valid base64 \(.*\): got "YQ"$/,
    );
  });

  await step("data that is not a string or null is `invalid request format, …`", async () => {
    assertError(
      await stack.askRaw(encode('{"metadata":{"method":"list_buckets"},"data":[1,2]}')),
      "InvalidRequest",
      /^invalid request format, "data" must be a base64 string or null/,
    );
  });

  await step("an unknown method lists the valid methods, sorted", async () => {
    const sorted = [...methodNames].sort();
    assert.deepEqual(methodNames, sorted);
    for (const name of ORIGINAL_METHODS) assert.ok(methodNames.includes(name), name);
    assertError(
      await stack.ask({ method: "get_items" }),
      "UnknownMethod",
      `Invalid metadata "method": unknown method "get_items"; valid methods: ${sorted.join(", ")}`,
    );
  });

  await step("a missing method lists the valid methods, sorted", async () => {
    assertError(
      await stack.ask({ bucket_name: "b" }),
      "MissingMetadata",
      `Missing metadata "method"; valid methods: ${[...methodNames].sort().join(", ")}`,
    );
  });

  await step("a missing required key is named with its method", async () => {
    assertError(
      await stack.ask({ method: "list_bucket_items" }),
      "MissingMetadata",
      `Missing metadata "bucket_name": required by method "list_bucket_items"`,
    );
    assertError(
      await stack.ask({ method: "copy_item", bucket_name: "b", item_name: "k" }),
      "MissingMetadata",
      `Missing metadata "copy_source": required by method "copy_item" (or copy_source_bucket and copy_source_key)`,
    );
  });

  await step(
    "an empty required key is named with its value; a blank one goes on, as in the original",
    async () => {
      assertError(
        await stack.ask({ method: "list_bucket_items", bucket_name: "" }),
        "InvalidMetadata",
        `Invalid metadata "bucket_name": expected a non-empty value, got ""`,
      );
      // The original's MustParseString accepts whitespace: S3 answers for it.
      const blank = await stack.ask({
        method: "get_item",
        bucket_name: "no-such-bucket-kubemq-s3-e2e",
        item_name: "  ",
      });
      assert.equal(blank.isError, true);
      assert.equal(blank.metadata.error_code, "NoSuchBucket");
    },
  );

  await step("a bad boolean names the key and the value", async () => {
    assertError(
      await stack.ask({ method: "create_bucket", bucket_name: "b", wait_for_completion: "yes" }),
      "InvalidMetadata",
      `Invalid metadata "wait_for_completion": expected "true" or "false" (also accepted: 1, t, T, TRUE, True, 0, f, F, FALSE, False), got "yes"`,
    );
    assertError(
      await stack.ask({ method: "delete_bucket", bucket_name: "b", force: "on" }),
      "InvalidMetadata",
      `Invalid metadata "force": expected "true" or "false" (also accepted: 1, t, T, TRUE, True, 0, f, F, FALSE, False), got "on"`,
    );
  });

  await step("several bad keys are all reported at once", async () => {
    assertError(
      await stack.ask({
        method: "list_bucket_items",
        bucket_name: "b",
        max_keys: "0",
        all: "yes",
      }),
      "InvalidMetadata",
      `Invalid metadata "max_keys": expected an integer from 1 to 1000, got "0"; Invalid metadata "all": expected "true" or "false" (also accepted: 1, t, T, TRUE, True, 0, f, F, FALSE, False), got "yes"`,
    );
  });

  await step("a bucket name with / is refused before it reaches S3", async () => {
    assertError(
      await stack.ask({ method: "list_bucket_items", bucket_name: "a/b" }),
      "InvalidMetadata",
      `Invalid metadata "bucket_name": expected a bucket name without "/", got "a/b"`,
    );
  });

  await step(
    "the seed's upload_item example (method create_bucket with data) points at upload_item",
    async () => {
      // Verbatim from the seed's "Upload Item" section.
      const res = await stack.askRaw(encode(JSON.stringify({
        metadata: {
          method: "create_bucket",
          bucket_name: "my_bucket_name",
          item_name: "my_item_name",
        },
        data: "bXkgaXRlbSBoZXJl",
      })));
      assertError(
        res,
        "InvalidMetadata",
        `Invalid request for method "create_bucket": it takes no data. To upload an item use method "upload_item" (the original's README example for upload_item wrongly says "create_bucket")`,
      );
    },
  );

  await step(
    "the seed's delete-all example (delete_item_from_bucket, no item_name) points at delete_all_items_from_bucket",
    async () => {
      const res = await stack.askRaw(encode(JSON.stringify({
        metadata: { method: "delete_item_from_bucket", bucket_name: "my_bucket_name" },
        data: null,
      })));
      assertError(
        res,
        "MissingMetadata",
        `Missing metadata "item_name": required by method "delete_item_from_bucket". To delete every item of the bucket use method "delete_all_items_from_bucket" (the original's README example for it wrongly says "delete_item_from_bucket")`,
      );
    },
  );

  await step("the response always has all four keys, data null, on error", async () => {
    const res = await stack.client.sendQuery({
      channel: stack.channel,
      body: encode("nope"),
      timeoutMs: 10_000,
    });
    // A target failure travels inside the body; the KubeMQ response itself is executed.
    assert.equal(res.executed, true);
    assert.equal(res.error, "");
    const body = JSON.parse(new TextDecoder().decode(res.body));
    assert.deepEqual(Object.keys(body).sort(), ["data", "error", "is_error", "metadata"]);
    assert.equal(body.data, null);
    assert.equal(body.is_error, true);
    assert.match(body.error, /^invalid request format, /);
  });
});

Deno.test("e2e S3 errors carry S3's code and HTTP status", async (t) => {
  await using stack = await startStack();
  const s3 = testS3Client();
  const bucket = await createTestBucket(s3, "e2e-errors");
  const missing = uniqueBucketName("e2e-errors-missing");
  const step = (name: string, fn: () => Promise<void>) =>
    t.step(name, async () => {
      await fn();
      await assertStillServes(stack);
    });
  try {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "present", Body: "x" }));

    await step(
      "NoSuchBucket: list_bucket_items, get_item and upload_item on a missing bucket",
      async () => {
        const text = new RegExp(
          `^S3 error NoSuchBucket \\(HTTP 404\\): .*\\(bucket "${missing}"`,
        );
        for (
          const [metadata, data] of [
            [{ method: "list_bucket_items", bucket_name: missing }, null],
            [{ method: "get_item", bucket_name: missing, item_name: "k" }, null],
            [{ method: "upload_item", bucket_name: missing, item_name: "k" }, "x"],
          ] as const
        ) {
          const res = await stack.ask(metadata, data);
          assertError(res, "NoSuchBucket", text);
          assert.equal(res.metadata.http_status, "404");
        }
      },
    );

    await step("NoSuchKey: get_item of a missing key names the bucket and the key", async () => {
      const res = await stack.ask({
        method: "get_item",
        bucket_name: bucket,
        item_name: "no such/ü",
      });
      assertError(
        res,
        "NoSuchKey",
        new RegExp(
          `^S3 error NoSuchKey \\(HTTP 404\\): .*\\(bucket "${bucket}", item "no such/ü"\\)$`,
        ),
      );
      assert.equal(res.metadata.http_status, "404");
    });

    await step("BucketNotEmpty: delete_bucket of a bucket with items", async () => {
      const res = await stack.ask({ method: "delete_bucket", bucket_name: bucket });
      assertError(res, "BucketNotEmpty", /^S3 error BucketNotEmpty \(HTTP 409\): /);
      assert.equal(res.metadata.http_status, "409");
    });

    await step("InvalidBucketName: create_bucket with the seed's my_bucket_name", async () => {
      const res = await stack.ask({ method: "create_bucket", bucket_name: "my_bucket_name" });
      assertError(res, "InvalidBucketName", /^S3 error InvalidBucketName \(HTTP 400\): /);
      assert.equal(res.metadata.http_status, "400");
    });

    await step("a failed request does not leave its error in the next response", async () => {
      const res = await stack.ask({
        method: "get_item",
        bucket_name: bucket,
        item_name: "present",
      });
      assert.equal(res.isError, false, res.error);
      assert.equal(res.metadata.error_code, undefined);
      assert.deepEqual(res.data, encode("x"));
    });
  } finally {
    await deleteTestBucketFully(bucket, s3);
    s3.destroy();
  }
});

Deno.test("e2e a wrong secret key is SignatureDoesNotMatch (403) and the secret is never shown", async () => {
  const secret = "wrong-secret-0123456789-e2e-must-not-leak";
  await using broker = await startTestBroker();
  const channel = `e2e.s3.errors.${Date.now().toString(36)}`;
  await using connector = await startConnector({
    bindings: [{
      name: "wrong-secret",
      source: { address: broker.address, channel },
      target: { ...testTargetProperties(), aws_secret_key: secret },
    }],
    // The readiness probe (ListBuckets) fails with these credentials: that is the point.
    waitReady: false,
  });
  await broker.waitForSubscribers(channel, 1, 10_000);
  const client = createKubemqClient({ address: broker.address });
  try {
    const ask = async (metadata: Record<string, string>) => {
      const res = await client.sendQuery({
        channel,
        body: encodeRequest({ metadata, data: null }),
        timeoutMs: 30_000,
      });
      return decodeResponse(res.body);
    };
    for (let i = 0; i < 2; i++) {
      const res = await ask({ method: "list_buckets" });
      assertError(res, "SignatureDoesNotMatch", /^S3 error SignatureDoesNotMatch \(HTTP 403\)/);
      assert.equal(res.metadata.http_status, "403");
      assert.equal(res.error.includes(secret), false);
    }
    const ready = await fetch(`${connector.apiUrl}/ready`);
    const readyText = await ready.text();
    assert.equal(ready.status, 503);
    assert.match(readyText, /SignatureDoesNotMatch/);
    assert.equal(readyText.includes(secret), false);
    const bindings = await (await fetch(`${connector.apiUrl}/bindings`)).text();
    assert.equal(bindings.includes(secret), false);
    assert.equal(connector.lines().some((l) => l.includes(secret)), false);
  } finally {
    client.close();
  }
});
