/**
 * The lean transport's own behaviour (grpc_h2.ts) against a bare HTTP/2 peer that never answers:
 * keepalive ending a call on a dead connection, and a bidirectional call's writes and cancel.
 * The calls against a real server are in requests_client_test.ts, queue_client_test.ts and
 * events_client_test.ts.
 */
import assert from "node:assert/strict";
import { type GrpcError, GrpcH2Channel, Status } from "../../../lib/sources/kubemq/grpc_h2.ts";
import {
  decodeStreamQueueResponse,
  encodeStreamQueueRequest,
  StreamRequestType,
} from "../../../lib/sources/kubemq/pb_queues.ts";
import { startTestBroker } from "../../../testing/broker.ts";
import { startRawH2Server } from "../../../testing/h2_raw_server.ts";
import { waitUntil } from "../../../testing/wait_until.ts";

/** `promise`, or a failure naming `what` after `ms` (a call that never settles fails, not hangs). */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not settled within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

function channel(address: string, extra: { keepaliveTimeMs?: number; maxSendBytes?: number }) {
  return new GrpcH2Channel({
    address,
    headers: {},
    maxReceiveBytes: 1024,
    maxSendBytes: extra.maxSendBytes ?? 1024,
    keepaliveTimeMs: extra.keepaliveTimeMs ?? 300_000,
    keepaliveTimeoutMs: 100,
  });
}

function openDuplex(ch: GrpcH2Channel) {
  const { promise: ended, resolve } = Promise.withResolvers<GrpcError | null>();
  const call = ch.duplex("/kubemq.kubemq/StreamQueueMessage", () => {}, resolve);
  return { call, ended };
}

Deno.test("an open call on a connection whose PINGs go unanswered ends UNAVAILABLE", async () => {
  await using server = startRawH2Server({ ackPings: false });
  const ch = channel(server.address, { keepaliveTimeMs: 50 });
  try {
    const { call, ended } = openDuplex(ch);
    assert.equal(call.write(new Uint8Array([1, 2, 3])), true);
    const error = await ended;
    assert.equal(error?.code, Status.UNAVAILABLE);
    assert.equal(
      error?.message,
      "UNAVAILABLE: Connection dropped: keepalive ping not acknowledged",
    );
    assert.ok(server.pings >= 1);
    assert.equal(call.write(new Uint8Array([4])), false, "no write after the end");
    // The next call makes a new session.
    const again = openDuplex(ch);
    await waitUntil("the second request", () => server.requests >= 2, 5000, 10);
    again.call.cancel();
    assert.equal((await again.ended)?.code, Status.CANCELLED);
  } finally {
    ch.close();
  }
});

Deno.test("duplex: cancel ends the call CANCELLED once; later writes are refused", async () => {
  await using server = startRawH2Server({ ackPings: true });
  const ch = channel(server.address, {});
  try {
    let ends = 0;
    const { promise: ended, resolve } = Promise.withResolvers<GrpcError | null>();
    const call = ch.duplex("/kubemq.kubemq/StreamQueueMessage", () => {}, (e) => {
      ends++;
      resolve(e);
    });
    assert.equal(call.write(new Uint8Array(10)), true);
    call.cancel();
    call.cancel();
    const error = await ended;
    assert.equal(error?.code, Status.CANCELLED);
    assert.equal(call.write(new Uint8Array(1)), false);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(ends, 1);
  } finally {
    ch.close();
  }
});

Deno.test("duplex: a message over maxSendBytes is not sent and ends the call", async () => {
  await using server = startRawH2Server({ ackPings: true });
  const ch = channel(server.address, { maxSendBytes: 16 });
  try {
    const { call, ended } = openDuplex(ch);
    assert.equal(call.write(new Uint8Array(16)), true);
    assert.equal(call.write(new Uint8Array(17)), false);
    assert.equal((await ended)?.code, Status.CANCELLED);
  } finally {
    ch.close();
  }
});

Deno.test("duplex on a closed channel ends UNAVAILABLE and refuses writes", async () => {
  const ch = channel("127.0.0.1:1", {});
  ch.close();
  const { call, ended } = openDuplex(ch);
  assert.equal(call.write(new Uint8Array(1)), false);
  const error = await ended;
  assert.equal(error?.code, Status.UNAVAILABLE);
  assert.equal(error?.message, "UNAVAILABLE: Channel has been shut down");
});

Deno.test("duplex: the server ending the call settles it, though our side never half-closed", async () => {
  await using broker = await startTestBroker({ authToken: "t" });
  const ch = new GrpcH2Channel({
    address: broker.address,
    headers: { authorization: "t" },
    maxReceiveBytes: 1024,
    maxSendBytes: 1024,
    keepaliveTimeMs: 300_000,
    keepaliveTimeoutMs: 20_000,
  });
  try {
    // Status OK after the last message: an empty queue answers Error 138 and ends the stream.
    const messages: string[] = [];
    const { promise: ended, resolve } = Promise.withResolvers<GrpcError | null>();
    const call = ch.duplex(
      "/kubemq.kubemq/StreamQueueMessage",
      (m) => messages.push(decodeStreamQueueResponse(m).error),
      resolve,
    );
    const receive = encodeStreamQueueRequest({
      requestId: "r-1",
      clientId: "c",
      type: StreamRequestType.Receive,
      channel: "empty",
      visibilitySeconds: 5,
      waitSeconds: 1,
    });
    assert.equal(call.write(receive), true);
    assert.equal(await within(ended, 5000, "the call ended with OK"), null);
    assert.deepEqual(messages, ["Error 138: no new message in queue, wait time expired"]);
    assert.equal(call.write(receive), false);
    // A trailers-only error status, before any message.
    const bad = new GrpcH2Channel({
      address: broker.address,
      headers: { authorization: "wrong" },
      maxReceiveBytes: 1024,
      maxSendBytes: 1024,
      keepaliveTimeMs: 300_000,
      keepaliveTimeoutMs: 20_000,
    });
    try {
      const { promise: refused, resolve: onEnd } = Promise.withResolvers<GrpcError | null>();
      bad.duplex("/kubemq.kubemq/StreamQueueMessage", () => {}, onEnd).write(receive);
      const error = await within(refused, 5000, "the refused call");
      assert.equal(error?.code, Status.UNAUTHENTICATED);
    } finally {
      bad.close();
    }
  } finally {
    ch.close();
  }
});
