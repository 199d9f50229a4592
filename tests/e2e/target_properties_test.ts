/**
 * The aws.s3 target properties end to end: uploader/downloader, force_path_style, checksum,
 * insecure_skip_verify, and bad values in config.yaml refusing to start.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { decodeResponse, encodeRequest } from "../../lib/wire.ts";
import { startTestBroker } from "../../testing/broker.ts";
import {
  connectorCommand,
  startConnector,
  testTargetProperties,
  writeConfig,
} from "../../testing/connector.ts";
import { createKubemqClient } from "../../testing/kubemq_client.ts";
import { startStack } from "../../testing/stack.ts";
import {
  createTestBucket,
  deleteTestBucketFully,
  s3TestEnv,
  testS3Client,
} from "../../testing/s3.ts";

const MiB = 1024 * 1024;
const BIG = 20 * MiB;

function randomBytes(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i += 65536) crypto.getRandomValues(out.subarray(i, i + 65536));
  return out;
}

const md5 = (bytes: Uint8Array) => createHash("md5").update(bytes).digest("hex");

Deno.test("e2e uploader and downloader, true and false, store and return 20 MiB byte-exact", async (t) => {
  const s3 = testS3Client();
  const bucket = await createTestBucket(s3, "e2e-props-transfer");
  const multipartBody = randomBytes(BIG);
  const singleBody = randomBytes(BIG);
  const stored = async (key: string) => {
    const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return await out.Body!.transformToByteArray();
  };
  try {
    {
      // Defaults: uploader "true", downloader "true".
      await using stack = await startStack();
      await t.step(
        'uploader true: 20 MiB goes multipart, ETag "…-3" equal to HeadObject\'s',
        async () => {
          const res = await stack.ask(
            { method: "upload_item", bucket_name: bucket, item_name: "multipart.bin" },
            multipartBody,
            60_000,
          );
          assert.equal(res.isError, false, res.error);
          const head = await s3.send(
            new HeadObjectCommand({ Bucket: bucket, Key: "multipart.bin" }),
          );
          // 8 MiB parts (part_size_mb default): 8 + 8 + 4.
          assert.match(res.metadata.etag ?? "", /^"[0-9a-f]{32}-3"$/);
          assert.equal(res.metadata.etag, head.ETag);
          assert.equal(head.ContentLength, BIG);
          assert.deepEqual(await stored("multipart.bin"), multipartBody);
        },
      );

      await t.step(
        "downloader true: get_item returns 20 MiB byte-exact (ranged parts)",
        async () => {
          const res = await stack.ask(
            { method: "get_item", bucket_name: bucket, item_name: "multipart.bin" },
            null,
            60_000,
          );
          assert.equal(res.isError, false, res.error);
          assert.deepEqual(res.data, multipartBody);
          assert.equal(res.metadata.content_length, String(BIG));
          assert.match(res.metadata.etag ?? "", /^"[0-9a-f]{32}-3"$/);
          assert.equal(res.metadata.content_range, undefined);
        },
      );
    }
    {
      await using stack = await startStack({
        target: {
          ...testTargetProperties(),
          uploader: "false",
          downloader: "false",
          insecure_skip_verify: "true",
        },
      });
      await t.step("insecure_skip_verify true is logged as a warning", async () => {
        const record = await stack.connector.waitForLog((r) =>
          typeof r.message === "string" && r.message.startsWith("insecure_skip_verify is on")
        );
        assert.equal(String(record.level).toLowerCase().startsWith("warn"), true);
      });

      await t.step(
        "uploader false: 20 MiB goes as one PutObject, ETag is the MD5 of the bytes",
        async () => {
          const res = await stack.ask(
            { method: "upload_item", bucket_name: bucket, item_name: "single.bin" },
            singleBody,
            60_000,
          );
          assert.equal(res.isError, false, res.error);
          const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "single.bin" }));
          assert.equal(res.metadata.etag, `"${md5(singleBody)}"`);
          assert.equal(res.metadata.etag, head.ETag);
          assert.deepEqual(await stored("single.bin"), singleBody);
        },
      );

      await t.step(
        "downloader false: get_item returns 20 MiB byte-exact (one GetObject)",
        async () => {
          for (
            const [key, body] of [["multipart.bin", multipartBody], [
              "single.bin",
              singleBody,
            ]] as const
          ) {
            const res = await stack.ask(
              { method: "get_item", bucket_name: bucket, item_name: key },
              null,
              60_000,
            );
            assert.equal(res.isError, false, res.error);
            assert.deepEqual(res.data, body);
            assert.equal(res.metadata.content_length, String(BIG));
          }
        },
      );

      await t.step("downloader false still serves empty objects and ranges", async () => {
        await s3.send(
          new PutObjectCommand({ Bucket: bucket, Key: "empty", Body: new Uint8Array(0) }),
        );
        const empty = await stack.ask({
          method: "get_item",
          bucket_name: bucket,
          item_name: "empty",
        });
        assert.equal(empty.isError, false, empty.error);
        assert.deepEqual(empty.data, new Uint8Array(0));
        const range = await stack.ask({
          method: "get_item",
          bucket_name: bucket,
          item_name: "single.bin",
          range: "bytes=-5",
        });
        assert.deepEqual(range.data, singleBody.slice(-5));
      });
    }
  } finally {
    await deleteTestBucketFully(bucket, s3);
    s3.destroy();
  }
});

Deno.test("e2e checksum when_required and when_supported both store bytes exactly on radosgw", async (t) => {
  const s3 = testS3Client();
  const bucket = await createTestBucket(s3, "e2e-props-checksum");
  const small = Uint8Array.from({ length: 256 }, (_, i) => i);
  const large = randomBytes(10 * MiB);
  try {
    for (const checksum of ["when_required", "when_supported"]) {
      await using stack = await startStack({ target: { ...testTargetProperties(), checksum } });
      await t.step(
        `checksum ${checksum}: PutObject and multipart upload, then get_item`,
        async () => {
          for (
            const [key, body] of [[`${checksum}/small`, small], [
              `${checksum}/large`,
              large,
            ]] as const
          ) {
            const up = await stack.ask(
              { method: "upload_item", bucket_name: bucket, item_name: key },
              body,
              60_000,
            );
            assert.equal(up.isError, false, up.error);
            const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
            assert.equal(up.metadata.etag, head.ETag);
            const got = await stack.ask({
              method: "get_item",
              bucket_name: bucket,
              item_name: key,
            });
            assert.equal(got.isError, false, got.error);
            assert.deepEqual(got.data, body);
          }
        },
      );
    }
  } finally {
    await deleteTestBucketFully(bucket, s3);
    s3.destroy();
  }
});

Deno.test("e2e force_path_style", async (t) => {
  const s3 = testS3Client();
  const bucket = await createTestBucket(s3, "e2e-props-path-style");
  try {
    await t.step("true (explicit) works against radosgw", async () => {
      await using stack = await startStack({
        target: { ...testTargetProperties(), force_path_style: "true" },
      });
      const up = await stack.ask(
        { method: "upload_item", bucket_name: bucket, item_name: "k" },
        "v",
      );
      assert.equal(up.isError, false, up.error);
      const got = await stack.ask({ method: "get_item", bucket_name: bucket, item_name: "k" });
      assert.deepEqual(got.data, new TextEncoder().encode("v"));
    });

    await t.step(
      "false with an IP address endpoint still works (the SDK uses path style)",
      async () => {
        await using stack = await startStack({
          target: { ...testTargetProperties(), force_path_style: "false" },
        });
        const up = await stack.ask(
          { method: "upload_item", bucket_name: bucket, item_name: "ip" },
          "v",
        );
        assert.equal(up.isError, false, up.error);
      },
    );

    // s3.invalid never resolves (RFC 2606), so the host each request went to is in the error,
    // and the sandbox must allow <bucket>.<endpoint host> for virtual-hosted addressing.
    const port = new URL(s3TestEnv().endpoint).port;
    for (
      const [style, host] of [
        ["false", `${bucket}.s3.invalid`],
        ["true", "s3.invalid"],
      ] as const
    ) {
      await t.step(
        `${style} sends requests to ${
          style === "false" ? "<bucket>." : ""
        }s3.invalid, allowed by the sandbox`,
        async () => {
          await using broker = await startTestBroker();
          const channel = `e2e.s3.props.${Date.now().toString(36)}.${style}`;
          await using _connector = await startConnector({
            bindings: [{
              source: { address: broker.address, channel },
              target: {
                ...testTargetProperties(),
                endpoint: `http://s3.invalid:${port}`,
                force_path_style: style,
              },
            }],
            waitReady: false,
          });
          await broker.waitForSubscribers(channel, 1, 10_000);
          const client = createKubemqClient({ address: broker.address });
          try {
            const res = decodeResponse(
              (await client.sendQuery({
                channel,
                body: encodeRequest({
                  metadata: { method: "list_bucket_items", bucket_name: bucket },
                  data: null,
                }),
                timeoutMs: 30_000,
              })).body,
            );
            assert.equal(res.isError, true);
            assert.equal(res.metadata.error_code, "NetworkError", res.error);
            assert.equal(
              res.error,
              `S3 endpoint unreachable (ENOTFOUND): getaddrinfo ENOTFOUND ${host}`,
            );
          } finally {
            client.close();
          }
        },
      );
    }
  } finally {
    await deleteTestBucketFully(bucket, s3);
    s3.destroy();
  }
});

Deno.test("e2e bad target properties refuse to start, naming the binding, the key and the value", async () => {
  const good = {
    name: "good",
    source: { address: "127.0.0.1:1", channel: "c1" },
    target: testTargetProperties(),
  };
  const bad = {
    name: "uploads",
    source: { address: "127.0.0.1:1", channel: "c2" },
    target: {
      ...testTargetProperties(),
      uploader: "yes",
      downloader: "Yes",
      force_path_style: "2",
      insecure_skip_verify: "off",
      checksum: "always",
    },
  };
  const path = await writeConfig([good, bad]);
  try {
    const cmd = connectorCommand(["--config", path]);
    const out = await new Deno.Command(cmd.command, {
      args: cmd.args,
      cwd: new URL("../../", import.meta.url).pathname,
      env: { NO_COLOR: "1" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 2, stderr);
    const lines = stderr.trim().split("\n").map((l) => l.trim());
    assert.equal(lines[0], `Invalid configuration in ${path} (5 errors):`);
    assert.deepEqual(lines.slice(1).sort(), [
      `bindings[1].target.properties.checksum: expected one of "when_required", "when_supported", got "always" (binding "uploads")`,
      `bindings[1].target.properties.downloader: expected "true" or "false" (also accepted: 1, t, T, TRUE, True, 0, f, F, FALSE, False), got "Yes" (binding "uploads")`,
      `bindings[1].target.properties.force_path_style: expected "true" or "false" (also accepted: 1, t, T, TRUE, True, 0, f, F, FALSE, False), got "2" (binding "uploads")`,
      `bindings[1].target.properties.insecure_skip_verify: expected "true" or "false" (also accepted: 1, t, T, TRUE, True, 0, f, F, FALSE, False), got "off" (binding "uploads")`,
      `bindings[1].target.properties.uploader: expected "true" or "false" (also accepted: 1, t, T, TRUE, True, 0, f, F, FALSE, False), got "yes" (binding "uploads")`,
    ]);
  } finally {
    await Deno.remove(path);
  }
});
