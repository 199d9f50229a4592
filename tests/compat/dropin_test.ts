/**
 * The original's config loader, HTTP API and metrics, through the real path (kubemq-js client ->
 * test broker -> connector process with the production permission flags -> radosgw): a config
 * as viper, yaml.v2 and Go's flag package read it, the original's /bindings and /bindings/stats
 * after real requests, its metric labels, the process_* series, CONFIG vs config.yaml, and
 * `bindings: []`. Each count is checked against what the test itself sent and received.
 */
import assert from "node:assert/strict";
import { CreateBucketCommand } from "@aws-sdk/client-s3";
import { startTestBroker } from "../../testing/broker.ts";
import { startConnectorWithConfig } from "../../testing/connector.ts";
import { createKubemqClient } from "../../testing/kubemq_client.ts";
import {
  deleteTestBucketFully,
  s3TestEnv,
  testS3Client,
  uniqueBucketName,
} from "../../testing/s3.ts";
import { decodeResponse, encodeRequest, type TargetResponse } from "../../lib/wire.ts";

const enc = (s: string) => new TextEncoder().encode(s);

/** A port nobody listens on right now. */
function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** Prometheus samples of `name`: labels and value. */
function samples(text: string, name: string): { labels: Record<string, string>; value: number }[] {
  const out = [];
  for (const line of text.split("\n")) {
    const m = line.match(/^(\w+)(?:\{(.*)\})? (\S+)$/);
    if (!m || m[1] !== name) continue;
    const labels = Object.fromEntries(
      [...(m[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1]!, l[2]!]),
    );
    out.push({ labels, value: Number(m[3]) });
  }
  return out;
}

Deno.test("compat: a config in viper's key case, YAML 1.1 and Go flags; the original's API and metrics", async () => {
  const startedAt = Date.now() / 1000;
  await using broker = await startTestBroker();
  const env = s3TestEnv();
  const s3 = testS3Client();
  const bucket = uniqueBucketName("compat-dropin");
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const channel = `compat.dropin.${crypto.randomUUID().slice(0, 8)}`;
  const port = freePort();
  const dir = await Deno.makeTempDir();
  const path = `${dir}/original.yaml`;
  // Keys in other case (viper folds them), an unquoted YAML 1.1 boolean, no source or target
  // name (the metric labels are then "").
  await Deno.writeTextFile(
    path,
    `apiport: ${port}
ApiHost: 127.0.0.1
LOGFORMAT: json
Bindings:
  - Name: dropin
    Source:
      Kind: kubemq.query
      Properties:
        address: "${broker.address}"
        channel: "${channel}"
        auto_reconnect: yes
    Target:
      KIND: aws.s3
      properties:
        aws_key: "${env.accessKey}"
        aws_secret_key: "${env.secretKey}"
        region: "${env.region}"
        endpoint: "${env.endpoint}"
`,
  );
  // Go's flag package: a single dash and the value as the next argument.
  await using connector = await startConnectorWithConfig(path, { args: ["-config", path] });
  const client = createKubemqClient({ address: broker.address });
  try {
    assert.equal(connector.apiPort, port, "apiport (any case) is the API's port");
    await broker.waitForSubscribers(channel, 1, 10_000);
    const ask = async (metadata: Record<string, string>, data: Uint8Array | null) => {
      const res = await client.sendQuery({
        channel,
        body: encodeRequest({ metadata, data }),
        timeoutMs: 20_000,
      });
      return decodeResponse(res.body);
    };
    const sent: { data: Uint8Array | null; res: TargetResponse }[] = [];
    const send = async (metadata: Record<string, string>, data: Uint8Array | null = null) => {
      const res = await ask(metadata, data);
      sent.push({ data, res });
      return res;
    };
    const up = await send(
      { method: "upload_item", bucket_name: bucket, item_name: "a.txt" },
      enc("hello"),
    );
    assert.equal(up.isError, false, up.error);
    const got = await send({ method: "get_item", bucket_name: bucket, item_name: "a.txt" });
    assert.deepEqual(got.data, enc("hello"));
    // A whitespace-only required value is a value, as MustParseString reads it: S3 answers it.
    const blank = await send({ method: "list_bucket_items", bucket_name: "   " });
    assert.equal(blank.isError, true);
    assert.ok(
      !["MissingMetadata", "InvalidMetadata"].includes(blank.metadata.error_code ?? ""),
      `S3's own error, not ours: ${JSON.stringify(blank.metadata)} ${blank.error}`,
    );
    assert.ok(Number(blank.metadata.http_status) >= 400, JSON.stringify(blank.metadata));

    // The counts, from what this test sent and received.
    const ok = sent.filter((s) => !s.res.isError);
    const expected = {
      request_count: sent.length,
      request_volume: sent.reduce((n, s) => n + (s.data?.length ?? 0), 0),
      response_count: ok.length,
      response_volume: ok.reduce((n, s) => n + (s.res.data?.length ?? 0), 0),
      errors_count: sent.length - ok.length,
    };

    const bindings = await (await fetch(`${connector.apiUrl}/bindings`)).json();
    assert.equal(bindings.length, 1);
    assert.deepEqual(Object.keys(bindings[0]), [
      "binding",
      "ready",
      "source_type",
      "source_connection",
      "source_config",
      "target_type",
      "target_config",
    ]);
    assert.equal(bindings[0].binding, "dropin");
    assert.equal(bindings[0].ready, true);
    assert.equal(bindings[0].source_type, "kubemq.query");
    assert.equal(bindings[0].source_connection, `${broker.address}/${channel}`);
    // yaml.v2's boolean, as mapstructure hands it on: "1", which ParseBool reads as true.
    assert.equal(bindings[0].source_config.auto_reconnect, "1");
    assert.equal(bindings[0].target_type, "aws.s3");
    assert.equal(bindings[0].target_config.region, env.region);
    assert.ok(!JSON.stringify(bindings).includes(env.secretKey), "the secret is redacted");

    const stats = await (await fetch(`${connector.apiUrl}/bindings/stats`)).json();
    assert.deepEqual(stats, [{
      binding: "dropin",
      source_name: "",
      source_kind: "kubemq.query",
      target_name: "",
      target_kind: "aws.s3",
      ...expected,
    }]);
    assert.equal((await fetch(`${connector.apiUrl}/bindings/state`)).status, 200);

    const metrics = await (await fetch(`${connector.apiUrl}/metrics`)).text();
    const labels = {
      binding: "dropin",
      source_name: "",
      source_kind: "kubemq.query",
      target_name: "",
      target_kind: "aws.s3",
    };
    for (
      const [name, value] of [
        ["kubemq_targets_requests_count", expected.request_count],
        ["kubemq_targets_requests_volume", expected.request_volume],
        ["kubemq_targets_responses_count", expected.response_count],
        ["kubemq_targets_responses_volume", expected.response_volume],
        ["kubemq_targets_errors_count", expected.errors_count],
      ] as const
    ) {
      assert.deepEqual(samples(metrics, name), [{ labels, value }], name);
    }
    const [start] = samples(metrics, "process_start_time_seconds");
    assert.ok(start && start.value >= startedAt - 1 && start.value <= Date.now() / 1000, metrics);
    const [cpu] = samples(metrics, "process_cpu_seconds_total");
    assert.ok(cpu && cpu.value > 0, "process_cpu_seconds_total");
    const [rss] = samples(metrics, "process_resident_memory_bytes");
    assert.ok(rss && rss.value > 10 * 1024 * 1024, "process_resident_memory_bytes");
  } finally {
    client.close();
    await deleteTestBucketFully(bucket, s3).catch(() => {});
    s3.destroy();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("compat: config.yaml wins over CONFIG; bindings: [] serves the API", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(
    `${dir}/config.yaml`,
    "apiPort: 0\napiHost: 127.0.0.1\nlogFormat: json\nbindings: []\n",
  );
  // Had CONFIG been read, /bindings would list this binding.
  const other = JSON.stringify({
    apiPort: 0,
    apiHost: "127.0.0.1",
    logFormat: "json",
    bindings: [{
      name: "from-config-variable",
      source: { kind: "kubemq.query", properties: { address: "127.0.0.1:1", channel: "c" } },
      target: { kind: "aws.s3", properties: { region: "us-east-1" } },
    }],
  });
  try {
    // No flag: --config defaults to config.yaml, in the working directory.
    await using connector = await startConnectorWithConfig(`${dir}/config.yaml`, {
      args: [],
      cwd: dir,
      env: { CONFIG: other },
    });
    const get = (path: string) => fetch(`${connector.apiUrl}${path}`);
    assert.equal(await (await get("/health")).text(), "ok");
    assert.equal(await (await get("/ready")).text(), "ready");
    assert.deepEqual(await (await get("/bindings")).json(), []);
    assert.deepEqual(await (await get("/bindings/stats")).json(), []);
    const metrics = await get("/metrics");
    assert.equal(metrics.status, 200);
    const text = await metrics.text();
    assert.equal(samples(text, "process_cpu_seconds_total").length, 1, text);
    assert.equal(samples(text, "process_resident_memory_bytes").length, 1, text);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
