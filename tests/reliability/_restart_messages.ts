/**
 * Queue and events traffic for the broker restart test: an upload message every 100 ms through
 * the test clients (not the connector's), each kept with the SHA-256 of its data, then judged by
 * the broker's records (what it accepted and delivered, how often) and S3 (read back by hash).
 *
 * Promises checked (docs/sources.md):
 * - kubemq.queue: every message the broker accepted is stored and acknowledged once; none is
 *   lost, nothing is dead-lettered; redeliveries are counted by the broker.
 * - kubemq.events (at most once): every event the broker delivered to the connector is stored;
 *   none that it did not deliver is; none is delivered twice.
 * - kubemq.events-store: every event the broker stored is stored in S3, nothing stored
 *   meanwhile is skipped; deliveries beyond the first are counted by the broker.
 *
 * @module
 */
import type { S3Client } from "@aws-sdk/client-s3";
import { encodeRequest } from "../../lib/wire.ts";
import type { TestBroker } from "../../testing/broker.ts";
import type { TestConnector } from "../../testing/connector.ts";
import { createQueuesClient } from "../../testing/kubemq_queues.ts";
import { sha256 } from "../../testing/sha256.ts";
import { waitUntil } from "../../testing/wait_until.ts";
import type { KindVerdict } from "./_restart_requests.ts";
import { shasOf } from "./_restart_s3.ts";
import { answersPerRequest } from "./_support.ts";

/** The message kinds of the test. */
export type MessageKind = "queue" | "events" | "events-store";

/** One message as its sender made it: its id is its S3 key. */
interface SentMessage {
  key: string;
  sha: string;
  /** The send's error, when the broker did not accept it (it may still have). */
  error?: string;
}

/** Messages of one kind, sent to `channel` through `broker`, each kept. */
export function startMessageTraffic(
  broker: TestBroker,
  channel: string,
  bucket: string,
  kind: MessageKind,
) {
  const client = createQueuesClient({
    address: broker.address,
    reconnectBackoffMs: 100,
    sendTimeoutMs: 5000,
  });
  const sent = new Map<string, SentMessage>();
  const pending = new Set<Promise<void>>();
  const one = async (n: number) => {
    const data = crypto.getRandomValues(new Uint8Array(64));
    const key = `restarts/${kind}/${n}`;
    const m: SentMessage = { key, sha: await sha256(data) };
    sent.set(key, m);
    const body = encodeRequest({
      metadata: { method: "upload_item", bucket_name: bucket, item_name: key },
      data,
    });
    try {
      if (kind === "queue") {
        const r = await client.send({ channel, id: key, body });
        if (r.isError) m.error = r.error;
      } else {
        const r = await client.sendEvent({ channel, id: key, body, store: kind !== "events" });
        if (!r.sent) m.error = r.error;
      }
    } catch (err) {
      m.error = (err as Error).message;
    }
  };
  let n = 0;
  const timer = setInterval(() => {
    const p = one(n++);
    pending.add(p);
    p.finally(() => pending.delete(p));
  }, 100);
  return {
    sent,
    /** Stops sending and waits for every send to settle. */
    async stop() {
      clearInterval(timer);
      await Promise.all(pending);
      client.close();
    },
  };
}

/**
 * Waits until the connector is done with the messages (the queue drained, or every delivered
 * event's object there), then judges them.
 */
export async function verifyMessages(
  kind: MessageKind,
  sent: Map<string, SentMessage>,
  broker: TestBroker,
  channel: string,
  s3: S3Client,
  bucket: string,
  connector: TestConnector,
): Promise<KindVerdict> {
  if (kind === "queue") {
    await waitUntil(
      "the queue drained",
      async () => {
        const q = await broker.queue(channel);
        return q.ready + q.delayed + q.inFlight === 0;
      },
      30_000,
      100,
    ).catch(() => {/* what is left is reported below */});
  }
  const records = await broker.records(channel);
  const accepted = kind === "queue" ? records.queue : records.events;
  const failures: string[] = [];
  const unknown = accepted.filter((r) => !sent.has(r.id));
  for (const r of unknown) failures.push(`${r.id}: at the broker, never sent by the test`);
  const mustBeStored = kind === "events"
    ? accepted.filter((r) => r.deliveredAt.length > 0)
    : accepted;
  const check = async () => {
    const shas = await shasOf(s3, bucket, [...sent.keys()]);
    return {
      shas,
      missing: mustBeStored.filter((r) => shas.get(r.id) !== sent.get(r.id)?.sha),
    };
  };
  // The connector may still be uploading the last ones it got.
  let result = await check();
  const deadline = Date.now() + 15_000;
  while (result.missing.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 500));
    result = await check();
  }
  const { shas, missing } = result;
  for (const r of missing) failures.push(`${r.id}: accepted by the broker, not in S3 by hash`);
  const acceptedIds = new Set(accepted.map((r) => r.id));
  const delivered = accepted.filter((r) => r.deliveredAt.length > 0);
  const undelivered = accepted.filter((r) => r.deliveredAt.length === 0);
  const redelivered = accepted.filter((r) => r.deliveredAt.length > 1);
  const storedNotAccepted = [...sent.keys()].filter((k) => !acceptedIds.has(k) && shas.get(k));
  const figures: Record<string, unknown> = {
    sent: sent.size,
    sendFailed: [...sent.values()].filter((m) => m.error !== undefined).length,
    acceptedByBroker: accepted.length,
    deliveredByBroker: delivered.length,
    redelivered: redelivered.length,
    deliveriesBeyondFirst: redelivered.reduce((n, r) => n + r.deliveredAt.length - 1, 0),
    storedInS3: [...shas.values()].filter((s) => s !== null).length,
    missingInS3: missing.length,
  };
  if (storedNotAccepted.length > 0) {
    failures.push(`${storedNotAccepted.length} object(s) the broker never accepted`);
  }
  if (kind === "queue") {
    const left = await broker.queue(channel);
    const dead = await broker.queue(`${channel}.dead-letter`);
    figures.leftInQueue = left.ready + left.delayed + left.inFlight;
    figures.deadLettered = dead.ready;
    if (figures.leftInQueue !== 0) failures.push(`${figures.leftInQueue} message(s) left`);
    if (dead.ready !== 0) failures.push(`${dead.ready} message(s) dead-lettered`);
    for (const r of records.queue) {
      if (r.acks !== 1) failures.push(`${r.id}: acknowledged ${r.acks} times`);
    }
    figures.returnedToQueue = records.queue.reduce((n, r) => n + r.returned, 0);
  } else {
    // The connector's own account (its request log), checked against the promise that an
    // event is handled once: a broker's redelivery it had not received before is fine.
    const handled = answersPerRequest(connector);
    const twice = accepted.filter((r) => (handled.get(r.id) ?? 0) > 1);
    figures.handledTwiceByLog = twice.length;
    for (const r of twice) failures.push(`${r.id}: handled ${handled.get(r.id)} times (its log)`);
  }
  if (kind === "events") {
    // At most once: an event nobody was subscribed for is gone, and never stored.
    figures.notDelivered = undelivered.length;
    const storedUndelivered = undelivered.filter((r) => shas.get(r.id));
    for (const r of storedUndelivered) failures.push(`${r.id}: stored, never delivered`);
    for (const r of redelivered) failures.push(`${r.id}: delivered ${r.deliveredAt.length} times`);
  }
  return {
    figures,
    failures,
    served: mustBeStored.length - missing.length,
    lost: missing.length,
    // The broker's count of deliveries beyond the first: an event's are duplicates. A queue's
    // redeliveries are within its promise (at least once), and so are an events-store's after a
    // resubscription when the connector had not received the event: figures holds them.
    duplicated: kind === "events" ? figures.deliveriesBeyondFirst as number : 0,
  };
}
