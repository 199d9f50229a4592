import assert from "node:assert/strict";
import { startConnector } from "../../../testing/connector.ts";
import { dataJson, startStack } from "../../../testing/stack.ts";
import { deleteTestBucketFully, s3TestEnv, uniqueBucketName } from "../../../testing/s3.ts";

interface StartRecord {
  permissions?: { net?: string[]; env?: string[] };
}

Deno.test("e2e credentials: without aws_key/aws_secret_key the connector signs with AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY from its environment", async (t) => {
  const env = s3TestEnv();
  // No keys in the config: the SDK's default provider chain finds them in the environment.
  await using stack = await startStack({
    target: { endpoint: env.endpoint, region: env.region },
    env: { AWS_ACCESS_KEY_ID: env.accessKey, AWS_SECRET_ACCESS_KEY: env.secretKey },
  });
  const bucket = uniqueBucketName("e2e-cred-env");
  try {
    await t.step(
      "the sandbox allows the default chain's STS and metadata hosts and AWS_* env",
      () => {
        const start = stack.connector.records().find((r) =>
          typeof r.message === "string" && r.message.startsWith("Starting with configuration")
        ) as StartRecord | undefined;
        const net = start?.permissions?.net ?? [];
        for (
          const host of [
            `sts.${env.region}.amazonaws.com:443`,
            "sts.amazonaws.com:443",
            "169.254.169.254:80",
            "169.254.170.2:80",
          ]
        ) assert.ok(net.includes(host), `${host} in ${net.join(", ")}`);
        assert.ok(start?.permissions?.env?.includes("AWS_*"));
      },
    );

    await t.step(
      "create, upload, get and list work with the environment's credentials",
      async () => {
        const created = await stack.ask({ method: "create_bucket", bucket_name: bucket });
        assert.equal(created.isError, false, created.error);
        const up = await stack.ask(
          { method: "upload_item", bucket_name: bucket, item_name: "env.txt" },
          "signed by env",
        );
        assert.equal(up.isError, false, up.error);
        const got = await stack.ask({
          method: "get_item",
          bucket_name: bucket,
          item_name: "env.txt",
        });
        assert.equal(new TextDecoder().decode(got.data ?? new Uint8Array()), "signed by env");
        const list = await stack.ask({ method: "list_bucket_items", bucket_name: bucket });
        assert.deepEqual(
          dataJson<{ Contents: { Key: string }[] }>(list).Contents.map((c) => c.Key),
          ["env.txt"],
        );
      },
    );

    await t.step("a presigned URL is signed with the environment's credentials too", async () => {
      const res = await stack.ask({
        method: "presign_get_item",
        bucket_name: bucket,
        item_name: "env.txt",
        expires_seconds: "60",
      });
      const url = new TextDecoder().decode(res.data ?? new Uint8Array());
      assert.ok(new URL(url).searchParams.get("X-Amz-Credential")?.startsWith(`${env.accessKey}/`));
      const got = await fetch(url);
      assert.equal(got.status, 200);
      assert.equal(await got.text(), "signed by env");
    });
  } finally {
    await deleteTestBucketFully(bucket);
  }
});

Deno.test("e2e credentials: with no keys in the config nor anywhere in the chain a request fails fast with CredentialsProviderError", async () => {
  const env = s3TestEnv();
  // The source points at a closed port: only the HTTP request API is used, no broker needed.
  await using connector = await startConnector({
    bindings: [{
      name: "nocreds",
      source: { address: "127.0.0.1:1", channel: "e2e.nocreds" },
      target: { endpoint: env.endpoint, region: env.region },
    }],
    top: { enableRequestApi: true },
    // Blank every source of the default chain (empty counts as unset to the SDK); IMDS is
    // switched off so the result does not depend on the machine running the test.
    env: {
      AWS_ACCESS_KEY_ID: "",
      AWS_SECRET_ACCESS_KEY: "",
      AWS_SESSION_TOKEN: "",
      AWS_PROFILE: "",
      AWS_WEB_IDENTITY_TOKEN_FILE: "",
      AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: "",
      AWS_CONTAINER_CREDENTIALS_FULL_URI: "",
      AWS_EC2_METADATA_DISABLED: "true",
      HOME: "/nonexistent",
    },
    waitReady: false,
  });
  const ask = async () => {
    const res = await fetch(`${connector.apiUrl}/bindings/request`, {
      method: "POST",
      body: JSON.stringify({
        binding: "nocreds",
        payload: { metadata: { method: "list_buckets" }, data: null },
      }),
    });
    return await res.json() as {
      is_error: boolean;
      error: string;
      metadata: Record<string, string>;
    };
  };
  let res = await ask();
  // The target starts in the background; ask again until it has.
  for (let i = 0; i < 100 && res.metadata.error_code === "TargetUnavailable"; i++) {
    await new Promise((r) => setTimeout(r, 100));
    res = await ask();
  }
  assert.equal(res.is_error, true);
  assert.equal(res.metadata.error_code, "CredentialsProviderError");
  assert.equal(res.error, "S3 client error: Could not load credentials from any providers");
});
