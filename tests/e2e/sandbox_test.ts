/**
 * The sandbox, proven through the real start path (the connector started with
 * permissions.flags, as `deno task start` does):
 * - with KUBEMQ_S3_SANDBOX_SELFTEST set, the worker's attempts to reach an unlisted loopback
 *   port, resolve a name, read or write a file, spawn a process and read PATH all fail with
 *   Deno's permission error, and the connector keeps serving;
 * - a full run with an auth token, an S3 secret key and a session token (inline and through
 *   `${ENV}`) never shows any of them in its logs or HTTP API output.
 */
import assert from "node:assert/strict";
import { decodeResponse, encodeRequest } from "../../lib/wire.ts";
import { startTestBroker } from "../../testing/broker.ts";
import { startConnector, testTargetProperties } from "../../testing/connector.ts";
import { createKubemqClient } from "../../testing/kubemq_client.ts";
import { deleteTestBucketFully, s3TestEnv, uniqueBucketName } from "../../testing/s3.ts";
import { startStack } from "../../testing/stack.ts";

const denied = (what: string, target: string, flag: string) =>
  `Requires ${what} access to ${target}, run again with the --allow-${flag} flag`;

Deno.test("e2e sandbox: an unlisted connection, DNS lookup, file read and write, spawn and env read fail with NotCapable while queries are served", async () => {
  // A real listener, so that a permitted connection would succeed rather than be refused.
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const probeAddress = `127.0.0.1:${listener.addr.port}`;
  const accepted = listener.accept().then(() => "accepted", () => "closed");
  await using stack = await startStack({ env: { KUBEMQ_S3_SANDBOX_SELFTEST: probeAddress } });

  const isProbe = (r: Record<string, unknown>) => r.logger === "kubemq-s3.sandbox";
  await stack.connector.waitForLog((r) => isProbe(r) && r.probe === "env (node:process)");
  const probes = stack.connector.records().filter(isProbe)
    .map(({ probe, target, denied, error, detail }) => ({ probe, target, denied, error, detail }));
  const notCapable = (probe: string, target: string, detail: string) => ({
    probe,
    target,
    denied: true,
    error: "NotCapable",
    detail,
  });
  const net = denied("net", `"${probeAddress}"`, "net");
  const read = denied("read", '"/etc/hostname"', "read");
  const env = denied("env", '"PATH"', "env");
  assert.deepEqual(probes.slice(0, 2), [
    notCapable("net.connect (Deno)", probeAddress, net),
    notCapable("net.connect (node:net)", probeAddress, net),
  ]);
  // The lookup goes to the system resolver's address, which is not listed either.
  assert.equal(probes[2]?.probe, "dns.resolve (Deno)");
  assert.equal(probes[2]?.error, "NotCapable");
  assert.match(String(probes[2]?.detail), /^Requires net access to "[^"]+:53", run again/);
  assert.deepEqual(probes.slice(3), [
    notCapable("read (Deno)", "/etc/hostname", read),
    notCapable("read (node:fs)", "/etc/hostname", read),
    notCapable("write (Deno)", "a temp file", denied("write", "<TMP>", "write")),
    notCapable("run (Deno)", "true", denied("run", '"true"', "run")),
    notCapable("env (Deno)", "PATH", env),
    notCapable("env (node:process)", "PATH", env),
  ]);
  // None of them was allowed to get anywhere, and the connector still serves queries.
  const res = await stack.ask({ method: "list_buckets" });
  assert.equal(res.isError, false, res.error);
  listener.close();
  assert.equal(await accepted, "closed");
  // The self-test address is not in the worker's allow-list that the connector logged.
  const started = stack.connector.records().find((r) =>
    String(r.message).startsWith("Starting with configuration")
  );
  const permissions = started?.permissions as { net: string[] } | undefined;
  assert.ok(permissions?.net.includes(stack.broker.address), JSON.stringify(permissions));
  assert.equal(permissions?.net.includes(probeAddress), false);
});

Deno.test("e2e sandbox: a broker named by host name is reached, and another port of that host is refused", async () => {
  await using broker = await startTestBroker();
  // Another port of the same host, with a real listener behind it.
  using other = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const accepted = other.accept().then(() => "accepted", () => "closed");
  const otherAddress = `localhost:${other.addr.port}`;
  const channel = `e2e.sandbox.named.${Date.now().toString(36)}`;
  await using connector = await startConnector({
    bindings: [{ source: { address: `localhost:${broker.port}`, channel } }],
    env: { KUBEMQ_S3_SANDBOX_SELFTEST: otherAddress },
  });
  // Resolving "localhost" passed with localhost:<port> alone: the connector subscribed.
  await broker.waitForSubscribers(channel, 1, 10_000);
  const started = connector.records().find((r) =>
    String(r.message).startsWith("Starting with configuration")
  );
  const net = (started?.permissions as { net: string[] }).net;
  assert.ok(net.includes(`localhost:${broker.port}`), net.join(", "));
  assert.ok(!net.includes("localhost"), `the bare name is listed: ${net.join(", ")}`);
  assert.deepEqual(net.filter((n) => n.startsWith("localhost")), [`localhost:${broker.port}`]);

  const isProbe = (r: Record<string, unknown>) => r.logger === "kubemq-s3.sandbox";
  await connector.waitForLog((r) => isProbe(r) && r.probe === "env (node:process)");
  const probes = connector.records().filter((r) => isProbe(r) && r.target === otherAddress)
    .map(({ probe, denied, error, detail }) => ({ probe, denied, error, detail }));
  assert.deepEqual(probes[0], {
    probe: "net.connect (Deno)",
    denied: true,
    error: "NotCapable",
    detail: denied("net", `"${otherAddress}"`, "net"),
  });
  // node:net resolves the name first, with the port: the permission check refuses that lookup
  // (Deno reports it as getaddrinfo EPERM).
  assert.equal(probes[1]?.probe, "net.connect (node:net)");
  assert.match(String(probes[1]?.detail), /^getaddrinfo EPERM localhost$/);
  assert.equal(probes.length, 2);
  using client = createKubemqClient({ address: broker.address });
  const res = await client.sendQuery({
    channel,
    body: encodeRequest({ metadata: { method: "list_buckets" }, data: null }),
    timeoutMs: 10_000,
  });
  assert.equal(decodeResponse(res.body).isError, false);
  other.close();
  assert.equal(await accepted, "closed", "nothing reached the other port");
});

Deno.test("e2e sandbox: without KUBEMQ_S3_SANDBOX_SELFTEST no probe runs", async () => {
  await using stack = await startStack();
  const res = await stack.ask({ method: "list_buckets" });
  assert.equal(res.isError, false, res.error);
  assert.deepEqual(stack.connector.records().filter((r) => r.logger === "kubemq-s3.sandbox"), []);
});

Deno.test("e2e secrets: a full run's logs and HTTP API output contain no auth token, S3 secret key or session token", async () => {
  const authToken = `auth-${crypto.randomUUID()}`;
  const sessionToken = `session-${crypto.randomUUID()}`;
  const s3Secret = s3TestEnv().secretKey;
  await using broker = await startTestBroker({ authToken });
  const inline = `e2e.secrets.inline.${crypto.randomUUID()}`;
  const fromEnv = `e2e.secrets.env.${crypto.randomUUID()}`;
  const connector = await startConnector({
    top: { enableRequestApi: "true" },
    env: { E2E_KUBEMQ_TOKEN: authToken, E2E_S3_SECRET: s3Secret },
    bindings: [
      {
        // Every secret written inline in the config file.
        name: "inline",
        properties: { log_level: "debug" },
        source: { address: broker.address, channel: inline, auth_token: authToken },
        target: testTargetProperties(),
      },
      {
        // The same secrets through ${ENV}, plus a session token (which radosgw ignores).
        name: "from-env",
        properties: { log_level: "debug" },
        source: { address: broker.address, channel: fromEnv, auth_token: "${E2E_KUBEMQ_TOKEN}" },
        target: {
          ...testTargetProperties(),
          aws_secret_key: "${E2E_S3_SECRET}",
          token: sessionToken,
        },
      },
    ],
  });
  const api: string[] = [];
  const bucket = uniqueBucketName("secrets");
  try {
    await broker.waitForSubscribers(inline, 1, 10_000);
    await broker.waitForSubscribers(fromEnv, 1, 10_000);
    using client = createKubemqClient({ address: broker.address, authToken });
    const ask = async (channel: string, metadata: Record<string, string>, data?: Uint8Array) => {
      const res = await client.sendQuery({
        channel,
        body: encodeRequest({ metadata, data: data ?? null }),
        timeoutMs: 30_000,
      });
      assert.equal(res.executed, true, res.error);
      return decodeResponse(res.body);
    };
    const created = await ask(inline, { method: "create_bucket", bucket_name: bucket });
    assert.equal(created.isError, false, created.error);
    const bytes = new TextEncoder().encode("not a secret");
    const up = await ask(
      inline,
      { method: "upload_item", bucket_name: bucket, item_name: "k" },
      bytes,
    );
    assert.equal(up.isError, false, up.error);
    const got = await ask(inline, { method: "get_item", bucket_name: bucket, item_name: "k" });
    assert.deepEqual(got.data, bytes);
    // Failures log and answer too: a missing key, an unknown method.
    const missing = await ask(inline, { method: "get_item", bucket_name: bucket, item_name: "x" });
    assert.equal(missing.isError, true);
    const unknown = await ask(inline, { method: "steal_secrets" });
    assert.equal(unknown.isError, true);
    const listed = await ask(fromEnv, { method: "list_buckets" });
    assert.equal(listed.isError, false, listed.error);
    api.push(JSON.stringify(listed.metadata), new TextDecoder().decode(listed.data ?? undefined));
    // The secrets were really in use: the broker saw the token on the connector's calls.
    assert.equal((await broker.stats()).authTokens.SubscribeToRequests, authToken);

    for (const path of ["/health", "/ready", "/metrics", "/bindings", "/nowhere"]) {
      api.push(await (await fetch(`${connector.apiUrl}${path}`)).text());
    }
    const viaApi = await fetch(`${connector.apiUrl}/bindings/request`, {
      method: "POST",
      body: JSON.stringify({
        binding: "from-env",
        payload: { metadata: { method: "list_buckets" } },
      }),
    });
    api.push(await viaApi.text());
    assert.equal(await connector.stop("SIGTERM"), 0);
  } finally {
    await connector.stop("SIGKILL");
    await deleteTestBucketFully(bucket);
  }
  const logs = connector.lines().join("\n");
  // The capture is a real one: startup with the redacted config, requests, errors, shutdown.
  assert.match(logs, /"auth_token":"\*\*\*"/);
  assert.match(logs, /"aws_secret_key":"\*\*\*"/);
  assert.match(logs, /"token":"\*\*\*"/);
  assert.match(logs, /steal_secrets/);
  assert.match(logs, /"message":"Stopped"/);
  for (
    const [name, secret] of [["auth token", authToken], ["S3 secret key", s3Secret], [
      "session token",
      sessionToken,
    ]] as const
  ) {
    assert.equal(logs.includes(secret), false, `the ${name} appears in the logs`);
    for (const body of api) assert.equal(body.includes(secret), false, `the ${name} in ${body}`);
  }
});
