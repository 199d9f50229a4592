/**
 * The connect-es client that bench/probe_transport.ts measures, through the test broker with a
 * kubemq-js sender, so that its figures are those of a client that works.
 */
import assert from "node:assert/strict";
import { createKubemqQueryConnectClient } from "../../../bench/connect_es/query_client.ts";
import type {
  ReceivedRequest as ReceivedQuery,
  StreamEnd,
} from "../../../lib/sources/kubemq/requests_port.ts";
import { startTestBroker } from "../../../testing/broker.ts";
import { createKubemqClient } from "../../../testing/kubemq_client.ts";

const MiB = 1024 * 1024;
const enc = new TextEncoder();
const dec = new TextDecoder();

Deno.test("connect-es client: ping, a query and its response carry every protocol field, 20 MiB each way, auth token, cancel", async () => {
  await using broker = await startTestBroker({ authToken: "s3cret" });
  const client = createKubemqQueryConnectClient({
    address: broker.address,
    authToken: "s3cret",
    maxMessageBytes: 30 * MiB,
  });
  using sender = createKubemqClient({
    address: broker.address,
    clientId: "sender-1",
    authToken: "s3cret",
  });
  const big = new Uint8Array(20 * MiB).map((_, i) => i % 251);
  try {
    assert.equal(typeof (await client.ping(5000)).host, "string");
    const queries: ReceivedQuery[] = [];
    const { promise: ended, resolve } = Promise.withResolvers<StreamEnd>();
    const handle = client.subscribe("q", "", "responder-1", (q) => {
      queries.push(q);
      const body = q.body.length === 1 ? big : enc.encode(`re:${q.body.length}`);
      void client.sendResponse({ ...q, clientId: "responder-1", body }, 30_000);
    }, resolve);
    await broker.waitForSubscribers("q", 1);
    const res = await sender.sendQuery({
      channel: "q",
      body: enc.encode("hello"),
      metadata: "meta",
      timeoutMs: 4321,
      requestId: "req-1",
    });
    assert.equal(dec.decode(res.body), "re:5");
    assert.equal(res.executed, true);
    assert.equal(res.clientId, "responder-1");
    assert.ok(Math.abs(res.timestamp - Date.now() / 1000) < 60, `timestamp ${res.timestamp}`);
    const q = queries[0]!;
    assert.deepEqual(
      [q.requestId, q.clientId, q.channel, q.metadata, q.timeoutMs],
      ["req-1", "sender-1", "q", "meta", 4321],
    );
    assert.ok(q.replyChannel !== "");
    const up = await sender.sendQuery({ channel: "q", body: big, timeoutMs: 60_000 });
    assert.equal(dec.decode(up.body), `re:${big.length}`);
    assert.deepEqual(queries[1]!.body, big);
    const down = await sender.sendQuery({
      channel: "q",
      body: new Uint8Array(1),
      timeoutMs: 60_000,
    });
    assert.deepEqual(down.body, big);
    handle.cancel();
    assert.equal((await ended).code, 1, "CANCELLED");
  } finally {
    client.close();
  }
  // A wrong token is refused, and the message does not repeat the token.
  const wrong = createKubemqQueryConnectClient({
    address: broker.address,
    authToken: "wrong-token",
    maxMessageBytes: MiB,
  });
  try {
    await assert.rejects(wrong.ping(5000), (err: Error) => {
      assert.match(err.message, /^UNAUTHENTICATED/);
      assert.doesNotMatch(err.message, /wrong-token/);
      return true;
    });
  } finally {
    wrong.close();
  }
});
