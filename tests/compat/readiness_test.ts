/**
 * Readiness with least privilege, on the real stack: a second radosgw user whose IAM user policy
 * denies s3:ListAllMyBuckets becomes ready (S3 answered AccessDenied, so it is reachable and the
 * credentials are recognised) and can still serve requests on its own bucket; bad credentials
 * stay not-ready with the reason. When S3_ENDPOINT is not a radosgw of ours, the denial comes from
 * a loopback HTTP stand-in answering 403 AccessDenied instead.
 */
import assert from "node:assert/strict";
import { ListBucketsCommand } from "@aws-sdk/client-s3";
import { startTestBroker } from "../../testing/broker.ts";
import { startConnector, testTargetProperties } from "../../testing/connector.ts";
import { createRadosgwUser, findRadosgwConf } from "../../testing/radosgw_users.ts";
import {
  createTestBucket,
  deleteTestBucketFully,
  s3TestEnv,
  testS3Client,
} from "../../testing/s3.ts";
import { createKubemqClient } from "../../testing/kubemq_client.ts";
import { decodeResponse, encodeRequest } from "../../lib/wire.ts";

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls /ready until it answers `status` (and a body matching `body`); returns the body. */
async function readyAnswer(apiUrl: string, status: number, body = /./): Promise<string> {
  const deadline = Date.now() + 20_000;
  let last = "";
  while (Date.now() < deadline) {
    const res = await fetch(`${apiUrl}/ready`);
    last = `${res.status} ${await res.text()}`;
    if (res.status === status && body.test(last.slice(4))) return last.slice(4);
    await delay(200);
  }
  throw new Error(`/ready stayed at ${last}`);
}

/** A connector with one binding whose target uses `target`; not waiting for readiness. */
async function connectorWith(target: Record<string, string>) {
  const broker = await startTestBroker();
  const channel = `compat.ready.${crypto.randomUUID().slice(0, 8)}`;
  const connector = await startConnector({
    bindings: [{ name: "lp", source: { address: broker.address, channel }, target }],
    waitReady: false,
  }).catch(async (err) => {
    await broker.close();
    throw err;
  });
  return {
    broker,
    connector,
    channel,
    async [Symbol.asyncDispose]() {
      await connector.stop("SIGTERM");
      await broker.close();
    },
  };
}

const env = s3TestEnv();
const conf = await findRadosgwConf(env.endpoint);

Deno.test({
  name:
    "compat: a user denied ListBuckets by a radosgw user policy becomes ready and serves (needs the radosgw of tools/s3/radosgw.sh; skipped against another S3)",
  ignore: conf === null,
  async fn() {
    await using user = await createRadosgwUser(conf!, env, { denyListBuckets: true });
    const own = testS3Client({ ...env, accessKey: user.accessKey, secretKey: user.secretKey });
    // The denial is real: S3 itself refuses this user's ListBuckets.
    await assert.rejects(own.send(new ListBucketsCommand({})), { name: "AccessDenied" });
    const bucket = await createTestBucket(own, "compat-lp");
    try {
      await using stack = await connectorWith({
        ...testTargetProperties(),
        aws_key: user.accessKey,
        aws_secret_key: user.secretKey,
      });
      assert.equal(await readyAnswer(stack.connector.apiUrl, 200), "ready");
      // Ready means usable: an object action on its own bucket works end to end.
      await stack.broker.waitForSubscribers(stack.channel, 1, 10_000);
      const client = createKubemqClient({ address: stack.broker.address });
      try {
        const res = await client.sendQuery({
          channel: stack.channel,
          body: encodeRequest({
            metadata: { method: "upload_item", bucket_name: bucket, item_name: "lp.txt" },
            data: new TextEncoder().encode("least privilege"),
          }),
          timeoutMs: 20_000,
        });
        const out = decodeResponse(res.body);
        assert.equal(out.isError, false, out.error);
      } finally {
        client.close();
      }
    } finally {
      await deleteTestBucketFully(bucket, own);
      own.destroy();
    }
  },
});

Deno.test({
  name:
    "compat: ListBuckets denied by a stand-in S3 answering 403 AccessDenied is ready (S3_ENDPOINT is not our radosgw)",
  ignore: conf !== null,
  async fn() {
    const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, () =>
      new Response(
        `<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>`,
        { status: 403, headers: { "content-type": "application/xml" } },
      ));
    try {
      await using stack = await connectorWith({
        ...testTargetProperties(),
        endpoint: `http://127.0.0.1:${server.addr.port}`,
      });
      assert.equal(await readyAnswer(stack.connector.apiUrl, 200), "ready");
    } finally {
      await server.shutdown();
    }
  },
});

Deno.test("compat: bad credentials stay not ready and /ready says why", async (t) => {
  const cases: [string, Record<string, string>, RegExp][] = [
    ["an unknown access key", { aws_key: `nobody-${Date.now()}` }, /InvalidAccessKeyId/],
    ["a wrong secret", { aws_secret_key: "wrong-secret" }, /SignatureDoesNotMatch/],
  ];
  for (const [what, override, reason] of cases) {
    await t.step(what, async () => {
      await using stack = await connectorWith({ ...testTargetProperties(), ...override });
      const body = JSON.parse(
        await readyAnswer(stack.connector.apiUrl, 503, /target probe failed/),
      ) as {
        bindings: { binding: string; reason: string }[];
      };
      assert.equal(body.bindings[0]?.binding, "lp");
      assert.match(body.bindings[0]!.reason, /^target probe failed: /);
      assert.match(body.bindings[0]!.reason, reason);
    });
  }
});
