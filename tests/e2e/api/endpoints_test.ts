// The HTTP API of a running connector (started with the production permission flags): every
// endpoint's status and body, and that no secret from the config reaches any of them or the log.
import assert from "node:assert/strict";
import { startTestBroker } from "../../../testing/broker.ts";
import { startConnector, testTargetProperties } from "../../../testing/connector.ts";

const AUTH_TOKEN = "tok-e2e-Secret-7f3a9c";
const SESSION_TOKEN = "sess-e2e-Secret-41d0be";

async function get(url: string, init?: RequestInit) {
  const res = await fetch(url, init);
  return {
    status: res.status,
    type: res.headers.get("content-type") ?? "",
    body: await res.text(),
  };
}

Deno.test("e2e api: /health, /ready, /bindings, /metrics, 404 and a disabled POST /bindings/request answer as documented, with no secret anywhere", async () => {
  await using broker = await startTestBroker({ authToken: AUTH_TOKEN });
  const stamp = Date.now().toString(36);
  const target = testTargetProperties();
  const secretKey = target.aws_secret_key!;
  await using connector = await startConnector({
    bindings: [
      {
        name: "orders",
        properties: { log_level: "info" },
        source: {
          address: broker.address,
          channel: `e2e.api.orders.${stamp}`,
          auth_token: AUTH_TOKEN,
        },
      },
      {
        // A session token, the third kind of secret a config holds.
        name: "sessioned",
        source: {
          address: broker.address,
          channel: `e2e.api.sessioned.${stamp}`,
          auth_token: AUTH_TOKEN,
        },
        target: { ...target, token: SESSION_TOKEN },
      },
    ],
    waitReady: false,
  });
  await broker.waitForSubscribers(`e2e.api.orders.${stamp}`, 1, 10_000);
  await broker.waitForSubscribers(`e2e.api.sessioned.${stamp}`, 1, 10_000);
  const api = connector.apiUrl;
  const outputs: string[] = [];
  const call = async (path: string, init?: RequestInit) => {
    const r = await get(api + path, init);
    outputs.push(r.body);
    return r;
  };

  const health = await call("/health");
  assert.equal(health.status, 200);
  assert.equal(health.body, "ok");

  const bindings = await call("/bindings/state");
  assert.equal(bindings.status, 200);
  assert.match(bindings.type, /^application\/json/);
  const list = JSON.parse(bindings.body) as {
    name: string;
    source: { name: string; kind: string; state: { connected: boolean; dead: boolean } };
    target: { name: string; kind: string; initialised: boolean };
    counters: { requests: number; errors: number; inFlight: number };
  }[];
  assert.deepEqual(list.map((b) => b.name), ["orders", "sessioned"]);
  for (const b of list) {
    assert.deepEqual([b.source.kind, b.source.name], ["kubemq.query", "kubemq-query"]);
    assert.deepEqual([b.target.kind, b.target.name], ["aws.s3", "aws-s3"]);
    assert.equal(b.source.state.connected, true);
    assert.equal(b.source.state.dead, false);
    assert.deepEqual(b.counters, { requests: 0, errors: 0, inFlight: 0 });
  }

  // The original's views (shapes: tests/compat/api_test.ts) go through the secrets check below.
  assert.equal((await call("/bindings")).status, 200);
  assert.equal((await call("/bindings/stats")).status, 200);

  // radosgw ignores a session token that goes with static keys, so both are ready.
  const ready = await call("/ready");
  assert.deepEqual([ready.status, ready.body], [200, "ready"]);

  const metrics = await call("/metrics");
  assert.equal(metrics.status, 200);
  assert.match(metrics.type, /^text\/plain; version=0\.0\.4/);
  assert.match(
    metrics.body,
    /^kubemq_targets_requests_count\{binding="orders",source_name="kubemq-query",source_kind="kubemq\.query",target_name="aws-s3",target_kind="aws\.s3"\} 0$/m,
  );
  assert.match(metrics.body, /^kubemq_s3_binding_up\{binding="orders"\} 1$/m);

  const disabled = await call("/bindings/request", {
    method: "POST",
    body: JSON.stringify({ binding: "orders", payload: { metadata: { method: "list_buckets" } } }),
  });
  assert.equal(disabled.status, 403);
  assert.deepEqual(JSON.parse(disabled.body), {
    error:
      "POST /bindings/request is disabled: it bypasses KubeMQ's access control. Set enableRequestApi: true in config.yaml to enable it.",
  });

  const missing = await call("/nope");
  assert.equal(missing.status, 404);
  assert.deepEqual(JSON.parse(missing.body), {
    error:
      "No route GET /nope; try GET /health, /ready, /metrics, /bindings, /bindings/stats, /bindings/state or POST /bindings/request",
  });

  const secrets = { aws_secret_key: secretKey, auth_token: AUTH_TOKEN, token: SESSION_TOKEN };
  const logText = connector.lines().join("\n");
  for (const [name, value] of Object.entries(secrets)) {
    outputs.forEach((out, i) =>
      assert.ok(!out.includes(value), `${name} in API output #${i}: ${out}`)
    );
    assert.ok(!logText.includes(value), `${name} in the log`);
  }
  // The startup line shows the secrets' keys, redacted.
  const start = connector.records().find((r) => String(r.message).startsWith("Starting with"));
  const props = JSON.stringify(start?.config);
  assert.match(props, /"aws_secret_key":"\*\*\*"/);
  assert.match(props, /"auth_token":"\*\*\*"/);
  assert.match(props, /"token":"\*\*\*"/);
});
