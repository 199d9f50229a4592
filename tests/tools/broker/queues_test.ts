// The test broker's queues follow the real KubeMQ server's rules (docs/broker-protocol.md),
// checked through kubemq-js's generated gRPC client. Run: deno test -A tests/tools/broker/

import assert from "node:assert/strict";
import { startTestBroker, type TestBroker } from "../../../testing/broker.ts";
import { createQueuesClient, type QueuesClient } from "../../../testing/kubemq_queues.ts";
import { StreamRequestType } from "../../../lib/sources/kubemq/pb_queues.ts";

const dec = (b: Uint8Array) => new TextDecoder().decode(b);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let n = 0;
const channel = () => `q.test.${Date.now().toString(36)}.${n++}`;

async function withBroker(fn: (broker: TestBroker, q: QueuesClient) => Promise<void>) {
  await using broker = await startTestBroker();
  using q = createQueuesClient({ address: broker.address });
  await fn(broker, q);
}

Deno.test("queue: a sent message is received once, with sequence and ReceiveCount 1, and acked", () =>
  withBroker(async (broker, q) => {
    const ch = channel();
    const sent = await q.send({ channel: ch, body: "hello", tags: { k: "v" }, metadata: "m" });
    assert.equal(sent.isError, false);
    assert.ok(sent.id.length > 0);
    const got = await q.receive(ch, { visibilitySeconds: 5, waitSeconds: 1 });
    assert.ok(got);
    assert.equal(dec(got.body), "hello");
    assert.equal(got.id, sent.id);
    assert.deepEqual(got.tags, { k: "v" });
    assert.equal(got.metadata, "m");
    assert.equal(got.sequence, 1);
    assert.equal(got.receiveCount, 1);
    const holding = await broker.queue(ch);
    assert.equal(holding.inFlight, 1);
    assert.deepEqual(Object.values(holding.heldBy), [1], "one client holds it");
    const ack = await got.ack();
    assert.equal(ack.isError, false, ack.error);
    assert.equal(ack.type, StreamRequestType.Ack);
    // The server ends the stream once the message is settled.
    assert.equal((await got.stream.ended).code, 0);
    assert.deepEqual(await broker.queue(ch), {
      ready: 0,
      delayed: 0,
      inFlight: 0,
      heldBy: {},
      receivers: 0,
      stored: 0,
    });
    assert.equal(await q.receive(ch, { waitSeconds: 1 }), null);
  }));

Deno.test("queue: an empty queue answers Error 138 after wait_timeout and ends the stream", () =>
  withBroker(async (_broker, q) => {
    const s = q.stream();
    const started = Date.now();
    s.send({ type: StreamRequestType.Receive, channel: channel(), waitSeconds: 1 });
    const res = await s.next();
    const took = Date.now() - started;
    assert.equal(res.isError, true);
    assert.equal(res.error, "Error 138: no new message in queue, wait time expired");
    assert.ok(took >= 900 && took < 3000, `took ${took} ms`);
    assert.equal((await s.ended).code, 0);
  }));

Deno.test("queue: a waiting receiver gets a message sent during its wait (long polling)", () =>
  withBroker(async (broker, q) => {
    const ch = channel();
    const pending = q.receive(ch, { waitSeconds: 5 });
    await broker.waitForSubscribers(ch, 1);
    await q.send({ channel: ch, body: "late" });
    const got = await pending;
    assert.equal(dec(got!.body), "late");
    await got!.ack();
  }));

Deno.test("queue: reject puts a copy at the end with its receive count; the next receive is 2", () =>
  withBroker(async (broker, q) => {
    const ch = channel();
    await q.send({ channel: ch, body: "a" });
    await q.send({ channel: ch, body: "b" });
    const first = await q.receive(ch, { waitSeconds: 1 });
    assert.equal(dec(first!.body), "a");
    assert.equal((await first!.reject()).isError, false);
    await first!.stream.ended;
    const second = await q.receive(ch, { waitSeconds: 1 });
    assert.equal(dec(second!.body), "b", "the rejected message went to the end of the queue");
    await second!.ack();
    const again = await q.receive(ch, { waitSeconds: 1 });
    assert.equal(dec(again!.body), "a");
    assert.equal(again!.receiveCount, 2);
    assert.equal(again!.id, first!.id);
    assert.ok(again!.sequence > second!.sequence, "a requeued copy gets a new sequence");
    await again!.ack();
    const stats = (await broker.stats()).queues;
    assert.equal(stats.rejected, 1);
    assert.equal(stats.requeued, 1);
  }));

Deno.test("queue: an expired visibility timer answers Error 129 and requeues the message", () =>
  withBroker(async (_broker, q) => {
    const ch = channel();
    await q.send({ channel: ch, body: "slow" });
    const got = await q.receive(ch, { visibilitySeconds: 1, waitSeconds: 1 });
    const res = await got!.stream.next(5000);
    assert.equal(res.error, "Error 129: current visibility timer expired");
    assert.equal((await got!.stream.ended).code, 0);
    const again = await q.receive(ch, { waitSeconds: 1 });
    assert.equal(again!.receiveCount, 2);
    await again!.ack();
  }));

Deno.test("queue: ModifyVisibility extends the hold; ack after the first timeout still works", () =>
  withBroker(async (_broker, q) => {
    const ch = channel();
    await q.send({ channel: ch, body: "big upload" });
    const got = await q.receive(ch, { visibilitySeconds: 1, waitSeconds: 1 });
    await sleep(600);
    assert.equal((await got!.extend(2)).isError, false);
    await sleep(900); // 1.5 s after the receive: past the first visibility
    const ack = await got!.ack();
    assert.equal(ack.isError, false, ack.error);
    assert.equal(await q.receive(ch, { waitSeconds: 1 }), null);
  }));

Deno.test("queue: over MaxReceiveCount a message moves to MaxReceiveQueue, marked rerouted", () =>
  withBroker(async (broker, q) => {
    const ch = channel();
    const dlq = `${ch}.dead`;
    await q.send({
      channel: ch,
      body: "poison",
      policy: { maxReceiveCount: 2, maxReceiveQueue: dlq },
    });
    for (let i = 1; i <= 2; i++) {
      const got = await q.receive(ch, { waitSeconds: 1 });
      assert.equal(got!.receiveCount, i);
      await got!.reject();
      await got!.stream.ended;
    }
    assert.equal(await q.receive(ch, { waitSeconds: 1 }), null);
    const dead = await q.pull(dlq, { max: 1, waitSeconds: 1 });
    assert.equal(dead.messages.length, 1);
    const m = dead.messages[0]!;
    assert.equal(dec(m.body), "poison");
    assert.equal(m.rerouted, true);
    assert.equal(m.reroutedFrom, ch);
    assert.equal((await broker.stats()).queues.rerouted, 1);
  }));

Deno.test("queue: over MaxReceiveCount with no MaxReceiveQueue the message is dropped", () =>
  withBroker(async (broker, q) => {
    const ch = channel();
    await q.send({ channel: ch, body: "x", policy: { maxReceiveCount: 1 } });
    const got = await q.receive(ch, { waitSeconds: 1 });
    await got!.reject();
    await got!.stream.ended;
    assert.equal(await q.receive(ch, { waitSeconds: 1 }), null);
    assert.equal((await broker.stats()).queues.dropped, 1);
  }));

Deno.test("queue: MaxReceiveCount 0 becomes the server's 1024", () =>
  withBroker(async (_broker, q) => {
    const ch = channel();
    await q.send({ channel: ch, body: "x" });
    const got = await q.receive(ch, { waitSeconds: 1 });
    assert.equal(got!.maxReceiveCount, 1024);
    await got!.ack();
  }));

Deno.test("queue: a client that goes away while holding a message returns it at once", () =>
  withBroker(async (broker, q) => {
    const ch = channel();
    await q.send({ channel: ch, body: "held" });
    const got = await q.receive(ch, { visibilitySeconds: 60, waitSeconds: 1 });
    got!.stream.cancel();
    await got!.stream.ended;
    for (let i = 0; i < 50 && (await broker.queue(ch)).ready === 0; i++) await sleep(20);
    const again = await q.receive(ch, { waitSeconds: 1 });
    assert.equal(dec(again!.body), "held");
    assert.equal(again!.receiveCount, 2);
    await again!.ack();
  }));

Deno.test("queue: a broker crash returns held messages; queues survive the restart", () =>
  withBroker(async (broker, q) => {
    const ch = channel();
    await q.send({ channel: ch, body: "one" });
    await q.send({ channel: ch, body: "two" });
    const got = await q.receive(ch, { waitSeconds: 1 });
    await broker.stop();
    assert.equal((await got!.stream.ended).code, 14);
    await broker.restart();
    const pulled = await q.pull(ch, { max: 2, waitSeconds: 1 });
    assert.deepEqual(pulled.messages.map((m) => dec(m.body)).sort(), ["one", "two"]);
  }));

Deno.test("queue: concurrent receivers each get a different message", () =>
  withBroker(async (broker, q) => {
    const ch = channel();
    const a = q.receive(ch, { waitSeconds: 5 });
    const b = q.receive(ch, { waitSeconds: 5 });
    await broker.waitForSubscribers(ch, 2);
    await q.sendBatch([{ channel: ch, body: "1" }, { channel: ch, body: "2" }]);
    const got = await Promise.all([a, b]);
    assert.deepEqual(got.map((m) => dec(m!.body)).sort(), ["1", "2"]);
    await Promise.all(got.map((m) => m!.ack()));
  }));

Deno.test("queue: DelaySeconds holds a message back; ExpirationSeconds drops it unseen", () =>
  withBroker(async (broker, q) => {
    const ch = channel();
    const delayed = await q.send({ channel: ch, body: "later", policy: { delaySeconds: 2 } });
    assert.ok(delayed.delayedTo > 0);
    assert.equal((await broker.queue(ch)).delayed, 1);
    assert.equal(await q.receive(ch, { waitSeconds: 1 }), null);
    const got = await q.receive(ch, { waitSeconds: 3 });
    assert.equal(dec(got!.body), "later");
    await got!.ack();

    const ch2 = channel();
    await q.send({ channel: ch2, body: "stale", policy: { expirationSeconds: 1 } });
    await sleep(1200);
    assert.equal(await q.receive(ch2, { waitSeconds: 1 }), null);
    assert.equal((await broker.stats()).queues.expired, 1);
  }));

Deno.test("queue: pull acknowledges what it returns; peek leaves the queue as it was", () =>
  withBroker(async (_broker, q) => {
    const ch = channel();
    for (const body of ["a", "b", "c"]) await q.send({ channel: ch, body });
    const peek = await q.pull(ch, { max: 2, peek: true });
    assert.deepEqual(peek.messages.map((m) => dec(m.body)), ["a", "b"]);
    const pulled = await q.pull(ch, { max: 2, waitSeconds: 1 });
    assert.deepEqual(pulled.messages.map((m) => dec(m.body)), ["a", "b"]);
    assert.equal((await q.ackAll(ch)).affected, 1);
    assert.equal((await q.pull(ch, { max: 1, waitSeconds: 1 })).messages.length, 0);
  }));

Deno.test("queue: validation errors are the server's texts, in results and stream responses", () =>
  withBroker(async (_broker, q) => {
    const ch = channel();
    assert.match((await q.send({ channel: "", body: "x" })).error, /^Error 120: /);
    assert.match((await q.send({ channel: "a b", body: "x" })).error, /^Error 120: /);
    assert.match((await q.send({ channel: "q.*", body: "x" })).error, /^Error 120: /);
    assert.match((await q.send({ channel: ch })).error, /^Error 110: /);
    assert.match(
      (await q.send({ channel: ch, body: "x", policy: { maxReceiveCount: 2000 } })).error,
      /^Error 134: /,
    );
    assert.match((await q.send({ channel: ch, body: "x", clientId: "" })).error, /^Error 101: /);
    assert.match((await q.pull(ch, { max: 0 })).error, /^Error 122: /);
    assert.match((await q.pull(ch, { max: 1, waitSeconds: 4000 })).error, /^Error 136: /);

    const s = q.stream();
    s.send({ type: StreamRequestType.Receive, channel: ch, visibilitySeconds: 50000 });
    assert.match((await s.next()).error, /^Error 127: /);
    s.send({ type: StreamRequestType.Receive, channel: ch, waitSeconds: 4000 });
    assert.match((await s.next()).error, /^Error 136: /);
    s.send({ type: StreamRequestType.Ack, refSequence: 0 });
    assert.match((await s.next()).error, /^Error 125: /);
    s.send({ type: StreamRequestType.Ack, refSequence: 7 });
    assert.match((await s.next()).error, /^Error 124: /);
    s.send({ type: StreamRequestType.Reject, refSequence: 7 });
    assert.match((await s.next()).error, /^Error 137: /);
    s.send({ type: 9 });
    assert.match((await s.next()).error, /^Error 132: /);
    await q.send({ channel: ch, body: "x" });
    s.send({ type: StreamRequestType.Receive, channel: ch, waitSeconds: 1 });
    const got = await s.next();
    assert.equal(got.isError, false, got.error);
    s.send({ type: StreamRequestType.Receive, channel: ch, waitSeconds: 1 });
    assert.match((await s.next()).error, /^Error 128: /);
    s.send({ type: StreamRequestType.Ack, refSequence: got.message!.sequence + 1 });
    assert.match((await s.next()).error, /^Error 125: /);
    s.send({ type: StreamRequestType.Ack, refSequence: got.message!.sequence });
    assert.equal((await s.next()).isError, false);
    assert.equal((await s.ended).code, 0);
  }));

Deno.test("queue and events RPCs require the auth token when the broker has one", async () => {
  await using broker = await startTestBroker({ authToken: "s3cr3t" });
  using anonymous = createQueuesClient({ address: broker.address });
  using authed = createQueuesClient({ address: broker.address, authToken: "s3cr3t" });
  const ch = channel();
  await assert.rejects(anonymous.send({ channel: ch, body: "x" }), /UNAUTHENTICATED|16/);
  await assert.rejects(anonymous.sendEvent({ channel: ch, body: "x" }), /UNAUTHENTICATED|16/);
  const s = anonymous.stream();
  assert.equal((await s.ended).code, 16);
  assert.equal((await authed.send({ channel: ch, body: "x" })).isError, false);
  const got = await authed.receive(ch, { waitSeconds: 1 });
  assert.equal(dec(got!.body), "x");
  await got!.ack();
  const stats = await broker.stats();
  assert.equal(stats.authTokens.StreamQueueMessage, "s3cr3t");
  assert.equal(stats.authTokens.SendEvent, null);
});
