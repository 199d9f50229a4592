/**
 * TLS with a private CA and the auth token, through the real process and a broker that checks
 * both.
 */
import assert from "node:assert/strict";
import { decodeResponse, encodeRequest } from "../../../lib/wire.ts";
import { startTestBroker } from "../../../testing/broker.ts";
import { startConnector } from "../../../testing/connector.ts";
import { createKubemqClient } from "../../../testing/kubemq_client.ts";
import { startStack } from "../../../testing/stack.ts";
import { poll, ready } from "./_support.ts";

const dec = new TextDecoder();

async function openssl(dir: string, ...args: string[]): Promise<void> {
  const out = await new Deno.Command("openssl", { args, cwd: dir, stdout: "null", stderr: "piped" })
    .output();
  if (!out.success) throw new Error(`openssl ${args[0]} failed: ${dec.decode(out.stderr)}`);
}

/** A private CA, a server certificate for 127.0.0.1 and localhost signed by it, another CA. */
async function makeCerts(dir: string) {
  for (const ca of ["ca", "other-ca"]) {
    await openssl(
      dir,
      ..."req -x509 -newkey rsa:2048 -nodes -days 2".split(" "),
      ...["-keyout", `${ca}.key`, "-out", `${ca}.pem`, "-subj", `/CN=${ca}`],
    );
  }
  await openssl(
    dir,
    ..."req -newkey rsa:2048 -nodes -subj /CN=kubemq-test".split(" "),
    ...["-keyout", "server.key", "-out", "server.csr"],
  );
  await Deno.writeTextFile(`${dir}/server.cnf`, "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
  await openssl(
    dir,
    ..."x509 -req -days 2 -CAcreateserial -in server.csr -CA ca.pem -CAkey ca.key".split(" "),
    ...["-out", "server.pem", "-extfile", "server.cnf"],
  );
  return {
    ca: `${dir}/ca.pem`,
    otherCa: `${dir}/other-ca.pem`,
    server: { certFile: `${dir}/server.pem`, keyFile: `${dir}/server.key` },
  };
}

/** /ready's reasons per binding once it answers 503 with one. */
function notReadyReason(apiUrl: string, match: RegExp): Promise<string> {
  return poll(`/ready to report ${match}`, async () => {
    const { status, body } = await ready(apiUrl);
    const reason = (body as { bindings?: { reason: string }[] }).bindings?.[0]?.reason;
    return status === 503 && reason !== undefined && match.test(reason) ? reason : undefined;
  }, 15_000);
}

Deno.test("TLS with a private CA works end to end; another CA is refused with a clear /ready reason", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "kubemq-s3-e2e-tls-" });
  try {
    const certs = await makeCerts(dir);
    await using broker = await startTestBroker({ tls: certs.server });

    await t.step("the right CA: subscribed, ready, queries answered", async () => {
      const channel = `e2e.tls.${Date.now().toString(36)}`;
      await using connector = await startConnector({
        bindings: [{
          source: { address: broker.address, channel, tls: "true", ca_cert: certs.ca },
        }],
      });
      assert.equal((await ready(connector.apiUrl)).status, 200);
      using client = createKubemqClient({
        address: broker.address,
        tls: { ca: await Deno.readFile(certs.ca), serverName: "localhost" },
      });
      const reply = await client.sendQuery({
        channel,
        body: encodeRequest({ metadata: { method: "list_buckets" }, data: null }),
        timeoutMs: 30_000,
      });
      assert.equal(reply.executed, true, reply.error);
      const res = decodeResponse(reply.body);
      assert.equal(res.isError, false, res.error);
    });

    await t.step("another CA: not ready, lastError names the certificate problem", async () => {
      const channel = `e2e.tls.other.${Date.now().toString(36)}`;
      await using connector = await startConnector({
        bindings: [{
          source: { address: broker.address, channel, tls: "true", ca_cert: certs.otherCa },
        }],
        waitReady: false,
      });
      const reason = await notReadyReason(connector.apiUrl, /certificate/);
      assert.match(
        reason,
        /^source not subscribed: Ping to 127\.0\.0\.1:\d+ failed: UNAVAILABLE: .*certificate/,
      );
      assert.equal((await broker.stats()).subscriptions, 0, "no subscription got through");
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("auth_token is sent on Subscribe and SendResponse and checked by the broker", async () => {
  const token = `e2e-token-${crypto.randomUUID()}`;
  await using stack = await startStack({
    broker: { authToken: token },
    source: { auth_token: token },
  });
  const res = await stack.ask({ method: "list_buckets" });
  assert.equal(res.isError, false, res.error);
  const tokens = (await stack.broker.stats()).authTokens;
  assert.equal(tokens.SubscribeToRequests, token);
  assert.equal(tokens.SendResponse, token);
  assert.equal(tokens.Ping, token);
  assert.deepEqual(
    stack.connector.lines().filter((l) => l.includes(token)),
    [],
    "token not logged",
  );
});

Deno.test("a wrong auth_token: /ready 503 naming UNAUTHENTICATED, the token in no log line", async () => {
  const token = `e2e-token-${crypto.randomUUID()}`;
  const wrong = `wrong-token-${crypto.randomUUID()}`;
  await using broker = await startTestBroker({ authToken: token });
  const channel = `e2e.auth.${Date.now().toString(36)}`;
  await using connector = await startConnector({
    bindings: [{ source: { address: broker.address, channel, auth_token: wrong } }],
    waitReady: false,
  });
  const reason = await notReadyReason(connector.apiUrl, /UNAUTHENTICATED/);
  assert.match(
    reason,
    /^source not subscribed: Ping to 127\.0\.0\.1:\d+ failed: UNAUTHENTICATED: /,
  );
  assert.doesNotMatch(reason, new RegExp(wrong));
  assert.equal((await broker.stats()).subscriptions, 0);
  // Let a reconnect attempt or two be logged too before looking.
  await connector.waitForLog((r) => typeof r.error === "string" && /UNAUTHENTICATED/.test(r.error));
  assert.deepEqual(connector.lines().filter((l) => l.includes(wrong)), [], "token not logged");
});
