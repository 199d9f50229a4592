// The test broker honours the real KubeMQ server's query semantics, checked with kubemq-js 1.2.3
// as the client. Run: deno test -A tests/tools/broker/

import assert from "node:assert/strict";
import http2 from "node:http2";
import kubemqJs from "kubemq-js";
import {
  startTestBroker,
  type TestBroker,
  type TestBrokerOptions,
} from "../../../testing/broker.ts";
import {
  createKubemqClient,
  type KubemqTestClient,
  RequestType,
  type SendRequestOptions,
  SubscribeType,
} from "../../../testing/kubemq_client.ts";
import { guardSession } from "../../../lib/sources/kubemq/goaway_guard.ts";

const TIMEOUT_301 = "Error 301: timeout for request message";
const INTERNAL = 13;
const UNAVAILABLE = 14;
const UNAUTHENTICATED = 16;
const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface GrpcError {
  code: number;
  details: string;
}

/** Awaits a promise that must fail with a gRPC error, and returns code and details. */
async function grpcError(p: Promise<unknown>): Promise<GrpcError> {
  try {
    await p;
  } catch (err) {
    const e = err as Partial<GrpcError>;
    assert.equal(typeof e.code, "number", `expected a gRPC error, got ${err}`);
    return { code: e.code ?? -1, details: String(e.details) };
  }
  throw new Error("Expected the call to fail");
}

/** Retries `fn` until it resolves or `timeoutMs` passes. */
async function eventually<T>(fn: () => Promise<T>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await sleep(100);
    }
  }
}

/** One broker and one client per test; both are cleaned up whatever happens. */
async function withBroker(
  fn: (broker: TestBroker, client: KubemqTestClient) => Promise<void>,
  opts: TestBrokerOptions = {},
) {
  await using broker = await startTestBroker(opts);
  using client = createKubemqClient({ address: broker.address });
  await fn(broker, client);
}

Deno.test("ping answers with server info", () =>
  withBroker(async (_broker, client) => {
    const info = await client.ping();
    assert.equal(info.version, "kubemq-test-broker");
    assert.ok(info.host.length > 0);
    assert.ok(info.serverStartTime > 1_600_000_000);
    assert.ok(info.serverUpTimeSeconds >= 0);
  }));

Deno.test("a query round trip carries the responder's fields byte for byte", () =>
  withBroker(async (broker, client) => {
    const body = new Uint8Array(256).map((_, i) => i);
    const sub = client.subscribe({ channel: "rt", clientId: "responder" }, (req) => ({
      body: req.body.slice().reverse(),
      metadata: `re:${req.metadata}`,
      executed: true,
      error: "partial",
      timestamp: 1_700_000_000_123,
      tags: { k: "v", "ü": "ß" },
      clientId: "responder-id",
    }));
    await broker.waitForSubscribers("rt", 1);
    const res = await client.sendQuery({
      channel: "rt",
      body,
      metadata: "meta",
      timeoutMs: 2000,
      requestId: "req-1",
      tags: { a: "1" },
      clientId: "sender",
    });
    assert.deepEqual(res.body, body.slice().reverse());
    assert.equal(res.metadata, "re:meta");
    assert.equal(res.executed, true);
    assert.equal(res.error, "partial");
    assert.equal(res.timestamp, 1_700_000_000_123);
    assert.deepEqual(res.tags, { k: "v", "ü": "ß" });
    assert.equal(res.clientId, "responder-id");
    assert.equal(res.requestId, "req-1");
    assert.equal(res.replyChannel, "");

    const [got] = sub.received;
    assert.ok(got);
    assert.deepEqual(got.body, body);
    assert.equal(got.requestId, "req-1");
    assert.equal(got.clientId, "sender");
    assert.equal(got.channel, "rt");
    assert.equal(got.metadata, "meta");
    assert.equal(got.timeoutMs, 2000);
    assert.equal(got.requestType, RequestType.Query);
    assert.deepEqual(got.tags, { a: "1" });
    await sub.close();
    assert.deepEqual(sub.errors, []);
  }));

Deno.test("every ungrouped subscriber receives each query", () =>
  withBroker(async (broker, client) => {
    const a = client.subscribeQueries("fan", "", () => ({ executed: true, body: enc("a") }));
    const b = client.subscribeQueries("fan", "", () => undefined);
    await broker.waitForSubscribers("fan", 2);
    for (let i = 0; i < 3; i++) {
      const res = await client.sendQuery({ channel: "fan", body: enc(`q${i}`), timeoutMs: 2000 });
      assert.equal(dec(res.body), "a");
    }
    await sleep(50);
    assert.deepEqual(a.received.map((r) => dec(r.body)), ["q0", "q1", "q2"]);
    assert.deepEqual(b.received.map((r) => dec(r.body)), ["q0", "q1", "q2"]);
    await Promise.all([a.close(), b.close()]);
  }));

Deno.test("one member of a group receives each query, and all members get a share", () =>
  withBroker(async (broker, client) => {
    const reply = () => ({ executed: true, body: enc("ok") });
    const m1 = client.subscribeQueries("grp", "g", reply);
    const m2 = client.subscribeQueries("grp", "g", reply);
    const solo = client.subscribeQueries("grp", "", () => undefined);
    await broker.waitForSubscribers("grp", 3);
    for (let i = 0; i < 50; i++) {
      const res = await client.sendQuery({ channel: "grp", body: enc(`${i}`), timeoutMs: 2000 });
      assert.equal(res.executed, true);
    }
    await sleep(50);
    assert.equal(m1.received.length + m2.received.length, 50);
    assert.ok(m1.received.length > 0, "member 1 got none");
    assert.ok(m2.received.length > 0, "member 2 got none");
    const ids = new Set([...m1.received, ...m2.received].map((r) => r.requestId));
    assert.equal(ids.size, 50, "a query reached both members");
    assert.equal(solo.received.length, 50);
    await Promise.all([m1.close(), m2.close(), solo.close()]);
  }));

Deno.test("the server assigns a unique reply channel that the responder must echo", () =>
  withBroker(async (broker, client) => {
    const seen: string[] = [];
    const sub = client.subscribeQueries("rc", "", (req) => {
      seen.push(req.replyChannel);
      return { executed: true, body: enc("x") };
    });
    await broker.waitForSubscribers("rc", 1);
    await client.sendQuery({
      channel: "rc",
      body: enc("1"),
      timeoutMs: 2000,
      replyChannel: "mine",
    });
    await client.sendQuery({
      channel: "rc",
      body: enc("2"),
      timeoutMs: 2000,
      replyChannel: "mine",
    });
    assert.equal(seen.length, 2);
    for (const rc of seen) {
      assert.ok(rc.length > 0);
      assert.notEqual(rc, "mine");
    }
    assert.notEqual(seen[0], seen[1]);
    await sub.close();

    // A response to any other reply channel does not reach the sender.
    const wrong = client.subscribeQueries("rc2", "", () => undefined);
    await broker.waitForSubscribers("rc2", 1);
    const pending = grpcError(client.sendQuery({ channel: "rc2", body: enc("x"), timeoutMs: 400 }));
    await sleep(100);
    const [req] = wrong.received;
    assert.ok(req);
    await client.sendResponse({ requestId: req.requestId, replyChannel: "_INBOX.other" });
    assert.deepEqual(await pending, { code: INTERNAL, details: TIMEOUT_301 });
    await wrong.close();
  }));

Deno.test("the first response wins and later ones are dropped without error", () =>
  withBroker(async (broker, client) => {
    const fast = client.subscribeQueries(
      "first",
      "",
      () => ({ executed: true, body: enc("fast") }),
    );
    const slow = client.subscribeQueries("first", "", async () => {
      await sleep(150);
      return { executed: true, body: enc("slow") };
    });
    await broker.waitForSubscribers("first", 2);
    const res = await client.sendQuery({ channel: "first", body: enc("q"), timeoutMs: 2000 });
    assert.equal(dec(res.body), "fast");
    await sleep(300);
    await Promise.all([fast.close(), slow.close()]);
    assert.deepEqual(fast.errors, []);
    assert.deepEqual(slow.errors, [], "the late SendResponse must succeed");
    const stats = await broker.stats();
    assert.equal(stats.responses, 2);
    assert.equal(stats.responsesDelivered, 1);
    assert.equal(stats.responsesDropped, 1);
  }));

Deno.test("a query with no subscriber fails after its full timeout with Error 301", () =>
  withBroker(async (broker, client) => {
    const started = performance.now();
    const err = await grpcError(
      client.sendQuery({ channel: "nobody", body: enc("q"), timeoutMs: 300 }),
    );
    const elapsed = performance.now() - started;
    assert.deepEqual(err, { code: INTERNAL, details: TIMEOUT_301 });
    assert.ok(elapsed >= 300, `failed after ${elapsed} ms`);
    assert.equal((await broker.stats()).timeouts, 1);
  }));

Deno.test("a query nobody answers fails after its full timeout, and a late answer succeeds", () =>
  withBroker(async (broker, client) => {
    const sub = client.subscribeQueries("mute", "", () => undefined);
    await broker.waitForSubscribers("mute", 1);
    const started = performance.now();
    const err = await grpcError(
      client.sendQuery({ channel: "mute", body: enc("q"), timeoutMs: 300 }),
    );
    const elapsed = performance.now() - started;
    assert.deepEqual(err, { code: INTERNAL, details: TIMEOUT_301 });
    assert.ok(elapsed >= 300, `failed after ${elapsed} ms`);
    const [req] = sub.received;
    assert.ok(req);
    await client.sendResponse({ requestId: req.requestId, replyChannel: req.replyChannel });
    await sub.close();
  }));

Deno.test("SendRequest validation errors come in the server's order", () =>
  withBroker(async (_broker, client) => {
    const ok: SendRequestOptions & { requestType: number } = {
      channel: "c",
      body: enc("b"),
      timeoutMs: 1000,
      requestType: RequestType.Query,
    };
    const cases: [Partial<typeof ok>, string][] = [
      [{ clientId: "", channel: "" }, "Error 101: invalid clientID value, cannot be empty"],
      [{ channel: "", timeoutMs: 0 }, "Error 102: invalid channel value, cannot be empty"],
      [{ channel: "a b.", timeoutMs: 0 }, "Error 119: invalid channel value, cannot end with `.`"],
      [{ channel: "a b*" }, "Error 108: invalid channel value, no white spaces are allowed"],
      [{ channel: "a\tb" }, "Error 108: invalid channel value, no white spaces are allowed"],
      [
        { channel: "a.*", timeoutMs: 0 },
        "Error 107: invalid channel value, no wildcards are allowed",
      ],
      [{ channel: "a.>" }, "Error 107: invalid channel value, no wildcards are allowed"],
      [
        { timeoutMs: 0, body: new Uint8Array() },
        "Error 109: invalid set timeout value, cannot be 0 or negative",
      ],
      [{ timeoutMs: -5 }, "Error 109: invalid set timeout value, cannot be 0 or negative"],
      [{ body: new Uint8Array(), requestType: 7 }, "Error 115: invalid request, cannot be empty"],
      [{ requestType: 0 }, "Error 206: invalid request type"],
      [{ requestType: 3 }, "Error 206: invalid request type"],
    ];
    for (const [override, expected] of cases) {
      const err = await grpcError(client.sendRequest({ ...ok, ...override }));
      assert.deepEqual(err, { code: INTERNAL, details: expected }, JSON.stringify(override));
    }
    // Metadata alone is a valid request (it times out: nobody listens).
    const err = await grpcError(
      client.sendQuery({ channel: "c", metadata: "m", timeoutMs: 50 }),
    );
    assert.equal(err.details, TIMEOUT_301);
  }));

Deno.test("SubscribeToRequests validation errors end the stream in the server's order", () =>
  withBroker(async (broker, client) => {
    const cases: [{ channel: string; clientId?: string; type?: number }, string][] = [
      [{ channel: "", clientId: "" }, "Error 101: invalid clientID value, cannot be empty"],
      [{ channel: "", type: 9 }, "Error 102: invalid channel value, cannot be empty"],
      [{ channel: "a b.", type: 9 }, "Error 119: invalid channel value, cannot end with `.`"],
      [
        { channel: "a b", type: 9 },
        "Error 108: invalid channel value, no white spaces are allowed",
      ],
      [{ channel: "a", type: 0 }, "Error 207: invalid subscribe type"],
      [{ channel: "a", type: 1 }, "Error 207: invalid subscribe type"],
    ];
    for (const [opts, expected] of cases) {
      const sub = client.subscribe(opts, () => undefined);
      assert.deepEqual(
        await sub.status,
        { code: INTERNAL, details: expected },
        JSON.stringify(opts),
      );
    }
    assert.equal((await broker.stats()).subscriptions, 0);
  }));

Deno.test("SendResponse validation errors come in the server's order", () =>
  withBroker(async (_broker, client) => {
    const ok = { requestId: "r", replyChannel: "_INBOX.x" };
    const cases: [{ requestId?: string; replyChannel?: string; clientId?: string }, string][] = [
      [{ clientId: "", replyChannel: "" }, "Error 101: invalid clientID value, cannot be empty"],
      [{ replyChannel: "", requestId: "" }, "Error 102: invalid channel value, cannot be empty"],
      [
        { replyChannel: "a b.", requestId: "" },
        "Error 119: invalid channel value, cannot end with `.`",
      ],
      [{ replyChannel: "a b*" }, "Error 108: invalid channel value, no white spaces are allowed"],
      [
        { replyChannel: "a.*", requestId: "" },
        "Error 107: invalid channel value, no wildcards are allowed",
      ],
      [{ requestId: "" }, "Error 117: invalid request id, cannot be empty"],
    ];
    for (const [override, expected] of cases) {
      const err = await grpcError(client.sendResponse({ ...ok, ...override }));
      assert.deepEqual(err, { code: INTERNAL, details: expected }, JSON.stringify(override));
    }
    // A well-formed response to an unknown request still succeeds.
    await client.sendResponse(ok);
  }));

Deno.test("commands and queries are separate namespaces", () =>
  withBroker(async (broker, client) => {
    const commands = client.subscribe(
      { channel: "ns", type: SubscribeType.Commands },
      () => ({ executed: true, body: enc("command") }),
    );
    await broker.waitForSubscribers("ns", 1);
    const err = await grpcError(
      client.sendQuery({ channel: "ns", body: enc("q"), timeoutMs: 200 }),
    );
    assert.equal(err.details, TIMEOUT_301);
    assert.equal(commands.received.length, 0);

    const queries = client.subscribeQueries(
      "ns",
      "",
      () => ({ executed: true, body: enc("query") }),
    );
    await broker.waitForSubscribers("ns", 2);
    const q = await client.sendQuery({ channel: "ns", body: enc("q"), timeoutMs: 2000 });
    const c = await client.sendCommand({ channel: "ns", body: enc("c"), timeoutMs: 2000 });
    assert.equal(dec(q.body), "query");
    assert.equal(dec(c.body), "command");
    assert.deepEqual(commands.received.map((r) => r.requestType), [RequestType.Command]);
    assert.deepEqual(queries.received.map((r) => r.requestType), [RequestType.Query]);
    await Promise.all([commands.close(), queries.close()]);
  }));

Deno.test("wildcard subscriptions match with NATS token semantics", () =>
  withBroker(async (broker, client) => {
    const star = client.subscribeQueries(
      "orders.*",
      "",
      () => ({ executed: true, body: enc("*") }),
    );
    const rest = client.subscribeQueries("orders.>", "", () => undefined);
    await broker.waitForSubscribers("orders.eu", 2);
    const one = await client.sendQuery({ channel: "orders.eu", body: enc("1"), timeoutMs: 2000 });
    assert.equal(dec(one.body), "*");
    // `*` is exactly one token: orders.eu.x only reaches `>`, which does not answer.
    const err = await grpcError(
      client.sendQuery({ channel: "orders.eu.x", body: enc("2"), timeoutMs: 200 }),
    );
    assert.equal(err.details, TIMEOUT_301);
    // `>` needs at least one token after the prefix.
    await grpcError(client.sendQuery({ channel: "orders", body: enc("3"), timeoutMs: 100 }));
    assert.deepEqual(star.received.map((r) => r.channel), ["orders.eu"]);
    assert.deepEqual(rest.received.map((r) => r.channel), ["orders.eu", "orders.eu.x"]);
    await Promise.all([star.close(), rest.close()]);
  }));

Deno.test("an auth token is required on every RPC and recorded", async () => {
  await using broker = await startTestBroker({ authToken: "s3cret" });
  using none = createKubemqClient({ address: broker.address });
  using wrong = createKubemqClient({ address: broker.address, authToken: "nope" });
  using right = createKubemqClient({ address: broker.address, authToken: "s3cret" });

  const missing = await grpcError(none.ping());
  assert.equal(missing.code, UNAUTHENTICATED);
  assert.match(missing.details, /missing "authorization"/);
  for (
    const call of [
      wrong.ping(),
      wrong.sendQuery({ channel: "a", body: enc("x"), timeoutMs: 100 }),
      wrong.sendResponse({ requestId: "r", replyChannel: "_INBOX.x" }),
    ]
  ) {
    const err = await grpcError(call);
    assert.equal(err.code, UNAUTHENTICATED);
    assert.match(err.details, /invalid auth token/);
  }
  const rejected = wrong.subscribeQueries("a", "", () => undefined);
  assert.equal((await rejected.status).code, UNAUTHENTICATED);

  await right.ping();
  const sub = right.subscribeQueries("a", "", (req) => ({ executed: true, body: req.body }));
  await broker.waitForSubscribers("a", 1);
  const res = await right.sendQuery({ channel: "a", body: enc("hi"), timeoutMs: 2000 });
  assert.equal(dec(res.body), "hi");
  await sub.close();
  assert.deepEqual(sub.errors, []);
  assert.deepEqual((await broker.stats()).authTokens, {
    Ping: "s3cret",
    SubscribeToRequests: "s3cret",
    SendRequest: "s3cret",
    SendResponse: "s3cret",
  });
});

/** Runs openssl; throws with its stderr on failure. */
async function openssl(cwd: string, ...args: string[]) {
  const out = await new Deno.Command("openssl", { args, cwd, stdout: "null", stderr: "piped" })
    .output();
  if (!out.success) {
    throw new Error(`openssl ${args[0]} failed: ${new TextDecoder().decode(out.stderr)}`);
  }
}

/** A private CA and a server certificate for 127.0.0.1/localhost signed by it. */
async function makeCerts(dir: string) {
  await Deno.writeTextFile(
    `${dir}/san.ext`,
    "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n",
  );
  for (const ca of ["ca", "other-ca"]) {
    await openssl(
      dir,
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-days",
      "1",
      "-subj",
      `/CN=${ca}`,
      "-keyout",
      `${ca}.key`,
      "-out",
      `${ca}.pem`,
    );
  }
  await openssl(
    dir,
    "req",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-subj",
    "/CN=localhost",
    "-keyout",
    "server.key",
    "-out",
    "server.csr",
  );
  await openssl(
    dir,
    "x509",
    "-req",
    "-in",
    "server.csr",
    "-CA",
    "ca.pem",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-days",
    "1",
    "-extfile",
    "san.ext",
    "-out",
    "server.pem",
  );
}

Deno.test("TLS with a private CA: trusted CA works, another CA fails", async () => {
  const dir = await Deno.makeTempDir({ prefix: "broker-tls-" });
  try {
    await makeCerts(dir);
    await using broker = await startTestBroker({
      tls: { certFile: `${dir}/server.pem`, keyFile: `${dir}/server.key` },
    });
    const ca = await Deno.readTextFile(`${dir}/ca.pem`);
    {
      using client = createKubemqClient({ address: `localhost:${broker.port}`, tls: { ca } });
      await client.ping();
      const sub = client.subscribeQueries("tls", "", (req) => ({ executed: true, body: req.body }));
      await broker.waitForSubscribers("tls", 1);
      const res = await client.sendQuery({ channel: "tls", body: enc("secure"), timeoutMs: 2000 });
      assert.equal(dec(res.body), "secure");
      await sub.close();
    }
    {
      // By IP: Deno refuses an IP as the SNI name, so the helper needs a name to verify.
      assert.throws(
        () => createKubemqClient({ address: broker.address, tls: { ca } }),
        /serverName/,
      );
      using byIp = createKubemqClient({
        address: broker.address,
        tls: { ca, serverName: "localhost" },
      });
      await byIp.ping();
    }
    {
      const other = await Deno.readTextFile(`${dir}/other-ca.pem`);
      using client = createKubemqClient({
        address: `localhost:${broker.port}`,
        tls: { ca: other },
      });
      assert.equal((await grpcError(client.ping())).code, UNAVAILABLE);
    }
    {
      using plain = createKubemqClient({ address: broker.address });
      assert.equal((await grpcError(plain.ping())).code, UNAVAILABLE);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a 20 MiB query body round trips with raised client limits", () =>
  withBroker(async (broker, client) => {
    const body = new Uint8Array(20 * 1024 * 1024);
    for (let i = 0; i < body.length; i += 4096) body[i] = i % 251;
    body[body.length - 1] = 7;
    const sub = client.subscribeQueries("big", "", (req) => ({ executed: true, body: req.body }));
    await broker.waitForSubscribers("big", 1);
    const res = await client.sendQuery({ channel: "big", body, timeoutMs: 20_000 });
    assert.equal(res.body.length, body.length);
    assert.ok(res.body.every((b, i) => b === body[i]), "body bytes differ");
    await sub.close();
    assert.deepEqual(sub.errors, []);
  }));

Deno.test("stop ends streams with UNAVAILABLE and restart serves on the same port", () =>
  withBroker(async (broker, client) => {
    const sub = client.subscribeQueries("rs", "", () => undefined);
    await broker.waitForSubscribers("rs", 1);
    const pending = grpcError(client.sendQuery({ channel: "rs", body: enc("q"), timeoutMs: 5000 }));
    await sleep(50);
    await broker.stop();
    assert.equal((await sub.status).code, UNAVAILABLE);
    assert.equal((await pending).code, UNAVAILABLE);
    assert.equal((await grpcError(client.ping())).code, UNAVAILABLE);

    await broker.restart();
    // The old client's channel is in reconnect backoff: it fails fast until it reconnects.
    await eventually(() => client.ping(), 5000);
    using fresh = createKubemqClient({ address: broker.address });
    const again = fresh.subscribeQueries("rs", "", (req) => ({ executed: true, body: req.body }));
    await broker.waitForSubscribers("rs", 1);
    const res = await client.sendQuery({ channel: "rs", body: enc("back"), timeoutMs: 2000 });
    assert.equal(dec(res.body), "back");
    await again.close();
  }));

for (const goaway of ["single", "double"] as const) {
  Deno.test(`graceful stop (${goaway} GOAWAY): streams end OK, connections get GOAWAY, open calls end after the grace period, restart serves`, () =>
    withBroker(async (broker, client) => {
      const sub = client.subscribeQueries("gs", "", () => undefined);
      await broker.waitForSubscribers("gs", 1);
      // A plain HTTP/2 connection, to see the GOAWAY frames themselves.
      const raw = http2.connect(`http://${broker.address}`);
      guardSession(raw);
      raw.on("error", () => {});
      const goaways: { code: number; lastStreamID: number }[] = [];
      raw.on("goaway", (code, lastStreamID) => goaways.push({ code, lastStreamID }));
      await new Promise((r) => raw.once("remoteSettings", r));
      const pending = grpcError(
        client.sendQuery({ channel: "gs", body: enc("q"), timeoutMs: 5000 }),
      );
      await sleep(50);
      const t0 = performance.now();
      await broker.stop({ graceful: true, graceMs: 400, goaway });
      const stopMs = performance.now() - t0;
      assert.equal((await sub.status).code, 0, "the stream ended with status OK");
      // The sender waiting for an answer was cut when the grace period ended.
      assert.deepEqual(await pending, { code: UNAVAILABLE, details: "broker shut down" });
      assert.ok(stopMs >= 400, `stop took ${stopMs} ms, less than the grace period`);
      assert.ok(goaways.length >= 1, "GOAWAY received");
      assert.equal(goaways[0]!.code, http2.constants.NGHTTP2_NO_ERROR);
      if (goaway === "double") assert.equal(goaways[0]!.lastStreamID, 2 ** 31 - 1);
      raw.destroy();
      assert.equal((await grpcError(client.ping())).code, UNAVAILABLE, "no longer listening");

      await broker.restart();
      await eventually(() => client.ping(), 5000);
      assert.equal((await broker.stats()).subscriptions, 0);
    }));
}

Deno.test("endStreams ends every subscription stream with status OK", () =>
  withBroker(async (broker, client) => {
    const a = client.subscribeQueries("end", "", () => undefined);
    const b = client.subscribeQueries("end.*", "g", () => undefined);
    await broker.waitForSubscribers("end", 1);
    await broker.waitForSubscribers("end.x", 1);
    assert.equal(await broker.endStreams(), 2);
    assert.deepEqual((await a.status).code, 0);
    assert.deepEqual((await b.status).code, 0);
    assert.equal((await broker.stats()).subscriptions, 0);
    await assert.rejects(broker.waitForSubscribers("end", 1, 100), /Timed out/);
  }));

Deno.test("kubemq-js's own QueriesClient works against the broker", () =>
  withBroker(async (broker) => {
    const opts = { address: broker.address, clientId: "js", reconnectInterval: 0 };
    const sender = new kubemqJs.QueriesClient(opts);
    const responder = new kubemqJs.QueriesClient(opts);
    const errors: Error[] = [];
    let cancelled!: () => void;
    const streamCancelled = new Promise<void>((r) => cancelled = r);
    try {
      const subscription = await responder.subscribe({ channel: "js" }, (err, msg) => {
        if (err) {
          errors.push(err);
          if ((err as Partial<GrpcError>).code === 1) cancelled();
          return;
        }
        responder.response({
          id: msg.id,
          replyChannel: msg.replyChannel,
          clientId: "js-responder",
          executed: true,
          error: "",
          timestamp: 0,
          metadata: "pong",
          body: msg.body,
        }).catch((e: Error) => errors.push(e));
      });
      await broker.waitForSubscribers("js", 1);
      const res = await sender.send({
        channel: "js",
        body: enc("ping"),
        metadata: "m",
        timeout: 2000,
      });
      assert.equal(res.executed, true);
      assert.equal(res.metadata, "pong");
      assert.equal(res.clientId, "js-responder");
      assert.ok(res.body instanceof Uint8Array);
      assert.equal(dec(res.body), "ping");
      // kubemq-js cancels the stream up to a second after unsubscribe (reconnectInterval 0).
      subscription.unsubscribe();
      await streamCancelled;
      assert.deepEqual(errors.map((e) => (e as Partial<GrpcError>).code), [1]);
    } finally {
      sender.close();
      responder.close();
    }
  }));
