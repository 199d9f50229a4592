// The test broker's events and events-store follow the real KubeMQ server's rules
// (docs/broker-protocol.md), checked through kubemq-js's generated gRPC client.
// Run: deno test -A tests/tools/broker/

import assert from "node:assert/strict";
import { startTestBroker, type TestBroker } from "../../../testing/broker.ts";
import { createQueuesClient, type QueuesClient } from "../../../testing/kubemq_queues.ts";
import { EventsStoreType } from "../../../lib/sources/kubemq/pb_events.ts";

const dec = (b: Uint8Array) => new TextDecoder().decode(b);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let n = 0;
const channel = () => `ev.test.${Date.now().toString(36)}.${n++}`;

async function withBroker(fn: (broker: TestBroker, c: QueuesClient) => Promise<void>) {
  await using broker = await startTestBroker();
  using c = createQueuesClient({ address: broker.address });
  await fn(broker, c);
}

Deno.test("events: every ungrouped subscriber gets each event, a group gets it once", () =>
  withBroker(async (broker, c) => {
    const ch = channel();
    const a = c.subscribeEvents({ channel: ch });
    const b = c.subscribeEvents({ channel: ch });
    const g1 = c.subscribeEvents({ channel: ch, group: "g" });
    const g2 = c.subscribeEvents({ channel: ch, group: "g" });
    const wild = c.subscribeEvents({ channel: "ev.test.>" });
    await broker.waitForSubscribers(ch, 5);
    for (let i = 0; i < 10; i++) {
      const r = await c.sendEvent({ channel: ch, body: `e${i}`, tags: { i: String(i) } });
      assert.equal(r.sent, true);
    }
    await a.waitFor(10);
    await b.waitFor(10);
    await wild.waitFor(10);
    await sleep(200);
    assert.equal(g1.received.length + g2.received.length, 10);
    assert.equal(a.received[3]!.tags.i, "3");
    assert.equal(dec(a.received[9]!.body), "e9");
    // Plain events are not stored: no sequence, no timestamp.
    assert.equal(a.received[0]!.sequence, 0);
    for (const s of [a, b, g1, g2, wild]) await s.close();
  }));

Deno.test("events: an event with no subscriber is gone; a later subscriber never sees it", () =>
  withBroker(async (broker, c) => {
    const ch = channel();
    assert.equal((await c.sendEvent({ channel: ch, body: "lost" })).sent, true);
    const s = c.subscribeEvents({ channel: ch });
    await broker.waitForSubscribers(ch, 1);
    await c.sendEvent({ channel: ch, body: "seen" });
    const [got] = await s.waitFor(1);
    assert.equal(dec(got!.body), "seen");
    await sleep(100);
    assert.equal(s.received.length, 1);
    await s.close();
  }));

Deno.test("events-store: start positions new, first, last, sequence, time and time delta", () =>
  withBroker(async (broker, c) => {
    const ch = channel();
    for (let i = 1; i <= 3; i++) await c.sendEvent({ channel: ch, body: `s${i}`, store: true });
    assert.equal((await broker.queue(ch)).stored, 3);
    const probe = c.subscribeEvents({
      channel: ch,
      store: true,
      startType: EventsStoreType.StartFromFirst,
    });
    const all = await probe.waitFor(3);
    assert.deepEqual(all.map((e) => e.sequence), [1, 2, 3]);
    assert.deepEqual(all.map((e) => dec(e.body)), ["s1", "s2", "s3"]);
    assert.ok(all[0]!.timestamp > 1e18, "timestamps are unix nanoseconds");

    const start = (startType: number, startValue = 0) =>
      c.subscribeEvents({ channel: ch, store: true, startType, startValue });
    const subs = {
      newOnly: start(EventsStoreType.StartNewOnly),
      last: start(EventsStoreType.StartFromLast),
      seq: start(EventsStoreType.StartAtSequence, 2),
      time: start(EventsStoreType.StartAtTime, all[1]!.timestamp),
      delta: start(EventsStoreType.StartAtTimeDelta, 3600),
    };
    await broker.waitForSubscribers(ch, 6);
    await c.sendEvent({ channel: ch, body: "s4", store: true });
    const bodies = async (s: typeof probe, count: number) =>
      (await s.waitFor(count)).map((e) => dec(e.body));
    assert.deepEqual(await bodies(subs.newOnly, 1), ["s4"]);
    assert.deepEqual(await bodies(subs.last, 2), ["s3", "s4"]);
    assert.deepEqual(await bodies(subs.seq, 3), ["s2", "s3", "s4"]);
    assert.deepEqual(await bodies(subs.time, 3), ["s2", "s3", "s4"]);
    assert.deepEqual(await bodies(subs.delta, 4), ["s1", "s2", "s3", "s4"]);
    assert.deepEqual(await bodies(probe, 4), ["s1", "s2", "s3", "s4"]);
    await sleep(100);
    assert.equal(subs.newOnly.received.length, 1);
    for (const s of [probe, ...Object.values(subs)]) await s.close();
  }));

Deno.test("events-store: the store survives a broker crash and restart", () =>
  withBroker(async (broker, c) => {
    const ch = channel();
    await c.sendEvent({ channel: ch, body: "kept", store: true });
    const live = c.subscribeEvents({ channel: ch, store: true });
    await broker.waitForSubscribers(ch, 1);
    await broker.stop();
    assert.equal((await live.ended).code, 14);
    await broker.restart();
    const s = c.subscribeEvents({
      channel: ch,
      store: true,
      startType: EventsStoreType.StartFromFirst,
    });
    const [got] = await s.waitFor(1);
    assert.equal(dec(got!.body), "kept");
    await s.close();
  }));

Deno.test("events: subscription validation errors are the server's", () =>
  withBroker(async (_broker, c) => {
    const fails = async (opts: Parameters<QueuesClient["subscribeEvents"]>[0], re: RegExp) => {
      const s = c.subscribeEvents(opts);
      const end = await s.ended;
      assert.equal(end.code, 13, `${JSON.stringify(opts)}: ${end.details}`);
      assert.match(end.details, re);
    };
    await fails({ channel: "" }, /^Error 102: /);
    await fails({ channel: "a." }, /^Error 119: /);
    await fails({ channel: "a b" }, /^Error 108: /);
    await fails({ channel: "a", clientId: "" }, /^Error 101: /);
    await fails({ channel: "a", startType: EventsStoreType.StartFromFirst }, /^Error 118: /);
    await fails({ channel: "a.*", store: true }, /^Error 107: /);
    await fails({ channel: "a", store: true, startType: 0 }, /^Error 111: /);
    await fails({
      channel: "a",
      store: true,
      startType: EventsStoreType.StartAtSequence,
    }, /^Error 112: /);
    await fails(
      { channel: "a", store: true, startType: EventsStoreType.StartAtTime },
      /^Error 113/,
    );
    await fails({
      channel: "a",
      store: true,
      startType: EventsStoreType.StartAtTimeDelta,
    }, /^Error 114: /);
    await assert.rejects(c.sendEvent({ channel: "a" }), /Error 110: /);
    await assert.rejects(c.sendEvent({ channel: "a.*", body: "x" }), /Error 107: /);
  }));

Deno.test("events: SendEventsStream answers every stored event and only failed plain ones", () =>
  withBroker(async (broker, c) => {
    const ch = channel();
    const results = await c.sendEventsStream([
      { channel: ch, body: "plain" },
      { channel: ch, body: "stored", store: true },
      { channel: "", body: "bad" },
      { channel: ch, body: "stored2", store: true },
    ]);
    assert.equal(results.length, 3);
    assert.deepEqual(results.map((r) => r.sent), [true, false, true]);
    assert.match(results[1]!.error, /^Error 102: /);
    assert.equal((await broker.queue(ch)).stored, 2);
  }));

Deno.test("events: GET /events names the subscribers each event was written to", () =>
  withBroker(async (broker, c) => {
    const ch = channel();
    const g1 = c.subscribeEvents({ channel: ch, group: "g", clientId: "member-1" });
    const g2 = c.subscribeEvents({ channel: ch, group: "g", clientId: "member-2" });
    const solo = c.subscribeEvents({ channel: ch, clientId: "solo" });
    await broker.waitForSubscribers(ch, 3);
    for (let i = 0; i < 6; i++) {
      assert.equal((await c.sendEvent({ channel: ch, body: `e${i}`, id: `id-${i}` })).sent, true);
    }
    await solo.waitFor(6);
    await sleep(100);
    const records = await broker.events(ch);
    assert.deepEqual(records.map((r) => r.eventId), [0, 1, 2, 3, 4, 5].map((i) => `id-${i}`));
    for (const r of records) {
      assert.equal(r.deliveredTo.length, 2, JSON.stringify(r));
      assert.equal(r.deliveredTo.filter((to) => to === "solo").length, 1);
      assert.equal(r.deliveredTo.filter((to) => to.startsWith("member-")).length, 1);
    }
    const toMembers = records.flatMap((r) => r.deliveredTo).filter((t) => t !== "solo").length;
    assert.equal(toMembers, g1.received.length + g2.received.length);
    assert.deepEqual(await broker.events("other"), []);
    for (const s of [g1, g2, solo]) await s.close();
  }));
