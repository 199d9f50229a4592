/**
 * The contract of the KubeMQ requests client (requests_client.ts on the lean node:http2
 * transport), through the test broker with a kubemq-js sender. Plus the transport's message
 * framing on its own.
 */
import assert from "node:assert/strict";
import type { KubemqClientConfig } from "../../../lib/sources/kubemq/client_config.ts";
import type {
  KubemqRequestsClient as KubemqQueryClient,
  ReceivedRequest as ReceivedQuery,
  StreamEnd,
} from "../../../lib/sources/kubemq/requests_port.ts";
import {
  createKubemqRequestsClient,
  SubscribeRequests,
} from "../../../lib/sources/kubemq/requests_client.ts";
import { MessageFramer, Status } from "../../../lib/sources/kubemq/grpc_h2.ts";
import { COLLECT_EVERY_BYTES } from "../../../lib/sources/kubemq/grpc_framing.ts";
import type { Pieces } from "../../../lib/pieces.ts";
import { startTestBroker } from "../../../testing/broker.ts";
import { createKubemqClient } from "../../../testing/kubemq_client.ts";
import { makeCerts } from "../../../testing/tls_certs.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();
const MiB = 1024 * 1024;
const transports: [string, (c: KubemqClientConfig) => KubemqQueryClient][] = [
  ["queries", (c) => createKubemqRequestsClient(c, SubscribeRequests.Queries)],
];

function config(address: string, extra: Partial<KubemqClientConfig> = {}): KubemqClientConfig {
  return { address, maxMessageBytes: 100 * MiB, ...extra };
}

/** Subscribes, answering each query with `answer(query)`; resolves once the broker has it. */
function subscribe(
  client: KubemqQueryClient,
  channel: string,
  answer: (q: ReceivedQuery) => Uint8Array | Pieces,
) {
  const queries: ReceivedQuery[] = [];
  const { promise: ended, resolve } = Promise.withResolvers<StreamEnd>();
  const handle = client.subscribe(channel, "", "responder-1", (q) => {
    queries.push(q);
    void client.sendResponse({ ...q, clientId: "responder-1", body: answer(q) }, 30_000);
  }, resolve);
  return { handle, queries, ended };
}

for (const [name, create] of transports) {
  Deno.test(`${name}: ping, a query and its response carry every protocol field`, async () => {
    await using broker = await startTestBroker();
    const client = create(config(broker.address));
    using sender = createKubemqClient({ address: broker.address, clientId: "sender-1" });
    try {
      const info = await client.ping(5000);
      assert.equal(typeof info.host, "string");
      const sub = subscribe(client, "q", (q) => enc.encode(`re:${dec.decode(q.body)}`));
      await broker.waitForSubscribers("q", 1);
      const res = await sender.sendQuery({
        channel: "q",
        body: enc.encode("hello"),
        metadata: "meta",
        timeoutMs: 4321,
        requestId: "req-1",
      });
      assert.equal(dec.decode(res.body), "re:hello");
      assert.equal(res.executed, true);
      assert.equal(res.error, "");
      assert.equal(res.clientId, "responder-1");
      assert.ok(Math.abs(res.timestamp - Date.now() / 1000) < 60, `timestamp ${res.timestamp}`);
      const q = sub.queries[0]!;
      assert.equal(q.requestId, "req-1");
      assert.equal(q.clientId, "sender-1");
      assert.equal(q.channel, "q");
      assert.equal(q.metadata, "meta");
      assert.equal(q.timeoutMs, 4321);
      assert.ok(q.replyChannel !== "", "the broker's reply inbox");
      sub.handle.cancel();
      assert.equal((await sub.ended).code, Status.CANCELLED);
    } finally {
      client.close();
    }
  });

  Deno.test(`${name}: 60 MiB each way, and a query over the limit ends the stream`, async () => {
    await using broker = await startTestBroker();
    const client = create(config(broker.address, { maxMessageBytes: 70 * MiB }));
    using sender = createKubemqClient({ address: broker.address });
    try {
      const big = new Uint8Array(60 * MiB).map((_, i) => i % 251);
      // Pieces of an odd size, produced only when the transport takes them.
      const inPieces: Pieces = {
        byteLength: big.length,
        *pieces() {
          for (let at = 0; at < big.length; at += 7 * MiB + 3) {
            yield big.slice(at, at + 7 * MiB + 3);
          }
        },
      };
      const sub = subscribe(
        client,
        "big",
        (q) =>
          q.body.length === 1
            ? big
            : q.body.length === 2
            ? inPieces
            : enc.encode(`${q.body.length}`),
      );
      await broker.waitForSubscribers("big", 1);
      const up = await sender.sendQuery({ channel: "big", body: big, timeoutMs: 60_000 });
      assert.equal(dec.decode(up.body), String(big.length));
      const down = await sender.sendQuery({
        channel: "big",
        body: new Uint8Array(1),
        timeoutMs: 60_000,
      });
      assert.equal(down.body.length, big.length);
      for (let i = 0; i < big.length; i += 65_521) assert.equal(down.body[i], big[i]);
      const pieces = await sender.sendQuery({
        channel: "big",
        body: new Uint8Array(2),
        timeoutMs: 60_000,
      });
      assert.equal(pieces.body.length, big.length);
      for (let i = 0; i < big.length; i += 65_521) assert.equal(pieces.body[i], big[i]);
      assert.deepEqual(
        pieces.body.subarray(7 * MiB - 5, 7 * MiB + 10),
        big.subarray(7 * MiB - 5, 7 * MiB + 10),
      );
      // Over max_message_bytes + 1 MiB of envelope: the stream fails, the process lives.
      const over = sender.sendQuery({
        channel: "big",
        body: new Uint8Array(72 * MiB),
        timeoutMs: 3000,
      })
        .catch((err) => err);
      const end = await sub.ended;
      assert.equal(end.code, Status.RESOURCE_EXHAUSTED, end.message);
      await over;
    } finally {
      client.close();
    }
  });

  Deno.test(`${name}: the auth token goes with every call and never into an error`, async () => {
    await using broker = await startTestBroker({ authToken: "s3cret-token" });
    const good = create(config(broker.address, { authToken: "s3cret-token" }));
    const bad = create(config(broker.address, { authToken: "wrong-s3cret" }));
    try {
      await good.ping(5000);
      const sub = subscribe(good, "auth", (q) => q.body);
      await broker.waitForSubscribers("auth", 1);
      sub.handle.cancel();
      await sub.ended;
      const stats = await broker.stats();
      assert.equal(stats.authTokens.Ping, "s3cret-token");
      assert.equal(stats.authTokens.SubscribeToRequests, "s3cret-token");
      const err = await bad.ping(5000).then(() => null, (e: Error) => e);
      assert.match(err?.message ?? "", /^UNAUTHENTICATED: /);
      assert.ok(!err!.message.includes("wrong-s3cret"));
    } finally {
      good.close();
      bad.close();
    }
  });

  Deno.test(`${name}: a stopped broker ends the stream UNAVAILABLE; a new call reconnects`, async () => {
    await using broker = await startTestBroker();
    const client = create(config(broker.address));
    try {
      await client.ping(5000);
      const sub = subscribe(client, "r", (q) => q.body);
      await broker.waitForSubscribers("r", 1);
      await broker.stop();
      const end = await sub.ended;
      assert.equal(end.code, Status.UNAVAILABLE, end.message);
      assert.match(end.message, /^UNAVAILABLE/);
      await assert.rejects(client.ping(2000), /UNAVAILABLE|DEADLINE_EXCEEDED/);
      await broker.restart();
      // grpc-js fails calls fast while it backs off; the source's loop retries the same way.
      for (let i = 0;; i++) {
        try {
          await client.ping(5000);
          break;
        } catch (err) {
          if (i >= 50) throw err;
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      const again = subscribe(client, "r", (q) => q.body);
      await broker.waitForSubscribers("r", 1);
      using sender = createKubemqClient({ address: broker.address });
      const res = await sender.sendQuery({
        channel: "r",
        body: enc.encode("back"),
        timeoutMs: 5000,
      });
      assert.equal(dec.decode(res.body), "back");
      again.handle.cancel();
      await again.ended;
    } finally {
      client.close();
    }
  });

  Deno.test(`${name}: the server ending the stream with OK is reported as code 0`, async () => {
    await using broker = await startTestBroker();
    const client = create(config(broker.address));
    try {
      const sub = subscribe(client, "ok", (q) => q.body);
      await broker.waitForSubscribers("ok", 1);
      assert.equal(await broker.endStreams(), 1);
      assert.equal((await sub.ended).code, Status.OK);
    } finally {
      client.close();
    }
  });

  Deno.test(`${name}: pause holds queries back until resume`, async () => {
    await using broker = await startTestBroker();
    const client = create(config(broker.address));
    using sender = createKubemqClient({ address: broker.address });
    try {
      const sub = subscribe(client, "p", (q) => q.body);
      await broker.waitForSubscribers("p", 1);
      sub.handle.pause();
      const pending = sender.sendQuery({
        channel: "p",
        body: enc.encode("later"),
        timeoutMs: 10_000,
      });
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(sub.queries.length, 0);
      sub.handle.resume();
      assert.equal(dec.decode((await pending).body), "later");
      sub.handle.cancel();
      await sub.ended;
    } finally {
      client.close();
    }
  });
}

for (const tls of [false, true]) {
  Deno.test(`endSubscriptions${tls ? " over TLS" : ""}: a member of a group under load gets every query the broker wrote to it, answers them on its other connection, and its stream ends`, async () => {
    const dir = await Deno.makeTempDir({ prefix: "kubemq-half-close-" });
    const certs = tls ? await makeCerts(dir) : null;
    await using broker = await startTestBroker(certs ? { tls: certs.server } : {});
    const channel = `half.${Date.now().toString(36)}`;
    using sender = createKubemqClient({
      address: broker.address,
      ...(certs ? { tls: { ca: await Deno.readFile(certs.ca), serverName: "localhost" } } : {}),
    });
    const clientTls = certs ? { tls: { ca: await Deno.readFile(certs.ca) } } : {};
    const members = [0, 1].map(() =>
      createKubemqRequestsClient(config(broker.address, clientTls), SubscribeRequests.Queries)
    );
    const got = members.map(() => new Set<string>());
    const ended = Promise.withResolvers<StreamEnd>();
    members.forEach((client, i) =>
      client.subscribe(channel, "g", `member-${i}`, (q) => {
        got[i]!.add(q.requestId);
        void client.sendResponse({ ...q, clientId: `member-${i}`, body: q.body }, 10_000);
      }, (end) => i === 0 && ended.resolve(end))
    );
    let stop = false;
    const outcomes: string[] = [];
    try {
      await broker.waitForSubscribers(channel, 2);
      const load = Array.from({ length: 16 }, async () => {
        while (!stop) {
          await sender.sendQuery({ channel, body: enc.encode("q"), timeoutMs: 3000 }).then(
            () => outcomes.push("ok"),
            (err) => outcomes.push(String(err)),
          );
        }
      });
      await new Promise((r) => setTimeout(r, 300));
      members[0]!.endSubscriptions!();
      // The broker ends the stream once it has read the half-close; nobody cancelled it.
      const end = await ended.promise;
      assert.equal(end.code, Status.UNAVAILABLE, end.message);
      await new Promise((r) => setTimeout(r, 300));
      stop = true;
      await Promise.all(load);
      const to0 = (await broker.requests(channel)).filter((r) => r.deliveredTo[0] === "member-0");
      assert.ok(to0.length > 20, `only ${to0.length} queries went to member-0`);
      assert.deepEqual(to0.filter((r) => !got[0]!.has(r.requestId)).map((r) => r.requestId), []);
      assert.deepEqual(outcomes.filter((o) => o !== "ok"), []);
      assert.deepEqual(
        (await broker.subscriptions(channel)).filter((s) => s.clientId === "member-0")
          .map((s) => s.how),
        ["half-closed"],
      );
    } finally {
      stop = true;
      for (const m of members) m.close();
      await Deno.remove(dir, { recursive: true });
    }
  });
}

Deno.test("the framer splits messages across and within chunks, copying each once", () => {
  const framer = new MessageFramer(1024);
  const frame = (bytes: number[]) => [0, 0, 0, 0, bytes.length, ...bytes];
  const stream = new Uint8Array([...frame([1, 2, 3]), ...frame([]), ...frame([9])]);
  const out: number[][] = [];
  // One byte at a time, then all at once: the same messages.
  for (let i = 0; i < stream.length; i++) {
    for (const m of framer.push(stream.subarray(i, i + 1))) out.push([...m]);
  }
  assert.deepEqual(out, [[1, 2, 3], [], [9]]);
  assert.ok(framer.idle);
  assert.deepEqual(framer.push(stream).map((m) => [...m]), [[1, 2, 3], [], [9]]);
});

Deno.test("the framer refuses an oversized or compressed message with a gRPC status", () => {
  assert.throws(
    () => new MessageFramer(10).push(new Uint8Array([0, 0, 0, 0, 11])),
    (e: { code: number; message: string }) =>
      e.code === Status.RESOURCE_EXHAUSTED && /larger than max \(11 vs\. 10\)/.test(e.message),
  );
  assert.throws(
    () => new MessageFramer(10).push(new Uint8Array([1, 0, 0, 0, 1, 0])),
    (e: { code: number }) => e.code === Status.INTERNAL,
  );
});

Deno.test("the framer collects garbage per 32 MiB of a large message and at its end, never for a small one", () => {
  let collections = 0;
  const framer = new MessageFramer(200 * MiB, () => collections++);
  const header = (n: number) => {
    const h = new Uint8Array(5);
    new DataView(h.buffer).setUint32(1, n);
    return h;
  };
  const small = 31 * MiB;
  framer.push(header(small));
  for (let at = 0; at < small; at += MiB) framer.push(new Uint8Array(MiB));
  assert.equal(collections, 0, "a message under 32 MiB");
  const large = COLLECT_EVERY_BYTES * 2 + 100;
  framer.push(header(large));
  // Chunks that straddle the 32 MiB marks: one collection per mark crossed.
  let got: Uint8Array[] = [];
  for (let at = 0; at < large; at += 3 * MiB + 7) {
    got = framer.push(new Uint8Array(Math.min(3 * MiB + 7, large - at)));
  }
  assert.equal(got.length, 1);
  assert.equal(got[0]!.length, large);
  // At 32 and 64 MiB, and once the message is whole.
  assert.equal(collections, 3);
});
