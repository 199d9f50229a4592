// The test broker's records (--records): what became of each request, queue message and event,
// and when it stopped. Run: deno test -A tests/tools/broker/records_test.ts

import assert from "node:assert/strict";
import { startTestBroker } from "../../../testing/broker.ts";
import { createKubemqClient } from "../../../testing/kubemq_client.ts";
import { createQueuesClient } from "../../../testing/kubemq_queues.ts";

const enc = (s: string) => new TextEncoder().encode(s);

Deno.test("records: a query answered, one timed out undelivered, one cut by a stop, and the stop", async () => {
  await using broker = await startTestBroker({ records: true });
  using client = createKubemqClient({ address: broker.address });
  const answered = client.subscribeQueries("rec.q", "", () => ({ executed: true, body: enc("a") }));
  await broker.waitForSubscribers("rec.q", 1);
  const before = Date.now();
  await client.sendQuery({ channel: "rec.q", requestId: "q1", body: enc("x"), timeoutMs: 2000 });
  await answered.close();
  // No subscriber: Error 301 after the timeout, never delivered.
  await client.sendQuery({ channel: "rec.q", requestId: "q2", body: enc("x"), timeoutMs: 100 })
    .catch(() => {});
  // A subscriber that never answers, then a crash-like stop cuts the waiting query.
  const silent = client.subscribeQueries("rec.q", "", () => undefined);
  await broker.waitForSubscribers("rec.q", 1);
  const cut = client.sendQuery({
    channel: "rec.q",
    requestId: "q3",
    body: enc("x"),
    timeoutMs: 10_000,
  }).catch((err) => err);
  while (silent.received.length === 0) await new Promise((r) => setTimeout(r, 10));
  await broker.stop();
  await cut;
  const rec = await broker.records("rec.q");
  const [q1, q2, q3] = ["q1", "q2", "q3"].map((id) => rec.requests.find((r) => r.id === id)!);
  assert.equal(q1?.outcome, "answered");
  assert.equal(q1?.type, "query");
  assert.equal(q1?.deliveredAt.length, 1);
  assert.equal(q1?.respondedAt.length, 1);
  assert.ok(q1!.at >= before && q1!.deliveredAt[0]! >= q1!.at);
  assert.equal(q2?.outcome, "timeout");
  assert.deepEqual(q2?.deliveredAt, []);
  assert.equal(q3?.outcome, "stopped");
  assert.equal(q3?.deliveredAt.length, 1);
  assert.deepEqual(q3?.respondedAt, []);
  assert.equal(rec.stops.length, 1);
  assert.equal(rec.stops[0]!.graceful, false);
  assert.ok(rec.stops[0]!.endedAt! >= rec.stops[0]!.at && rec.stops[0]!.at >= q3!.deliveredAt[0]!);
  assert.deepEqual(await broker.records("rec.other"), {
    stops: rec.stops,
    requests: [],
    queue: [],
    events: [],
  });
  await silent.close();
});

Deno.test("records: a queue message's deliveries, its return when its holder went away, and its ack", async () => {
  await using broker = await startTestBroker({ records: true });
  using q = createQueuesClient({ address: broker.address });
  await q.send({ channel: "rec.queue", id: "m1", body: "x" });
  const first = await q.receive("rec.queue", { visibilitySeconds: 5 });
  first!.stream.cancel();
  await first!.stream.ended;
  const second = await q.receive("rec.queue", { visibilitySeconds: 5 });
  await second!.ack();
  const [m1] = (await broker.records("rec.queue")).queue;
  assert.equal(m1?.id, "m1");
  assert.equal(m1?.deliveredAt.length, 2);
  assert.equal(m1?.returned, 1);
  assert.equal(m1?.acks, 1);
  assert.equal(m1?.rejects, 0);
});

Deno.test("records: an event's deliveries, none without a subscriber, and events-store replays", async () => {
  await using broker = await startTestBroker({ records: true });
  using q = createQueuesClient({ address: broker.address });
  await q.sendEvent({ channel: "rec.ev", id: "e0", body: "x" });
  const sub = q.subscribeEvents({ channel: "rec.ev" });
  await broker.waitForSubscribers("rec.ev", 1);
  await q.sendEvent({ channel: "rec.ev", id: "e1", body: "x" });
  await sub.waitFor(1);
  await sub.close();
  const ev = (await broker.records("rec.ev")).events;
  assert.deepEqual(ev.map((e) => [e.id, e.store, e.deliveredAt.length]), [
    ["e0", false, 0],
    ["e1", false, 1],
  ]);
  await q.sendEvent({ channel: "rec.st", id: "s1", body: "x", store: true });
  const replay = q.subscribeEvents({ channel: "rec.st", store: true, startType: 2 });
  await replay.waitFor(1);
  await replay.close();
  const [s1] = (await broker.records("rec.st")).events;
  assert.deepEqual([s1?.id, s1?.store, s1?.deliveredAt.length], ["s1", true, 1]);
});

Deno.test("records: without --records the broker keeps none", async () => {
  await using broker = await startTestBroker();
  using q = createQueuesClient({ address: broker.address });
  await q.send({ channel: "rec.none", id: "m1", body: "x" });
  await broker.stop();
  assert.deepEqual(await broker.records("rec.none"), {
    stops: [],
    requests: [],
    queue: [],
    events: [],
  });
});
