/**
 * Security through the real stack: the broker's auth token check, TLS with a private CA and
 * client certificates (a wrong CA fails closed), and wrong S3 credentials named without the
 * secret ever being echoed.
 */
import assert from "node:assert/strict";
import { startTestBroker } from "../../testing/broker.ts";
import { startConnector, testTargetProperties } from "../../testing/connector.ts";
import { createKubemqClient, type KubemqClientOptions } from "../../testing/kubemq_client.ts";
import { decodeResponse, encodeRequest } from "../../lib/wire.ts";
import { stopCountingCrashes } from "../../testing/crashes.ts";
import { waitUntil } from "../../testing/wait_until.ts";
import { area, probeApi } from "./_support.ts";
import type { TestConnector } from "../../testing/connector.ts";

/** Each test adds to the area's figures; the area records after each test, passed or failed. */
const security = area("security");
const { figures } = security;
const exits: string[] = [];
security.details.crashedExits = exits;

/** Stops a connector with SIGTERM and counts a crash from its exit status (not exit 0). */
async function stopChecked(connector: TestConnector): Promise<void> {
  const { crashes, exit } = await stopCountingCrashes(connector);
  figures.crashes += crashes;
  if (crashes) exits.push(exit);
  assert.equal(
    crashes,
    0,
    `the connector crashed: ${exit}\n${connector.lines().slice(-15).join("\n")}`,
  );
}
const dec = new TextDecoder();
let channelCounter = 0;

async function query(
  options: KubemqClientOptions,
  channel: string,
  metadata: Record<string, string>,
) {
  using client = createKubemqClient(options);
  const res = await client.sendQuery({
    channel,
    body: encodeRequest({ metadata, data: null }),
    timeoutMs: 10_000,
  }).catch((err) => {
    // The sender's record: a query with no answer is lost.
    figures.lost++;
    throw err;
  });
  figures.requestsServed++;
  return decodeResponse(res.body);
}

/** Waits until /ready answers 503 with a body matching `reason`; returns the body. */
async function notReadyBecause(apiUrl: string, reason: RegExp): Promise<string> {
  let text = "";
  await waitUntil(`/ready to say ${reason}`, async () => {
    const res = await fetch(`${apiUrl}/ready`);
    text = await res.text();
    return res.status === 503 && reason.test(text);
  });
  return text;
}

security.test("auth_token: the right token is accepted by the broker, a wrong one fails with a clear error and no readiness", async () => {
  const token = "right-token-8d1f";
  await using broker = await startTestBroker({ authToken: token });
  const channel = `sec.auth.${channelCounter++}.${Date.now()}`;
  {
    await using connector = await startConnector({
      bindings: [{ source: { address: broker.address, channel, auth_token: token } }],
    });
    await broker.waitForSubscribers(channel, 1, 10_000);
    const res = await query({ address: broker.address, authToken: token }, channel, {
      method: "list_buckets",
    });
    assert.equal(res.isError, false, res.error);
    assert.equal((await broker.stats()).authTokens.SubscribeToRequests, token);
    await stopChecked(connector);
  }
  const wrong = "wrong-token-77aa";
  await using connector = await startConnector({
    bindings: [{ source: { address: broker.address, channel: `${channel}.w`, auth_token: wrong } }],
    waitReady: false,
  });
  figures.faultsInjected++;
  const text = await notReadyBecause(connector.apiUrl, /UNAUTHENTICATED.*invalid auth token/);
  assert.doesNotMatch(text, new RegExp(wrong));
  assert.ok(!connector.lines().some((l) => l.includes(wrong)), "the token is never logged");
  assert.ok(
    connector.records().some((r) => /invalid auth token/.test(String(r.message))),
    "the log names the cause",
  );
  await stopChecked(connector);
  figures.casesTried += 2;
});

async function openssl(dir: string, ...args: string[]): Promise<void> {
  const out = await new Deno.Command("openssl", { args, cwd: dir, stdout: "null", stderr: "piped" })
    .output();
  if (!out.success) throw new Error(`openssl ${args[0]} failed: ${dec.decode(out.stderr)}`);
}

async function signed(dir: string, name: string, ca: string, ext: string): Promise<void> {
  await openssl(
    dir,
    ..."req -newkey rsa:2048 -nodes -subj".split(" "),
    `/CN=${name}`,
    ...["-keyout", `${name}.key`, "-out", `${name}.csr`],
  );
  await Deno.writeTextFile(`${dir}/${name}.cnf`, `${ext}\n`);
  await openssl(
    dir,
    ..."x509 -req -days 2 -CAcreateserial".split(" "),
    ...["-in", `${name}.csr`, "-CA", `${ca}.pem`, "-CAkey", `${ca}.key`],
    ...["-out", `${name}.pem`, "-extfile", `${name}.cnf`],
  );
}

security.test("TLS: a private CA with client certificates works, a missing client certificate or a wrong CA fails closed", async () => {
  const dir = await Deno.makeTempDir({ prefix: "reliability-tls-" });
  try {
    for (const ca of ["ca", "other-ca"]) {
      await openssl(
        dir,
        ..."req -x509 -newkey rsa:2048 -nodes -days 2".split(" "),
        ...["-keyout", `${ca}.key`, "-out", `${ca}.pem`, "-subj", `/CN=${ca}`],
      );
    }
    await signed(dir, "server", "ca", "subjectAltName=IP:127.0.0.1,DNS:localhost");
    await signed(dir, "client", "ca", "extendedKeyUsage=clientAuth");
    const f = (n: string) => `${dir}/${n}`;
    await using broker = await startTestBroker({
      tls: {
        certFile: f("server.pem"),
        keyFile: f("server.key"),
        caFile: f("ca.pem"),
        requireClientCert: true,
      },
    });
    const channel = `sec.tls.${channelCounter++}.${Date.now()}`;
    const tlsSource = (extra: Record<string, string>) => ({
      address: broker.address,
      channel,
      tls: "true",
      ...extra,
    });
    {
      await using connector = await startConnector({
        bindings: [{
          source: tlsSource({
            ca_cert: f("ca.pem"),
            client_cert: f("client.pem"),
            client_key: f("client.key"),
          }),
        }],
      });
      await broker.waitForSubscribers(channel, 1, 10_000);
      const res = await query(
        {
          address: broker.address,
          tls: {
            ca: await Deno.readFile(f("ca.pem")),
            cert: await Deno.readFile(f("client.pem")),
            key: await Deno.readFile(f("client.key")),
            serverName: "localhost",
          },
        },
        channel,
        { method: "list_buckets" },
      );
      assert.equal(res.isError, false, res.error);
      await stopChecked(connector);
    }
    for (
      const [name, extra] of [
        ["no client certificate", { ca_cert: f("ca.pem") }],
        ["wrong CA", {
          ca_cert: f("other-ca.pem"),
          client_cert: f("client.pem"),
          client_key: f("client.key"),
        }],
      ] as const
    ) {
      await using connector = await startConnector({
        bindings: [{ source: tlsSource({ ...extra }) }],
        waitReady: false,
      });
      figures.faultsInjected++;
      const text = await notReadyBecause(connector.apiUrl, /source not subscribed: Ping .* failed/);
      assert.match(
        text,
        /UNAVAILABLE|certificate|handshake|self.signed|alert/i,
        `${name}: ${text}`,
      );
      assert.equal((await broker.stats()).subscriptions, 0, `${name}: no subscription`);
      await stopChecked(connector);
      figures.casesTried++;
    }
    figures.casesTried++;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

security.test("wrong S3 credentials: errors name SignatureDoesNotMatch or AccessDenied and never echo the secret", async () => {
  await using broker = await startTestBroker();
  const channel = `sec.s3.${channelCounter++}.${Date.now()}`;
  const secret = "WRONG-secret-a1b2c3d4e5f6g7h8";
  await using connector = await startConnector({
    bindings: [{
      source: { address: broker.address, channel },
      target: { ...testTargetProperties(), aws_secret_key: secret },
    }],
    waitReady: false,
  });
  figures.faultsInjected++;
  await broker.waitForSubscribers(channel, 1, 10_000);
  const res = await query({ address: broker.address }, channel, { method: "list_buckets" });
  assert.equal(res.isError, true);
  assert.match(res.error, /SignatureDoesNotMatch|AccessDenied/);
  assert.match(res.metadata.error_code ?? "", /^(SignatureDoesNotMatch|AccessDenied)$/);
  const ready = await notReadyBecause(connector.apiUrl, /SignatureDoesNotMatch|AccessDenied/);
  const api = await probeApi(connector);
  for (const text of [res.error, JSON.stringify(res.metadata), ready, api.readyText]) {
    assert.ok(!text.includes(secret), "the secret is not echoed");
  }
  const bindings = await (await fetch(`${connector.apiUrl}/bindings`)).text();
  assert.ok(!bindings.includes(secret), "/bindings does not show the secret");
  assert.ok(!connector.lines().some((l) => l.includes(secret)), "the secret is never logged");
  figures.duplicated += (await broker.stats()).responsesDuplicate;
  await stopChecked(connector);
  figures.casesTried++;
});
