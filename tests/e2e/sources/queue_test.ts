/**
 * The kubemq.queue source through the real stack: a kubemq-js (generated gRPC) client puts
 * messages on a test-broker queue, the connector (started with the production permission flags)
 * takes them, radosgw stores the bytes. Nothing is lost across SIGKILLs, failures go to the
 * dead-letter queue with their error, and an S3 outage is waited out.
 */
import assert from "node:assert/strict";
import { ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { decodeResponse, encodeRequest, type TargetResponse } from "../../../lib/wire.ts";
import { startFaultProxy } from "../../../testing/s3_proxy.ts";
import { startTestBroker, type TestBroker } from "../../../testing/broker.ts";
import {
  startConnector,
  type TestBinding,
  type TestConnector,
  testTargetProperties,
} from "../../../testing/connector.ts";
import {
  createQueuesClient,
  type QueueMsg,
  type QueuesClient,
} from "../../../testing/kubemq_queues.ts";
import { objectSha256, s3TestEnv, withTestBucket } from "../../../testing/s3.ts";
import { sha256 } from "../../../testing/sha256.ts";
import { waitUntil } from "../../../testing/wait_until.ts";

const enc = (s: string) => new TextEncoder().encode(s);
let n = 0;
const channel = () => `jobs.s3.${Date.now().toString(36)}.${n++}`;

/** Random bytes of any length (getRandomValues gives at most 64 KiB per call). */
function randomBytes(length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let at = 0; at < length; at += 65536) {
    crypto.getRandomValues(out.subarray(at, Math.min(length, at + 65536)));
  }
  return out;
}

function upload(bucket: string, key: string, data: Uint8Array): Uint8Array {
  return encodeRequest({
    metadata: { method: "upload_item", bucket_name: bucket, item_name: key },
    data,
  });
}

/** Polls until `check` is true; fails with `what` after `timeoutMs`. */
const waitFor = (what: string, check: () => Promise<boolean>, timeoutMs = 60_000) =>
  waitUntil(what, check, timeoutMs);
/** Pulls every message now in `queue` (acknowledging them). */
async function drain(q: QueuesClient, queue: string): Promise<QueueMsg[]> {
  const all: QueueMsg[] = [];
  for (;;) {
    const got = await q.pull(queue, { max: 1024, waitSeconds: 1 });
    assert.equal(got.isError, false, got.error);
    all.push(...got.messages);
    if (got.messages.length < 1024) return all;
  }
}

async function countObjects(s3: S3Client, bucket: string): Promise<number> {
  let count = 0;
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }),
    );
    count += page.KeyCount ?? 0;
    token = page.NextContinuationToken;
  } while (token);
  return count;
}

function queueBinding(
  broker: TestBroker,
  ch: string,
  source: Record<string, string> = {},
  target?: Record<string, string>,
): TestBinding {
  return {
    name: "queue",
    sourceKind: "kubemq.queue",
    properties: { log_level: "info" },
    source: {
      address: broker.address,
      channel: ch,
      response_channel: `${ch}.responses`,
      ...source,
    },
    ...(target ? { target } : {}),
  };
}

async function startQueueConnector(binding: TestBinding): Promise<TestConnector> {
  return await startConnector({ bindings: [binding] });
}

Deno.test("queue: uploads are stored; poison and failing messages go to the dead-letter queue with their error and the queue keeps moving", async () => {
  await withTestBucket(async (bucket, s3) => {
    await using broker = await startTestBroker();
    using q = createQueuesClient({ address: broker.address });
    const ch = channel();
    // Poison first: the messages behind it must still be processed.
    await q.send({ channel: ch, body: "this is not JSON", tags: { case: "poison" } });
    await q.send({
      channel: ch,
      body: upload("no-such-bucket-kubemq-s3-test", "x", enc("x")),
      tags: { case: "permanent" },
    });
    await q.send({
      channel: ch,
      body: encodeRequest({ metadata: { method: "make_coffee" }, data: null }),
      tags: { case: "unknown-method" },
    });
    // Large bodies: the binding decodes their data over the received bytes, and the dead
    // letter must still be the message as sent, byte for byte.
    const largePermanent = upload("no-such-bucket-kubemq-s3-test", "big", randomBytes(3 << 20));
    await q.send({ channel: ch, body: largePermanent, tags: { case: "large-permanent" } });
    const b64 = randomBytes(3 << 20).toBase64();
    const largePoison = enc(
      `{"metadata":{"method":"upload_item","bucket_name":"${bucket}","item_name":"p"},"data":"${
        b64.slice(0, 2_000_000)
      }*${b64.slice(2_000_001)}"}`,
    );
    await q.send({ channel: ch, body: largePoison, tags: { case: "large-poison" } });
    const good = new Map<string, Uint8Array>();
    for (let i = 0; i < 5; i++) {
      const data = crypto.getRandomValues(new Uint8Array(1000 + i));
      good.set(`good-${i}`, data);
      await q.send({ channel: ch, body: upload(bucket, `good-${i}`, data) });
    }
    await using connector = await startQueueConnector(
      queueBinding(broker, ch, { sources: "2", max_requeue: "3" }),
    );
    await waitFor("10 outcomes", async () => (await broker.queue(`${ch}.responses`)).ready >= 10);
    await waitFor("an empty queue", async () => {
      const state = await broker.queue(ch);
      return state.ready === 0 && state.inFlight === 0;
    });
    for (const [key, data] of good) {
      assert.equal(await objectSha256(s3, bucket, key), await sha256(data), key);
    }
    const dead = await drain(q, `${ch}.dead-letter`);
    assert.equal(dead.length, 5);
    const byCase = new Map(dead.map((m) => [m.tags.case, m]));
    for (
      const [name, sent] of [["large-permanent", largePermanent], ["large-poison", largePoison]]
    ) {
      const letter = byCase.get(name as string)!;
      assert.equal(await sha256(letter.body), await sha256(sent as Uint8Array), `${name}: as sent`);
    }
    assert.equal(byCase.get("large-permanent")!.tags.error_code, "NoSuchBucket");
    assert.equal(byCase.get("large-poison")!.tags.error_code, "InvalidRequest");
    const poison = byCase.get("poison")!;
    assert.equal(new TextDecoder().decode(poison.body), "this is not JSON", "body kept as sent");
    assert.equal(poison.tags.dead_letter_reason, "unparseable");
    assert.equal(poison.tags.error_code, "InvalidRequest");
    assert.match(poison.tags.error!, /invalid request format/);
    assert.equal(poison.tags.source_channel, ch);
    assert.equal(poison.tags.receive_count, "1", "never retried");
    const permanent = byCase.get("permanent")!;
    assert.equal(permanent.tags.dead_letter_reason, "permanent");
    assert.equal(permanent.tags.error_code, "NoSuchBucket");
    assert.equal(permanent.tags.receive_count, "1");
    assert.equal(byCase.get("unknown-method")!.tags.error_code, "UnknownMethod");

    const outcomes = (await drain(q, `${ch}.responses`)).map((m) => decodeResponse(m.body));
    assert.equal(outcomes.length, 10, "one outcome per processed message");
    assert.equal(outcomes.filter((r) => !r.isError).length, 5);
    assert.deepEqual(
      outcomes.filter((r) => r.isError).map((r) => r.metadata.error_code).sort(),
      ["InvalidRequest", "InvalidRequest", "NoSuchBucket", "NoSuchBucket", "UnknownMethod"],
    );
    assert.equal((await broker.stats()).queues.rejected, 0, "nothing was requeued");
    assert.equal(await connector.stop("SIGTERM"), 0);
  }, "queue-dlq");
});

Deno.test("queue: 1,000 uploads survive two SIGKILLs: every object stored with its bytes, none acknowledged unstored, an ok outcome for each", async () => {
  await withTestBucket(async (bucket, s3) => {
    await using broker = await startTestBroker();
    using q = createQueuesClient({ address: broker.address });
    const ch = channel();
    const total = 1000;
    const hashes = new Map<string, string>();
    const batch = [];
    for (let i = 0; i < total; i++) {
      const key = `obj-${String(i).padStart(4, "0")}`;
      const data = crypto.getRandomValues(new Uint8Array(512 + (i * 37) % 3000));
      hashes.set(key, await sha256(data));
      batch.push({ channel: ch, body: upload(bucket, key, data), tags: { key } });
    }
    for (let i = 0; i < total; i += 250) {
      const results = await q.sendBatch(batch.slice(i, i + 250));
      assert.ok(results.every((r) => !r.isError));
    }
    const binding = queueBinding(broker, ch, { sources: "8", max_requeue: "5" });
    const outcomes = async () => (await broker.queue(`${ch}.responses`)).ready;

    for (const killAt of [250, 600]) {
      const connector = await startQueueConnector(binding);
      await waitFor(`${killAt} outcomes`, async () => (await outcomes()) >= killAt, 120_000);
      await connector.stop("SIGKILL");
      // Acks come after the upload, so the acknowledged messages are a subset of the stored
      // objects at any moment (the queue is this test's own; nothing else acks on it).
      const acked = (await broker.stats()).queues.acked;
      const stored = await countObjects(s3, bucket);
      assert.ok(acked <= stored, `acked ${acked} > stored ${stored} after SIGKILL`);
      // Progress: the outcomes counted include the redelivered messages' second outcomes (at most
      // one per receiver per earlier kill) and outcomes sent just before an ack the kill cut
      // (at most one per receiver), so with 8 receivers acks trail outcomes by at most 2 × 8.
      assert.ok(acked >= killAt - 2 * 8, `acked ${acked} < ${killAt} - 16`);
    }
    await using last = await startQueueConnector(binding);
    await waitFor("an empty queue", async () => {
      const state = await broker.queue(ch);
      return state.ready === 0 && state.inFlight === 0;
    }, 180_000);
    assert.equal(await last.stop("SIGTERM"), 0);

    assert.equal(await countObjects(s3, bucket), total);
    for (const [key, hash] of hashes) assert.equal(await objectSha256(s3, bucket, key), hash, key);
    const stats = (await broker.stats()).queues;
    assert.equal(stats.acked, total, "each message acknowledged once");
    assert.equal((await drain(q, `${ch}.dead-letter`)).length, 0);
    const responses = await drain(q, `${ch}.responses`);
    const ok = new Map<string, number>();
    for (const m of responses) {
      const res: TargetResponse = decodeResponse(m.body);
      assert.equal(res.isError, false, res.error);
      ok.set(m.tags.message_id!, (ok.get(m.tags.message_id!) ?? 0) + 1);
    }
    assert.equal(ok.size, total, "an ok outcome for every message");
    // Duplicates can appear: a message uploaded and answered but killed before its ack is
    // processed again (same key, same bytes) and answered again.
    const duplicates = responses.length - total;
    assert.ok(duplicates >= 0 && duplicates <= 2 * 8, `duplicates: ${duplicates}`);
  }, "queue-kill");
});

Deno.test("queue: S3 down for 30 s: messages are requeued with growing delays and stored when it is back, none dead-lettered", async () => {
  await withTestBucket(async (bucket, s3) => {
    await using broker = await startTestBroker();
    using q = createQueuesClient({ address: broker.address });
    await using proxy = await startFaultProxy({ upstream: new URL(s3TestEnv().endpoint).host });
    const ch = channel();
    await using connector = await startQueueConnector(
      queueBinding(
        broker,
        ch,
        { sources: "4", max_requeue: "10", requeue_delay_seconds: "1" },
        { ...testTargetProperties(), endpoint: proxy.url },
      ),
    );
    await proxy.setMode("refuse");
    const started = Date.now();
    const data = new Map<string, Uint8Array>();
    for (let i = 0; i < 12; i++) {
      const bytes = crypto.getRandomValues(new Uint8Array(2048));
      data.set(`k${i}`, bytes);
      await q.send({ channel: ch, body: upload(bucket, `k${i}`, bytes) });
    }
    await waitFor("requeues", async () => (await broker.stats()).queues.rejected >= 8);
    await new Promise((r) => setTimeout(r, Math.max(0, 30_000 - (Date.now() - started))));
    assert.equal((await broker.queue(`${ch}.dead-letter`)).ready, 0, "none dead-lettered");
    await proxy.setMode("pass");
    await waitFor(
      "12 outcomes",
      async () => (await broker.queue(`${ch}.responses`)).ready >= 12,
      90_000,
    );
    for (const [key, bytes] of data) {
      assert.equal(await objectSha256(s3, bucket, key), await sha256(bytes), key);
    }
    assert.equal((await broker.queue(`${ch}.dead-letter`)).ready, 0);
    const outcomes = (await drain(q, `${ch}.responses`)).map((m) => decodeResponse(m.body));
    assert.ok(outcomes.every((r) => !r.isError), "only ok outcomes: retries are not reported");
    const stats = (await broker.stats()).queues;
    assert.ok(stats.rejected >= 12, `rejected ${stats.rejected}`);
    // The delays grow (1, 2, 4, 8, 16 s): in 30 s a message is received at most about 6 times.
    assert.ok(stats.delivered <= 12 * 7, `delivered ${stats.delivered}`);
    assert.equal(await connector.stop("SIGTERM"), 0);
  }, "queue-s3-down");
});

Deno.test("queue: a slow upload keeps its message invisible past the visibility timeout; SIGTERM drains and acknowledges it", async () => {
  await withTestBucket(async (bucket, s3) => {
    await using broker = await startTestBroker();
    using q = createQueuesClient({ address: broker.address });
    await using proxy = await startFaultProxy({ upstream: new URL(s3TestEnv().endpoint).host });
    const ch = channel();
    await using connector = await startQueueConnector(
      queueBinding(
        broker,
        ch,
        { visibility_timeout_seconds: "2" },
        { ...testTargetProperties(), endpoint: proxy.url },
      ),
    );
    // 1 MiB through a proxy that waits 50 ms per 64 KiB chunk: about 1 s per MiB each way.
    proxy.setDelay(50);
    const data = randomBytes(4 * 1024 * 1024);
    await q.send({ channel: ch, body: upload(bucket, "slow", data) });
    await waitFor("the message in flight", async () => (await broker.queue(ch)).inFlight === 1);
    await new Promise((r) => setTimeout(r, 2500));
    assert.equal((await broker.queue(ch)).inFlight, 1, "still uploading after 2.5 s");
    assert.equal((await broker.stats()).queues.visibilityExpired, 0);
    const code = await connector.stop("SIGTERM");
    assert.equal(code, 0);
    const stats = (await broker.stats()).queues;
    assert.equal(stats.visibilityExpired, 0, "visibility was extended");
    assert.equal(stats.delivered, 1, "never handed out twice");
    assert.equal(stats.acked, 1, "drained and acknowledged");
    assert.equal((await broker.queue(ch)).ready, 0);
    assert.equal(await objectSha256(s3, bucket, "slow"), await sha256(data));
  }, "queue-slow");
});

Deno.test("queue: /ready follows the broker; after a broker crash and restart the queue is served again", async () => {
  await withTestBucket(async (bucket, s3) => {
    await using broker = await startTestBroker();
    using q = createQueuesClient({ address: broker.address });
    const ch = channel();
    await using connector = await startQueueConnector(queueBinding(broker, ch, { sources: "2" }));
    const ready = async () =>
      (await fetch(`${connector.apiUrl}/ready`).then((r) => r.text(), () => "")) === "ready";
    await broker.stop();
    await waitFor("not ready", async () => !(await ready()), 15_000);
    await q.send({ channel: ch, body: upload(bucket, "after-crash", enc("back")) }).then(
      () => assert.fail("the broker is down"),
      () => {},
    );
    await broker.restart();
    await waitFor("ready again", ready, 15_000);
    // The test's own grpc-js client may still be in its reconnect backoff (the connector's
    // client is back sooner): its send is retried, the connector is not.
    await waitFor(
      "the test client's send",
      () =>
        q.send({ channel: ch, body: upload(bucket, "after-restart", enc("back")) }).then(
          () => true,
          () => false,
        ),
      15_000,
    );
    await waitFor("the outcome", async () => (await broker.queue(`${ch}.responses`)).ready >= 1);
    assert.equal(await objectSha256(s3, bucket, "after-restart"), await sha256(enc("back")));
    assert.equal(await connector.stop("SIGTERM"), 0);
  }, "queue-broker-crash");
});
