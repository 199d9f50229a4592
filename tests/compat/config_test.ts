/**
 * A config.yaml written for the original kubemq-targets starts unchanged and serves: Go
 * booleans in every spelling strconv.ParseBool accepts, the original's ranges at their limits,
 * its misspelt rate_per_seconds. The only line the original does not have is `endpoint`, which
 * points the target at the test radosgw (the original can only talk to AWS).
 */
import assert from "node:assert/strict";
import { startTestBroker } from "../../testing/broker.ts";
import { startConnectorWithConfig } from "../../testing/connector.ts";
import { createKubemqClient } from "../../testing/kubemq_client.ts";
import { s3TestEnv } from "../../testing/s3.ts";
import { decodeResponse, encodeRequest } from "../../lib/wire.ts";

Deno.test("compat: an original config.yaml with its booleans and ranges starts and serves", async () => {
  await using broker = await startTestBroker();
  const env = s3TestEnv();
  const channel = `compat.config.${crypto.randomUUID().slice(0, 8)}`;
  const path = await Deno.makeTempFile({ suffix: ".yaml" });
  await Deno.writeTextFile(
    path,
    `apiPort: 0
apiHost: 127.0.0.1
bindings:
  - name: kubemq-query-aws-s3
    properties:
      log_level: "info"
      retry_attempts: "2147483647"
      retry_delay_milliseconds: "2147483647"
      retry_max_jitter_milliseconds: "2147483647"
      retry_delay_type: "fixed"
      rate_per_seconds: "2147483647"
    source:
      kind: kubemq.query
      name: kubemq-query
      properties:
        address: "${broker.address}"
        client_id: "kubemq-query-aws-s3-connector"
        auth_token: ""
        channel: "${channel}"
        group: ""
        sources: "1"
        auto_reconnect: "True"
        reconnect_interval_seconds: "1000000"
        max_reconnects: "-1"
        do_not_parse_payload: "F"
    target:
      kind: aws.s3
      name: aws-s3
      properties:
        aws_key: "${env.accessKey}"
        aws_secret_key: "${env.secretKey}"
        region: "${env.region}"
        token: ""
        downloader: "1"
        uploader: "TRUE"
        endpoint: "${env.endpoint}"
`,
  );
  await using connector = await startConnectorWithConfig(path);
  try {
    await broker.waitForSubscribers(channel, 1, 10_000);
    const client = createKubemqClient({ address: broker.address });
    try {
      const res = await client.sendQuery({
        channel,
        body: encodeRequest({ metadata: { method: "list_buckets" }, data: null }),
        timeoutMs: 20_000,
      });
      const out = decodeResponse(res.body);
      assert.equal(out.isError, false, out.error);
      assert.equal(out.metadata.result, "ok");
    } finally {
      client.close();
    }
    assert.equal((await fetch(`${connector.apiUrl}/ready`)).status, 200);
  } finally {
    await Deno.remove(path);
  }
});
