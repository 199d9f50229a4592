/**
 * The kubemq.query source against the test broker (tools/broker, under Node), with a
 * kubemq-js-based sender from testing/.
 */
import assert from "node:assert/strict";
import { makeCerts } from "../../../testing/tls_certs.ts";
import { getLogger } from "@logtape/logtape";
import { parseFields } from "../../../lib/schema.ts";
import { internalFailure } from "../../../lib/binding/middleware/envelope.ts";
import type { MessageHandler, MessageInfo, Source } from "../../../lib/kinds/source.ts";
import { kubemqQueryProperties } from "../../../lib/sources/kubemq_query/options.ts";
import { kubemqQuerySource } from "../../../lib/sources/kubemq_query/kind.ts";
import { createKubemqQuerySource } from "../../../lib/sources/kubemq_query/source.ts";
import type { RequestsSourceTuning as KubemqQuerySourceTuning } from "../../../lib/sources/kubemq/requests_tuning.ts";
import { decodeResponse } from "../../../lib/wire.ts";
import { startTestBroker } from "../../../testing/broker.ts";
import { createKubemqClient, type KubemqClientOptions } from "../../../testing/kubemq_client.ts";
import { waitUntil } from "../../../testing/wait_until.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();
const CHANNEL = "s3.queries";
// Short timings so reconnect tests take well under a second per retry.
const FAST: KubemqQuerySourceTuning = { pingTimeoutMs: 2000, stableMs: 500 };

function createSource(
  address: string,
  props: Record<string, string> = {},
  tuning: KubemqQuerySourceTuning = FAST,
): Source {
  const options = parseFields(kubemqQueryProperties, {
    address,
    channel: CHANNEL,
    reconnect_interval_seconds: "0",
    ...props,
  });
  return createKubemqQuerySource(options, {
    binding: "test-binding",
    log: getLogger(["kubemq-s3", "test"]),
    readFile: (path) => Deno.readFile(path),
  }, tuning);
}

/** A handler that answers with bytes (the binding's encoded response, in production). */
type BytesHandler = (body: Uint8Array, info: MessageInfo) => Promise<Uint8Array>;

/** The handler contract around `handler`: its bytes, as a successful outcome. */
function answering(handler: BytesHandler): MessageHandler {
  return async (body, info) => ({
    body: await handler(body, info),
    outcome: { kind: "ok", error: "", code: "" },
  });
}

/** Starts the source and disposes it (stop with a short drain) at scope exit. */
async function startedWith(source: Source, handler: MessageHandler) {
  await source.start(handler);
  return { [Symbol.asyncDispose]: () => source.stop(2000) };
}

/** {@link startedWith} a handler that answers bytes. */
function started(source: Source, handler: BytesHandler) {
  return startedWith(source, answering(handler));
}

const echo: BytesHandler = (body) => Promise.resolve(body);

const waitFor = (what: string, check: () => boolean, timeoutMs = 10_000) =>
  waitUntil(what, check, timeoutMs, 20);
function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function sender(address: string, extra: Partial<KubemqClientOptions> = {}) {
  return createKubemqClient({ address, clientId: "test-sender", ...extra });
}

function query(client: ReturnType<typeof sender>, body: Uint8Array, timeoutMs = 5000) {
  return client.sendQuery({ channel: CHANNEL, body, timeoutMs });
}

/**
 * A query's slot is freed once SendResponse returns, which may be just after its sender has the
 * answer: wait briefly for that (bounded; the assertion after it still decides).
 */
async function settled(source: { state(): { inFlight: number } }): Promise<void> {
  for (let i = 0; i < 100 && source.state().inFlight > 0; i++) {
    await new Promise((r) => setTimeout(r, 10));
  }
}

Deno.test("kubemq.query answers a query with the handler's bytes and the protocol fields", async () => {
  await using broker = await startTestBroker();
  const source = createSource(broker.address, { client_id: "s3-responder" });
  const seen: MessageInfo[] = [];
  await using _ = await started(source, (body, info) => {
    seen.push(info);
    return Promise.resolve(new Uint8Array([...body, 0xff, 0x00]));
  });
  await broker.waitForSubscribers(CHANNEL, 1);
  assert.equal(source.state().connected, true);
  using client = sender(broker.address);
  const body = new Uint8Array([0, 1, 2, 0xfe, 0x80, 0x7f]);
  const before = Math.floor(Date.now() / 1000);
  const res = await client.sendQuery({ channel: CHANNEL, body, timeoutMs: 5000, requestId: "r-1" });
  assert.deepEqual(res.body, new Uint8Array([0, 1, 2, 0xfe, 0x80, 0x7f, 0xff, 0x00]));
  assert.equal(res.executed, true);
  assert.equal(res.error, "");
  assert.equal(res.requestId, "r-1");
  assert.equal(res.clientId, "s3-responder");
  assert.ok(res.timestamp >= before && res.timestamp <= before + 5, `timestamp ${res.timestamp}`);
  assert.deepEqual(seen, [{
    requestId: "r-1",
    channel: CHANNEL,
    clientId: "test-sender",
    // A query is answered from the result alone: the binding may spend its body.
    bodySpendable: true,
    tags: {},
  }]);
  await settled(source);
  const state = source.state();
  assert.deepEqual(state, {
    connected: true,
    lastError: null,
    reconnects: 0,
    inFlight: 0,
    dead: false,
  });
});

Deno.test("kubemq.query hands the sender's tags to the handler and sends the result's tags back", async () => {
  await using broker = await startTestBroker();
  const source = createSource(broker.address);
  const seen: MessageInfo[] = [];
  await using _ = await startedWith(source, (body, info) => {
    seen.push(info);
    return Promise.resolve({
      body,
      outcome: { kind: "ok", error: "", code: "" },
      tags: { traceparent: `00-${"1".repeat(32)}-${"2".repeat(16)}-01` },
    });
  });
  await broker.waitForSubscribers(CHANNEL, 1);
  using client = sender(broker.address);
  const tags = { traceparent: `00-${"1".repeat(32)}-${"3".repeat(16)}-01`, tracestate: "a=b" };
  const res = await client.sendQuery({
    channel: CHANNEL,
    body: enc.encode("x"),
    timeoutMs: 5000,
    tags,
  });
  assert.deepEqual(seen.map((i) => i.tags), [tags]);
  assert.deepEqual(res.tags, { traceparent: `00-${"1".repeat(32)}-${"2".repeat(16)}-01` });
});

Deno.test("kubemq.query with do_not_parse_payload declares raw payloads and hands the body over as is", async () => {
  await using broker = await startTestBroker();
  const source = createSource(broker.address, { do_not_parse_payload: "true" });
  const parse = (raw: Record<string, string>) =>
    kubemqQuerySource.payload(
      parseFields(kubemqQueryProperties, { address: "h:1", channel: "c", ...raw }),
    );
  const raw = parse({ do_not_parse_payload: "true" }) === "raw";
  assert.equal(parse({}), "request");
  await using _ = await started(source, (body) => Promise.resolve(body));
  await broker.waitForSubscribers(CHANNEL, 1);
  using client = sender(broker.address);
  assert.equal(dec.decode((await query(client, enc.encode("not json"))).body), "not json");
  assert.equal(raw, true);
});

Deno.test("kubemq.query carries a 60 MiB query and a 60 MiB response", async () => {
  await using broker = await startTestBroker();
  const source = createSource(broker.address);
  let received = 0;
  await using _ = await started(source, (body) => {
    received = body.byteLength;
    // A different body back, so the response is not the request echoed by accident.
    return Promise.resolve(body.map((b) => b ^ 0x5a));
  });
  await broker.waitForSubscribers(CHANNEL, 1);
  using client = sender(broker.address);
  const size = 60 * 1024 * 1024;
  const body = new Uint8Array(size);
  for (let i = 0; i < size; i += 4096) body[i] = (i / 4096) & 0xff;
  const res = await query(client, body, 60_000);
  assert.equal(received, size);
  assert.equal(res.body.byteLength, size);
  for (let i = 0; i < size; i += 4096) {
    if (res.body[i] !== (((i / 4096) & 0xff) ^ 0x5a)) assert.fail(`byte ${i} differs`);
  }
  assert.equal(res.body[1], 0x5a);
  assert.equal(source.state().connected, true);
});

Deno.test("kubemq.query resubscribes after the broker restarts", async () => {
  await using broker = await startTestBroker();
  const source = createSource(broker.address);
  await using _ = await started(source, echo);
  await broker.waitForSubscribers(CHANNEL, 1);
  using client = sender(broker.address);
  assert.equal(dec.decode((await query(client, enc.encode("before"))).body), "before");

  await broker.stop();
  await waitFor("the source to notice", () => !source.state().connected);
  await delay(300);
  await broker.restart();
  const restarted = Date.now();
  await broker.waitForSubscribers(CHANNEL, 1, 5000);
  assert.equal(dec.decode((await query(client, enc.encode("after"))).body), "after");
  assert.ok(Date.now() - restarted < 5000, `serving again after ${Date.now() - restarted} ms`);
  const state = source.state();
  assert.equal(state.connected, true);
  assert.equal(state.dead, false);
  assert.ok(state.reconnects >= 1, `reconnects ${state.reconnects}`);
  assert.match(state.lastError ?? "", /UNAVAILABLE|ECONNREFUSED|No connection/);
});

Deno.test("kubemq.query resubscribes when the server ends the stream with status OK", async () => {
  await using broker = await startTestBroker();
  const source = createSource(broker.address);
  await using _ = await started(source, echo);
  await broker.waitForSubscribers(CHANNEL, 1);
  assert.equal(await broker.endStreams(), 1);
  await waitFor("a resubscription", () => source.state().reconnects === 1);
  await broker.waitForSubscribers(CHANNEL, 1);
  using client = sender(broker.address);
  assert.equal(dec.decode((await query(client, enc.encode("again"))).body), "again");
  const state = source.state();
  assert.equal(state.connected, true);
  assert.equal(state.lastError, `Subscription to ${CHANNEL} was ended by the server`);
});

Deno.test("kubemq.query gives up after max_reconnects failed attempts and calls onDead", async () => {
  await using broker = await startTestBroker();
  const source = createSource(broker.address, { max_reconnects: "3" });
  const dead = Promise.withResolvers<string>();
  source.onDead(dead.resolve);
  await using _ = await started(source, echo);
  await broker.waitForSubscribers(CHANNEL, 1);
  await broker.stop();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const reason = await Promise.race([
    dead.promise,
    new Promise<string>((_, reject) => {
      timer = setTimeout(() => reject(new Error("onDead was not called")), 10_000);
    }),
  ]);
  clearTimeout(timer);
  assert.match(reason, /^Gave up after 3 failed reconnect attempt\(s\) \(max_reconnects\): Ping/);
  const state = source.state();
  assert.equal(state.dead, true);
  assert.equal(state.connected, false);
  assert.equal(state.reconnects, 3);
  // It stays dead: no more attempts.
  await delay(400);
  assert.equal(source.state().reconnects, 3);
  // A listener added late hears about it too.
  const late = Promise.withResolvers<string>();
  source.onDead(late.resolve);
  assert.equal(await late.promise, reason);
});

Deno.test("kubemq.query with auto_reconnect false is dead once the stream ends", async () => {
  await using broker = await startTestBroker();
  const source = createSource(broker.address, { auto_reconnect: "false" });
  const dead = Promise.withResolvers<string>();
  source.onDead(dead.resolve);
  await using _ = await started(source, echo);
  await broker.waitForSubscribers(CHANNEL, 1);
  await broker.endStreams();
  assert.match(await dead.promise, /ended by the server; auto_reconnect is false/);
  assert.equal(source.state().reconnects, 0);
  assert.equal(source.state().dead, true);
});

Deno.test("kubemq.query with sources=3 and no group answers each query exactly once", async () => {
  await using broker = await startTestBroker();
  const source = createSource(broker.address, { sources: "3" });
  let calls = 0;
  await using _ = await started(source, (body) => {
    calls++;
    return Promise.resolve(body);
  });
  assert.equal(await broker.waitForSubscribers(CHANNEL, 3), 3);
  using client = sender(broker.address);
  const results = await Promise.all(
    Array.from({ length: 30 }, (_, i) => query(client, enc.encode(`q${i}`))),
  );
  assert.deepEqual(results.map((r) => dec.decode(r.body)), results.map((_, i) => `q${i}`));
  // Give a duplicate delivery time to show up before counting.
  await delay(200);
  assert.equal(calls, 30);
  const stats = await broker.stats();
  assert.equal(stats.responses, 30);
  assert.equal(stats.responsesDropped, 0);
  assert.equal(source.state().connected, true);
});

Deno.test("kubemq.query never handles more than concurrency queries at once", async () => {
  await using broker = await startTestBroker();
  const source = createSource(broker.address, { concurrency: "2" });
  let current = 0;
  let peak = 0;
  let peakInFlight = 0;
  await using _ = await started(source, async (body) => {
    current++;
    peak = Math.max(peak, current);
    peakInFlight = Math.max(peakInFlight, source.state().inFlight);
    await delay(60);
    current--;
    return body;
  });
  await broker.waitForSubscribers(CHANNEL, 1);
  using client = sender(broker.address);
  const results = await Promise.all(
    Array.from({ length: 12 }, (_, i) => query(client, enc.encode(`slow${i}`), 10_000)),
  );
  assert.deepEqual(results.map((r) => dec.decode(r.body)), results.map((_, i) => `slow${i}`));
  assert.equal(peak, 2);
  assert.equal(peakInFlight, 2);
  await settled(source);
  assert.equal(source.state().inFlight, 0);
});

Deno.test("kubemq.query sends the binding's is_error body as is; a handler that rejects gets no answer and the source keeps serving", async () => {
  await using broker = await startTestBroker();
  const source = createSource(broker.address);
  await using _ = await startedWith(source, (body, info) => {
    const text = dec.decode(body);
    // What the binding answers when its own handling fails: the bytes the source used to build.
    if (text === "internal") return Promise.resolve(internalFailure(new Error("boom (async)")));
    if (text === "throw") throw new Error("boom (sync)");
    if (text === "reject") return Promise.reject(new Error("boom (async)"));
    return answering(echo)(body, info);
  });
  await broker.waitForSubscribers(CHANNEL, 1);
  using client = sender(broker.address);
  const res = await query(client, enc.encode("internal"));
  assert.equal(res.executed, true);
  assert.equal(res.error, "");
  assert.equal(
    dec.decode(res.body),
    '{"metadata":{"error_code":"Internal"},"data":null,"is_error":true,"error":"internal error: boom (async)"}',
  );
  const decoded = decodeResponse(res.body);
  assert.equal(decoded.isError, true);
  assert.equal(decoded.error, "internal error: boom (async)");
  assert.deepEqual(decoded.metadata, { error_code: "Internal" });
  assert.equal(decoded.data, null);
  for (const input of ["throw", "reject"]) {
    await assert.rejects(query(client, enc.encode(input), 500), input);
  }
  assert.equal(dec.decode((await query(client, enc.encode("fine"))).body), "fine");
  assert.equal(source.state().connected, true);
});

Deno.test("kubemq.query stop drains in-flight queries before closing", async () => {
  await using broker = await startTestBroker();
  const source = createSource(broker.address);
  await source.start(answering(async (body) => {
    await delay(300);
    return body;
  }));
  try {
    await broker.waitForSubscribers(CHANNEL, 1);
    using client = sender(broker.address);
    const pending = Array.from({ length: 5 }, (_, i) => query(client, enc.encode(`d${i}`)));
    await waitFor("5 queries in flight", () => source.state().inFlight === 5);
    const stopping = source.stop(5000);
    // No new subscriptions after stop: the broker sees the stream go away.
    await waitFor("unsubscribe", () => !source.state().connected);
    await stopping;
    const results = await Promise.all(pending);
    assert.deepEqual(results.map((r) => dec.decode(r.body)), ["d0", "d1", "d2", "d3", "d4"]);
    await settled(source);
    assert.equal(source.state().inFlight, 0);
    let subscriptions = -1;
    for (let i = 0; i < 100 && subscriptions !== 0; i++) {
      subscriptions = (await broker.stats()).subscriptions;
      if (subscriptions !== 0) await delay(20);
    }
    assert.equal(subscriptions, 0, "the broker saw the subscription end");
  } finally {
    await source.stop(0);
  }
});

Deno.test("kubemq.query sends the auth token on every call", async () => {
  await using broker = await startTestBroker({ authToken: "s3cret-token" });
  const source = createSource(broker.address, { auth_token: "s3cret-token" });
  await using _ = await started(source, echo);
  await broker.waitForSubscribers(CHANNEL, 1);
  using client = sender(broker.address, { authToken: "s3cret-token" });
  assert.equal(dec.decode((await query(client, enc.encode("authed"))).body), "authed");
  const tokens = (await broker.stats()).authTokens;
  assert.equal(tokens.Ping, "s3cret-token");
  assert.equal(tokens.SubscribeToRequests, "s3cret-token");
  assert.equal(tokens.SendResponse, "s3cret-token");
});

Deno.test("kubemq.query with a wrong auth token reports it without leaking the token", async () => {
  await using broker = await startTestBroker({ authToken: "s3cret-token" });
  const source = createSource(broker.address, { auth_token: "wrong-token" });
  await using _ = await started(source, echo);
  await waitFor("an error", () => source.state().lastError !== null);
  const state = source.state();
  assert.equal(state.connected, false);
  assert.match(state.lastError ?? "", /^Ping to 127\.0\.0\.1:\d+ failed: UNAUTHENTICATED: /);
  assert.match(state.lastError ?? "", /invalid auth token/);
  assert.doesNotMatch(state.lastError ?? "", /wrong-token/);
  assert.equal((await broker.stats()).subscriptions, 0);
});

// --- TLS with a private CA ---

Deno.test("kubemq.query over TLS trusts a private CA and fails closed with the wrong one", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "kubemq-query-tls-" });
  try {
    const certs = await makeCerts(dir);
    await using broker = await startTestBroker({ tls: certs.server });
    // The broker listens on 127.0.0.1, the certificate's SAN.
    assert.match(broker.address, /^127\.0\.0\.1:/);

    await t.step("the right CA, no client certificate: round trip", async () => {
      const source = createSource(broker.address, { tls: "true", ca_cert: certs.ca });
      await using _ = await started(source, echo);
      await broker.waitForSubscribers(CHANNEL, 1);
      using client = sender(broker.address, {
        tls: { ca: await Deno.readFile(certs.ca), serverName: "localhost" },
      });
      assert.equal(dec.decode((await query(client, enc.encode("secure"))).body), "secure");
      assert.equal(source.state().connected, true);
    });

    await t.step("another CA: no connection, a clear error", async () => {
      const source = createSource(broker.address, { tls: "true", ca_cert: certs.otherCa });
      await using _ = await started(source, echo);
      await waitFor("an error", () => source.state().lastError !== null);
      const state = source.state();
      assert.equal(state.connected, false);
      assert.match(state.lastError ?? "", /^Ping to 127\.0\.0\.1:\d+ failed: UNAVAILABLE/);
      assert.match(state.lastError ?? "", /certificate/);
      assert.equal((await broker.stats()).subscriptions, 0);
    });

    await t.step("a certificate without the address's IP: no connection", async () => {
      await using dnsOnly = await startTestBroker({ tls: certs.dnsOnly });
      const source = createSource(dnsOnly.address, { tls: "true", ca_cert: certs.ca });
      await using _ = await started(source, echo);
      await waitFor("an error", () => source.state().lastError !== null);
      assert.equal(source.state().connected, false);
      assert.match(source.state().lastError ?? "", /IP: 127\.0\.0\.1 is not in the cert's list/);
      assert.equal((await dnsOnly.stats()).subscriptions, 0);
    });

    await t.step("plaintext against the TLS broker: no connection", async () => {
      const source = createSource(broker.address);
      await using _ = await started(source, echo);
      await waitFor("an error", () => source.state().lastError !== null);
      assert.equal(source.state().connected, false);
    });

    await t.step("a missing CA file fails start with the key and path", async () => {
      const source = createSource(broker.address, { tls: "true", ca_cert: `${dir}/nope.pem` });
      await assert.rejects(source.start(answering(echo)), /Cannot read ca_cert ".*nope\.pem"/);
      await source.stop(0);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
