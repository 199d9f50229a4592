/**
 * The events client (events_client.ts) for real: SubscribeToEvents (events and events-store
 * with each start position) and SendEvent over the lean transport, against the test broker. A
 * kubemq-js client (testing/kubemq_queues.ts) is the independent witness on the other side.
 */
import assert from "node:assert/strict";
import { openConnection } from "../../../lib/sources/kubemq/connection.ts";
import {
  createEventsClient,
  type EventsClient,
  type ReceivedEvent,
} from "../../../lib/sources/kubemq/events_client.ts";
import { Status } from "../../../lib/sources/kubemq/grpc_h2.ts";
import { EventsStoreType, type StartPosition } from "../../../lib/sources/kubemq/pb_events.ts";
import type { StreamEnd } from "../../../lib/sources/kubemq/requests_port.ts";
import type { TestBroker } from "../../../testing/broker.ts";
import type { QueuesClient } from "../../../testing/kubemq_queues.ts";
import { CLIENT, dec, enc, sleep, withClient as withSharedClient } from "./_client_harness.ts";
import { waitUntil } from "../../../testing/wait_until.ts";

let n = 0;
const channel = () => `ec.test.${Date.now().toString(36)}.${n++}`;

const withClient = (
  fn: (client: EventsClient, broker: TestBroker, witness: QueuesClient) => Promise<void>,
  opts: { authToken?: string } = {},
) => withSharedClient(createEventsClient, fn, opts);

/** A subscription that collects what it receives. */
function subscribe(
  client: EventsClient,
  opts: { channel: string; store?: boolean; group?: string; start?: StartPosition },
) {
  const received: ReceivedEvent[] = [];
  const { promise: ended, resolve } = Promise.withResolvers<StreamEnd>();
  const handle = client.subscribe(
    {
      store: opts.store ?? false,
      channel: opts.channel,
      group: opts.group ?? "",
      clientId: CLIENT,
      ...(opts.start ? { start: opts.start } : {}),
    },
    (e) => received.push(e),
    resolve,
  );
  const waitFor = (count: number) =>
    waitUntil(`${count} events`, () => received.length >= count, 5000, 10);
  return { handle, received, ended, waitFor };
}

Deno.test("events client: a subscription gets each event with every field; cancel ends it", () =>
  withClient(async (client, broker, witness) => {
    const ch = channel();
    const sub = subscribe(client, { channel: ch });
    await broker.waitForSubscribers(ch, 1);
    const body = new Uint8Array(200_000).map((_, i) => i % 253);
    const sent = await witness.sendEvent({
      channel: ch,
      body,
      metadata: "meta ✓",
      tags: { "ключ": "значение", "": "" },
    });
    assert.equal(sent.sent, true);
    await sub.waitFor(1);
    const e = sub.received[0]!;
    assert.equal(e.id, sent.id);
    assert.equal(e.channel, ch);
    assert.equal(e.metadata, "meta ✓");
    assert.deepEqual(e.body, body);
    assert.deepEqual(e.tags, { "ключ": "значение", "": "" });
    assert.equal(e.sequence, 0, "plain events have no sequence");
    sub.handle.cancel();
    assert.equal((await sub.ended).code, Status.CANCELLED);
    await waitUntil("no subscription", async () => (await broker.stats()).eventSubscriptions === 0);
  }));

Deno.test("events client: send delivers body and tags; a refused send names the server's error", () =>
  withClient(async (client, broker, witness) => {
    const ch = channel();
    const watch = witness.subscribeEvents({ channel: ch });
    await broker.waitForSubscribers(ch, 1);
    await client.send(
      { channel: ch, body: enc("hello"), store: false, tags: { k: "v" } },
      CLIENT,
      5000,
    );
    const [got] = await watch.waitFor(1);
    assert.equal(dec(got!.body), "hello");
    assert.deepEqual(got!.tags, { k: "v" });
    assert.equal(got!.channel, ch);
    await watch.close();
    await assert.rejects(
      client.send({ channel: "bad channel", body: enc("x"), store: false }, CLIENT, 5000),
      (e: Error) =>
        e.message.startsWith("send event to bad channel failed: ") &&
        e.message.includes("Error 108: invalid channel value, no white spaces are allowed"),
    );
    await assert.rejects(
      client.send({ channel: ch, body: new Uint8Array(), store: true }, CLIENT, 5000),
      /Error 110: invalid message, cannot be empty/,
    );
    assert.equal((await broker.stats()).events.events, 1);
  }));

Deno.test("events client: events-store start positions first, last, sequence, time, delta, new", () =>
  withClient(async (client, broker) => {
    const ch = channel();
    const send = (i: number) =>
      client.send({ channel: ch, body: enc(`e${i}`), store: true }, CLIENT, 5000);
    await send(1);
    await sleep(20);
    // Unix nanoseconds: past 2^53, as StartAtTime takes them.
    const afterFirstNs = Date.now() * 1_000_000;
    assert.ok(afterFirstNs > 2 ** 53);
    await sleep(20);
    await send(2);
    await send(3);
    assert.equal((await broker.queue(ch)).stored, 3);
    const starts: [string, StartPosition, number[]][] = [
      ["first", { type: EventsStoreType.StartFromFirst, value: 0 }, [1, 2, 3]],
      ["last", { type: EventsStoreType.StartFromLast, value: 0 }, [3]],
      ["sequence 2", { type: EventsStoreType.StartAtSequence, value: 2 }, [2, 3]],
      ["time", { type: EventsStoreType.StartAtTime, value: afterFirstNs }, [2, 3]],
      ["delta", { type: EventsStoreType.StartAtTimeDelta, value: 3600 }, [1, 2, 3]],
      ["new only", { type: EventsStoreType.StartNewOnly, value: 0 }, []],
    ];
    const subs = starts.map(([, start]) => subscribe(client, { channel: ch, store: true, start }));
    await broker.waitForSubscribers(ch, subs.length);
    await send(4);
    for (const [i, [name, , history]] of starts.entries()) {
      const sub = subs[i]!;
      await sub.waitFor(history.length + 1);
      await sleep(50);
      assert.deepEqual(sub.received.map((e) => e.sequence), [...history, 4], name);
      assert.deepEqual(sub.received.map((e) => dec(e.body)), [...history, 4].map((s) => `e${s}`));
      sub.handle.cancel();
    }
  }));

Deno.test("events client: a subscription the server refuses ends with its error", () =>
  withClient(async (client) => {
    const sub = subscribe(client, {
      channel: channel(),
      store: true,
      start: { type: EventsStoreType.StartAtSequence, value: 0 },
    });
    const end = await sub.ended;
    assert.equal(end.code, Status.INTERNAL);
    assert.match(end.message, /Error 112: invalid subscription type start at sequence value/);
  }));

Deno.test("events client: the server ending the stream is code 0; a stopped broker UNAVAILABLE", () =>
  withClient(async (client, broker) => {
    const ch = channel();
    const first = subscribe(client, { channel: ch });
    await broker.waitForSubscribers(ch, 1);
    assert.equal(await broker.endStreams(), 1);
    assert.deepEqual(await first.ended, { code: Status.OK, message: "OK" });
    const second = subscribe(client, {
      channel: ch,
      store: true,
      start: { type: EventsStoreType.StartFromFirst, value: 0 },
    });
    await broker.waitForSubscribers(ch, 1);
    await broker.stop();
    const end = await second.ended;
    assert.equal(end.code, Status.UNAVAILABLE, end.message);
    assert.match(end.message, /^UNAVAILABLE/);
    await assert.rejects(
      client.send({ channel: ch, body: enc("x"), store: false }, CLIENT, 2000),
      /send event to .* failed: (UNAVAILABLE|DEADLINE_EXCEEDED)/,
    );
  }));

Deno.test("events client: the auth token goes with every call and never into an error", async () => {
  await withClient(async (client, broker) => {
    const ch = channel();
    const sub = subscribe(client, { channel: ch });
    await broker.waitForSubscribers(ch, 1);
    await client.send({ channel: ch, body: enc("x"), store: false }, CLIENT, 5000);
    await sub.waitFor(1);
    sub.handle.cancel();
    await sub.ended;
    const stats = await broker.stats();
    assert.equal(stats.authTokens.SubscribeToEvents, "s3cret-token");
    assert.equal(stats.authTokens.SendEvent, "s3cret-token");
    const bad = openConnection({
      address: broker.address,
      maxMessageBytes: 1024,
      authToken: "wrong-s3cret",
    });
    try {
      const badClient = createEventsClient(bad);
      const end = await subscribe(badClient, { channel: ch }).ended;
      assert.equal(end.code, Status.UNAUTHENTICATED);
      assert.ok(!end.message.includes("wrong-s3cret"), end.message);
      const err = await badClient.send({ channel: ch, body: enc("x"), store: false }, CLIENT, 5000)
        .then(() => null, (e: Error) => e);
      assert.match(err?.message ?? "", /UNAUTHENTICATED/);
      assert.ok(!err!.message.includes("wrong-s3cret"), err!.message);
    } finally {
      bad.close();
    }
  }, { authToken: "s3cret-token" });
});
