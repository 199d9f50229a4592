// The lifecycle the subscribing sources share, with fake streams: every subscription connected
// makes the source connected, a stream's end is recorded as the last error, giving up is told to
// the listeners once, and stop cancels the streams and drains what is in flight.
import assert from "node:assert/strict";
import { getLogger } from "@logtape/logtape";
import {
  type StreamEndInfo,
  type StreamHandle,
  SubscriptionSet,
} from "../../../lib/sources/kubemq/subscription_set.ts";

class FakeStream implements StreamHandle {
  paused = false;
  cancelled = false;
  end: ((e: StreamEndInfo) => void) | null = null;
  pause() {
    this.paused = true;
  }
  resume() {
    this.paused = false;
  }
  cancel() {
    this.cancelled = true;
    this.end?.({ code: 1, message: "CANCELLED" });
  }
}

function set(count: number, policy = { auto_reconnect: true, max_reconnects: 0 }) {
  return new SubscriptionSet<FakeStream>({
    kind: "test.kind",
    channel: "ch",
    log: getLogger(["test"]),
    count,
    concurrency: 1,
    policy: { ...policy, intervalMs: 0 },
  });
}

/** A set of `count` subscriptions started on fake streams, and the streams it opened. */
async function started(count: number) {
  const subs = set(count);
  const streams: FakeStream[] = [];
  await subs.start((slot, opened) =>
    subs.watch(slot, 60_000, (_healthy, ended) => {
      const s = new FakeStream();
      s.end = ended;
      streams.push(s);
      return s;
    }, opened)
  );
  return { subs, streams };
}

Deno.test("SubscriptionSet: connected once every stream is open; an end is the last error; stop cancels and drains", async () => {
  const { subs, streams } = await started(2);
  assert.equal(streams.length, 2);
  assert.equal(subs.state().connected, true);
  // At the concurrency bound every stream is paused, and a stream opened then starts paused.
  subs.gate.enter();
  assert.ok(streams.every((s) => s.paused));
  // The server ends one: not connected, the reason recorded; the loop opens a new one.
  streams[0]!.end!({ code: 0, message: "OK" });
  assert.equal(subs.state().connected, false);
  assert.equal(subs.state().lastError, "Subscription to ch was ended by the server");
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(streams.length, 3);
  assert.equal(streams[2]!.paused, true);
  assert.equal(subs.state().reconnects, 1);
  assert.equal(subs.state().connected, true);
  // Stop: every live stream cancelled, the one message in flight waited for up to drainMs.
  const stopped = subs.stop(1000);
  setTimeout(() => subs.gate.leave(), 10);
  assert.equal(await stopped, 0);
  // The live streams (the first had already ended).
  assert.deepEqual(streams.map((s) => s.cancelled), [false, true, true]);
  assert.equal(subs.state().connected, false);
  assert.equal(subs.over(), true);
  assert.equal(subs.signal.aborted, true);
});

Deno.test("SubscriptionSet: giving up is told once, with the last error, to listeners before and after", async () => {
  const subs = set(1, { auto_reconnect: true, max_reconnects: 2 });
  const told: string[] = [];
  subs.onDead((reason) => told.push(`early: ${reason}`));
  let attempts = 0;
  await subs.start(() => {
    attempts++;
    subs.failed(`Ping failed ${attempts}`);
    return Promise.resolve(false);
  });
  for (let i = 0; i < 50 && told.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
  subs.onDead((reason) => told.push(`late: ${reason}`));
  await new Promise((r) => setTimeout(r, 5));
  const reason = "Gave up after 2 failed reconnect attempt(s) (max_reconnects): Ping failed 3";
  assert.deepEqual(told, [`early: ${reason}`, `late: ${reason}`]);
  assert.equal(attempts, 3);
  assert.equal(subs.state().dead, true);
  assert.equal(subs.over(), true);
  assert.equal(await subs.stop(10), 0);
});

Deno.test("SubscriptionSet: a stop with endStreams reads unpaused until the server ends the streams, and cancels only what stays open", async () => {
  const { subs, streams } = await started(2);
  subs.gate.enter();
  assert.ok(streams.every((s) => s.paused));
  let ends = 0;
  const t0 = performance.now();
  const inFlight = subs.stop(50, () => {
    ends++;
    // The gate was opened first: nothing is held back while the server ends the streams.
    assert.ok(streams.every((s) => !s.paused));
    // The server ends the first stream now; the second never ends by itself.
    setTimeout(() => streams[0]!.end!({ code: 14, message: "UNAVAILABLE: connection closed" }), 5);
  });
  subs.gate.enter(); // a message that arrives during the stop does not pause the streams again
  assert.ok(streams.every((s) => !s.paused));
  subs.gate.leave();
  subs.gate.leave();
  assert.equal(await inFlight, 0);
  assert.equal(ends, 1);
  assert.equal(streams[0]!.cancelled, false, "the stream the server ended was not cancelled");
  assert.equal(streams[1]!.cancelled, true, "the one still open was cancelled");
  assert.ok(performance.now() - t0 >= 1900, "cancelled only after the wait for the server");
  assert.equal(streams.length, 2, "no new attempt while stopping");
});
