/**
 * The queue client (queue_client.ts) for real: its StreamQueueMessage streams and
 * SendQueueMessage over the lean transport's bidirectional calls (grpc_h2.ts `duplex`), against
 * the test broker. A kubemq-js client (testing/kubemq_queues.ts) is the independent witness: it
 * sends what we receive, and receives what we send; the broker's own counters and queue state
 * say what was acked, rejected and held.
 */
import assert from "node:assert/strict";
import { openConnection } from "../../../lib/sources/kubemq/connection.ts";
import { createQueueClient, type QueueClient } from "../../../lib/sources/kubemq/queue_client.ts";
import type { TestBroker } from "../../../testing/broker.ts";
import type { QueuesClient } from "../../../testing/kubemq_queues.ts";
import { CLIENT, dec, enc, sleep, withClient as withSharedClient } from "./_client_harness.ts";
import { waitUntil } from "../../../testing/wait_until.ts";

let n = 0;
const channel = () => `qc.test.${Date.now().toString(36)}.${n++}`;

const withClient = (
  fn: (client: QueueClient, broker: TestBroker, witness: QueuesClient) => Promise<void>,
  opts: { authToken?: string } = {},
) => withSharedClient(createQueueClient, fn, opts);

const receive = (client: QueueClient, ch: string, visibilitySeconds = 5, waitSeconds = 1) =>
  client.receive({ channel: ch, clientId: CLIENT, visibilitySeconds, waitSeconds });

Deno.test("queue client: receives a message with every field and acks it", () =>
  withClient(async (client, broker, witness) => {
    const ch = channel();
    const body = new Uint8Array(100_000).map((_, i) => i % 251);
    const sent = await witness.send({
      channel: ch,
      body,
      metadata: "meta ✓",
      clientId: "producer-1",
      tags: { "content-type": "application/json", "ключ": "значение" },
    });
    const stream = receive(client, ch);
    const got = await stream.message;
    assert.ok(got);
    assert.equal(got.id, sent.id);
    assert.equal(got.clientId, "producer-1");
    assert.equal(got.channel, ch);
    assert.equal(got.metadata, "meta ✓");
    assert.deepEqual(got.body, body);
    assert.deepEqual(got.tags, { "content-type": "application/json", "ключ": "значение" });
    assert.equal(got.sequence, 1);
    assert.equal(got.receiveCount, 1);
    assert.equal((await broker.queue(ch)).inFlight, 1);
    await stream.ack();
    assert.deepEqual(await broker.queue(ch), {
      ready: 0,
      delayed: 0,
      inFlight: 0,
      heldBy: {},
      receivers: 0,
      stored: 0,
    });
    assert.equal((await broker.stats()).queues.acked, 1);
    assert.equal(await witness.receive(ch, { waitSeconds: 1 }), null);
  }));

Deno.test("queue client: reject puts the message back; it comes again with receiveCount 2", () =>
  withClient(async (client, broker, witness) => {
    const ch = channel();
    await witness.send({ channel: ch, body: "again" });
    const first = receive(client, ch);
    const held = await first.message;
    assert.equal(held?.receiveCount, 1);
    await first.reject();
    await waitUntil("the requeue", async () => (await broker.queue(ch)).ready === 1, 5000, 20);
    const second = receive(client, ch);
    const again = await second.message;
    assert.ok(again);
    assert.equal(again.id, held!.id);
    assert.equal(dec(again.body), "again");
    assert.equal(again.receiveCount, 2);
    await second.ack();
    const stats = (await broker.stats()).queues;
    assert.equal(stats.rejected, 1);
    assert.equal(stats.acked, 1);
  }));

Deno.test("queue client: extend keeps the message past its first visibility; ack still works", () =>
  withClient(async (client, broker, witness) => {
    const ch = channel();
    await witness.send({ channel: ch, body: "slow upload" });
    const stream = receive(client, ch, 1);
    assert.ok(await stream.message);
    await sleep(600);
    await stream.extend(3);
    await sleep(900); // 1.5 s after the receive: past the first visibility
    assert.equal((await broker.queue(ch)).inFlight, 1);
    await stream.ack();
    assert.equal((await broker.stats()).queues.visibilityExpired, 0);
    assert.equal(await witness.receive(ch, { waitSeconds: 1 }), null);
  }));

Deno.test("queue client: an expired visibility fails the ack with Error 129; the message is back", () =>
  withClient(async (client, broker, witness) => {
    const ch = channel();
    await witness.send({ channel: ch, body: "too slow" });
    const stream = receive(client, ch, 1);
    assert.ok(await stream.message);
    await waitUntil("the expiry", async () => (await broker.queue(ch)).ready === 1, 5000, 50);
    await assert.rejects(
      stream.ack(),
      /^Error: Error 129: current visibility timer expired \(the message went back to the queue\)$/,
    );
    const again = await witness.receive(ch, { waitSeconds: 1 });
    assert.equal(again?.receiveCount, 2);
    await again!.ack();
  }));

Deno.test("queue client: an empty queue gives null after the wait (Error 138), nothing to settle", () =>
  withClient(async (client) => {
    const started = Date.now();
    const stream = receive(client, channel(), 5, 1);
    assert.equal(await stream.message, null);
    const took = Date.now() - started;
    assert.ok(took >= 900 && took < 5000, `took ${took} ms`);
    await assert.rejects(stream.ack(), /nothing to ack: no message was received/);
  }));

Deno.test("queue client: cancelling the stream returns the held message to the queue", () =>
  withClient(async (client, broker, witness) => {
    const ch = channel();
    const sent = await witness.send({ channel: ch, body: "keep me" });
    const stream = receive(client, ch, 60);
    const held = await stream.message;
    assert.equal(held?.id, sent.id);
    stream.cancel();
    await waitUntil("the return", async () => (await broker.queue(ch)).ready === 1, 5000, 20);
    assert.equal((await broker.queue(ch)).inFlight, 0);
    await assert.rejects(stream.ack(), /the queue stream failed: CANCELLED/);
    const again = await witness.receive(ch, { waitSeconds: 1 });
    assert.equal(again?.id, sent.id);
    assert.equal(dec(again!.body), "keep me");
    await again!.ack();
  }));

Deno.test("queue client: a cancelled wait on an empty queue leaves no receiver behind", () =>
  withClient(async (client, broker) => {
    const ch = channel();
    const stream = receive(client, ch, 5, 30);
    await broker.waitForSubscribers(ch, 1);
    stream.cancel();
    await assert.rejects(stream.message, /CANCELLED/);
    await waitUntil("no receiver", async () => (await broker.queue(ch)).receivers === 0, 5000, 20);
  }));

Deno.test("queue client: send delivers every field; a refused send names the server's error", () =>
  withClient(async (client, broker, witness) => {
    const ch = channel();
    const body = new Uint8Array(300_000).map((_, i) => (i * 13) % 256);
    const id = await client.send(
      { channel: ch, body, metadata: "m", tags: { k: "v", "": "empty key" } },
      CLIENT,
      5000,
    );
    assert.ok(id.length > 0);
    const got = await witness.receive(ch, { waitSeconds: 1 });
    assert.ok(got);
    assert.equal(got.id, id);
    assert.equal(got.clientId, CLIENT);
    assert.equal(got.metadata, "m");
    assert.deepEqual(got.body, body);
    assert.deepEqual(got.tags, { k: "v", "": "empty key" });
    await got.ack();
    await assert.rejects(
      client.send({ channel: "ends.with.dot.", body: enc("x") }, CLIENT, 5000),
      (e: Error) =>
        e.message.startsWith("send to queue ends.with.dot. refused: Error 120: invalid queue name"),
    );
    await assert.rejects(
      client.send({ channel: ch, body: new Uint8Array() }, CLIENT, 5000),
      /send to queue .* refused: Error 110: invalid message, cannot be empty/,
    );
    assert.equal((await broker.stats()).queues.sent, 1);
  }));

Deno.test("queue client: a stopped broker ends a waiting stream with UNAVAILABLE", () =>
  withClient(async (client, broker) => {
    const ch = channel();
    const stream = receive(client, ch, 5, 30);
    await broker.waitForSubscribers(ch, 1);
    await broker.stop();
    await assert.rejects(stream.message, /^Error: the queue stream failed: UNAVAILABLE/);
    await assert.rejects(
      client.send({ channel: ch, body: enc("x") }, CLIENT, 2000),
      /send to queue .* failed: (UNAVAILABLE|DEADLINE_EXCEEDED)/,
    );
  }));

Deno.test("queue client: the auth token goes with every call and never into an error", async () => {
  await withClient(async (client, broker, witness) => {
    const ch = channel();
    await witness.send({ channel: ch, body: "secret stuff" });
    const stream = receive(client, ch);
    assert.ok(await stream.message);
    await stream.ack();
    await client.send({ channel: ch, body: enc("x") }, CLIENT, 5000);
    const stats = await broker.stats();
    assert.equal(stats.authTokens.StreamQueueMessage, "s3cret-token");
    assert.equal(stats.authTokens.SendQueueMessage, "s3cret-token");
    const bad = openConnection({
      address: broker.address,
      maxMessageBytes: 1024,
      authToken: "wrong-s3cret",
    });
    try {
      const badClient = createQueueClient(bad);
      const errors = await Promise.all([
        receive(badClient, ch).message.then(() => null, (e: Error) => e),
        badClient.send({ channel: ch, body: enc("x") }, CLIENT, 5000).then(
          () => null,
          (e: Error) => e,
        ),
      ]);
      for (const err of errors) {
        assert.match(err?.message ?? "", /UNAUTHENTICATED/);
        assert.ok(!err!.message.includes("wrong-s3cret"), err!.message);
      }
    } finally {
      bad.close();
    }
  }, { authToken: "s3cret-token" });
});
