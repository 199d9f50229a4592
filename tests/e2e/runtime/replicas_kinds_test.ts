/**
 * Three connector replicas on one queue and in one events group, the way users scale out the
 * other kinds. The queue: 1,000 uploads, one replica SIGKILLed while they flow; every object is
 * in S3 by hash, and the broker counts what the kill put back (its queue counters are the
 * witness, not the connector). Events in a group, one replica restarted while they flow: the
 * broker's delivery record and the outcomes on response_channel show each event handled by
 * exactly one replica, and S3 holds each by hash.
 */
import assert from "node:assert/strict";
import { decodeResponse, encodeRequest } from "../../../lib/wire.ts";
import { startTestBroker, type TestBroker } from "../../../testing/broker.ts";
import { startConnector, type TestConnector } from "../../../testing/connector.ts";
import { createQueuesClient } from "../../../testing/kubemq_queues.ts";
import { objectSha256, withTestBucket } from "../../../testing/s3.ts";
import { sha256 } from "../../../testing/sha256.ts";
import { waitUntil } from "../../../testing/wait_until.ts";
import { GROUP, sleep } from "./_replicas.ts";

/** One upload the test sent: its key and the SHA-256 of its bytes. */
interface Sent {
  key: string;
  sha: string;
}

/** `n` upload_item bodies of 1-4 KiB under `prefix`, and what each should store. */
async function uploads(bucket: string, prefix: string, n: number) {
  const out: { body: Uint8Array; sent: Sent }[] = [];
  for (let i = 0; i < n; i++) {
    const key = `${prefix}/${i}`;
    const data = crypto.getRandomValues(new Uint8Array(1024 + ((i * 997) % 3072)));
    out.push({
      body: encodeRequest({
        metadata: { method: "upload_item", bucket_name: bucket, item_name: key },
        data,
      }),
      sent: { key, sha: await sha256(data) },
    });
  }
  return out;
}

/** Keys of `sent` that S3 does not hold with the same bytes. */
async function notInS3(
  s3: Parameters<typeof objectSha256>[0],
  bucket: string,
  sent: Sent[],
): Promise<string[]> {
  const todo = [...sent];
  const bad: string[] = [];
  await Promise.all(Array.from({ length: 8 }, async () => {
    for (let s = todo.pop(); s; s = todo.pop()) {
      if ((await objectSha256(s3, bucket, s.key)) !== s.sha) bad.push(s.key);
    }
  }));
  return bad;
}

/** Replica `i` of `kind` on `channel`, client id `replica-i`, ready. */
function startKindReplica(
  broker: TestBroker,
  kind: "kubemq.queue" | "kubemq.events",
  channel: string,
  i: number,
  source: Record<string, string>,
  properties: Record<string, string> = {},
): Promise<TestConnector> {
  return startConnector({
    bindings: [{
      name: "replica",
      sourceKind: kind,
      source: { address: broker.address, channel, client_id: `replica-${i}`, ...source },
      properties,
    }],
    top: { drainTimeoutSeconds: 10 },
  });
}

Deno.test("replicas: 3 on one queue, 1,000 uploads, one SIGKILLed: every object stored by hash, the kill's messages redelivered", async () => {
  await withTestBucket(async (bucket, s3) => {
    await using broker = await startTestBroker();
    using q = createQueuesClient({ address: broker.address });
    const channel = `replicas.queue.${Date.now().toString(36)}`;
    const messages = await uploads(bucket, "queue", 1000);
    const replicas: TestConnector[] = [];
    try {
      for (let i = 0; i < 3; i++) {
        replicas.push(
          await startKindReplica(broker, "kubemq.queue", channel, i, {
            batch_size: "4",
            wait_timeout: "1",
            // Replica 1 handles at most 20 a second, so it still holds what the broker last
            // said it held when the SIGKILL lands (a fast one could ack it all in between,
            // and then the kill put nothing back).
          }, i === 1 ? { rate_per_second: "20" } : {}),
        );
      }
      for (let at = 0; at < messages.length; at += 100) {
        const batch = messages.slice(at, at + 100).map((m) => ({ channel, body: m.body }));
        const results = await q.sendBatch(batch);
        assert.ok(results.every((r) => !r.isError), "the broker took every message");
      }
      // Kill while the queue is busy and the broker says replica-1 holds messages (of its 4).
      let before = await broker.queue(channel);
      await waitUntil("a third delivered, replica-1 holding 2 or more", async () => {
        if ((await broker.stats()).queues.delivered < 330) return false;
        // Last, so the kill follows the broker's answer as closely as it can.
        before = await broker.queue(channel);
        return (before.heldBy["replica-1"] ?? 0) >= 2;
      }, 60_000);
      await replicas[1]!.stop("SIGKILL");
      await waitUntil("the queue empty and nothing held", async () => {
        const s = await broker.queue(channel);
        return s.ready === 0 && s.delayed === 0 && s.inFlight === 0;
      }, 90_000);

      const stats = (await broker.stats()).queues;
      assert.deepEqual(await notInS3(s3, bucket, messages.map((m) => m.sent)), []);
      assert.equal((await replicas[1]!.exitStatus).signal, "SIGKILL");
      // Each message was handed out once fresh; every other delivery is a redelivery.
      assert.equal(stats.delivered - stats.redelivered, 1000, JSON.stringify(stats));
      // What the kill put back is what was delivered again, and it was more than nothing: the
      // killed replica held messages (batch_size 4) while the queue was busy.
      assert.equal(stats.redelivered, stats.requeued, JSON.stringify(stats));
      assert.ok(stats.redelivered >= 1, `no redelivery after the kill (${JSON.stringify(stats)})`);
      assert.ok(stats.redelivered <= 4, `the killed replica held at most 4 (${stats.redelivered})`);
      assert.ok(before.ready > 0, "the kill came while messages were still waiting");
      // deno-lint-ignore no-console
      console.log(
        `queue: 1000 messages, ${stats.delivered} deliveries, ${stats.redelivered} redelivered ` +
          `after the SIGKILL (replica-1 held ${
            before.heldBy["replica-1"]
          } just before), all in S3 by hash`,
      );
    } finally {
      const exits = await Promise.all(
        replicas.map((r, i) => i === 1 ? Promise.resolve(0) : r.stop("SIGTERM")),
      );
      assert.deepEqual(exits, [0, 0, 0]);
    }
  }, "replicas-queue");
});

Deno.test("replicas: 3 in one events group, one restarted (SIGTERM) while they flow, each of 900 events handled by exactly one (broker record, outcomes, S3 by hash)", async () => {
  await withTestBucket(async (bucket, s3) => {
    await using broker = await startTestBroker();
    using q = createQueuesClient({ address: broker.address });
    const channel = `replicas.events.${Date.now().toString(36)}`;
    const responses = `${channel}.outcomes`;
    const outcomes = q.subscribeEvents({ channel: responses, clientId: "outcome-reader" });
    const events = await uploads(bucket, "events", 900);
    const replicas: TestConnector[] = [];
    try {
      for (let i = 0; i < 3; i++) {
        replicas.push(
          await startKindReplica(broker, "kubemq.events", channel, i, {
            group: GROUP,
            response_channel: responses,
          }),
        );
      }
      await broker.waitForSubscribers(channel, 3, 10_000);
      const ids = events.map((_, i) => `event-${i}`);
      // Replica 0 is stopped and started again while 4 senders publish, as a rolling update does:
      // an event the broker wrote to it just before its subscription ended must still be handled.
      let restart: Promise<number> | null = null;
      let next = 0;
      await Promise.all(Array.from({ length: 4 }, async () => {
        for (let i = next++; i < events.length; i = next++) {
          const r = await q.sendEvent({
            channel,
            body: events[i]!.body,
            id: ids[i]!,
            clientId: "sender",
          });
          assert.ok(r.sent, r.error);
          if (i === Math.floor(events.length / 3)) {
            restart = replicas[0]!.stop("SIGTERM").then(async (code) => {
              replicas[0] = await startKindReplica(broker, "kubemq.events", channel, 0, {
                group: GROUP,
                response_channel: responses,
              });
              return code;
            });
          }
        }
      }));
      assert.equal(await restart, 0, "replica-0 drained and exited 0");
      await outcomes.waitFor(events.length, 60_000);
      await sleep(500); // a second outcome for one event would come about now
      await outcomes.close();

      const records = new Map((await broker.events(channel)).map((r) => [r.eventId, r]));
      const notOnce = ids.filter((id) => records.get(id)?.deliveredTo.length !== 1)
        .map((id) => `${id}: delivered to [${records.get(id)?.deliveredTo}]`);
      assert.deepEqual(notOnce, [], "the broker wrote each event to one member of the group");
      const perReplica = new Map<string, number>();
      for (const id of ids) {
        const to = records.get(id)!.deliveredTo[0]!;
        perReplica.set(to, (perReplica.get(to) ?? 0) + 1);
      }
      assert.deepEqual([...perReplica.keys()].sort(), ["replica-0", "replica-1", "replica-2"]);

      const answers = new Map<string, number>();
      for (const o of outcomes.received) {
        const id = o.tags.event_id ?? "";
        answers.set(id, (answers.get(id) ?? 0) + 1);
        const out = decodeResponse(o.body);
        assert.equal(out.isError, false, `${id}: ${out.error}`);
      }
      const notAnsweredOnce = ids.filter((id) => answers.get(id) !== 1)
        .map((id) => `${id}: ${answers.get(id) ?? 0} outcomes`);
      assert.deepEqual(notAnsweredOnce, [], "one outcome per event");
      assert.equal(outcomes.received.length, events.length);
      assert.deepEqual(await notInS3(s3, bucket, events.map((e) => e.sent)), []);
      // deno-lint-ignore no-console
      console.log(
        `events: ${events.length} events, each delivered to and answered by one replica ` +
          `(${[...perReplica].map(([r, n]) => `${r} ${n}`).join(", ")}), all in S3 by hash`,
      );
    } finally {
      const exits = await Promise.all(replicas.map((r) => r.stop("SIGTERM")));
      assert.deepEqual(exits, [0, 0, 0]);
    }
  }, "replicas-events");
});
