/**
 * Three connector replicas in one KubeMQ group under a steady load of uploads, the way
 * Kubernetes runs and replaces them: a rolling restart (SIGTERM each in turn, start it again,
 * wait for /ready) fails no query, and a SIGKILLed replica fails only the queries the broker
 * delivered to it that it had not answered.
 *
 * Why a SIGTERM fails nothing: KubeMQ has no unsubscribe, so a stopping replica ends its
 * subscriptions by half-closing their connection (grpc_half_close.ts) rather than cancelling
 * their streams: the broker stops giving it queries when it reads the FIN, and every query it
 * wrote before that still arrives and is answered on the replica's other connection. With a
 * cancel, 0–3 queries per three stops were lost (written 3–50 ms before the broker saw it). The
 * broker's record of each request (to whom it was delivered, who answered) is the witness, and S3
 * holds every "ok" upload by hash.
 */
import assert from "node:assert/strict";
import {
  type RequestRecord,
  startTestBroker,
  type SubscriptionRecord,
} from "../../../testing/broker.ts";
import type { TestConnector } from "../../../testing/connector.ts";
import { objectSha256, withTestBucket } from "../../../testing/s3.ts";
import { type SentQuery, sleep, startLoad, startReplica } from "./_replicas.ts";

/** Uploads the sender was told are stored that S3 does not hold with the same bytes. */
async function notInS3(
  s3: Parameters<typeof objectSha256>[0],
  bucket: string,
  sent: SentQuery[],
): Promise<string[]> {
  const bad: string[] = [];
  const ok = sent.filter((q) => q.outcome === "ok");
  await Promise.all(Array.from({ length: 8 }, async () => {
    for (let q = ok.pop(); q; q = ok.pop()) {
      if ((await objectSha256(s3, bucket, q.key)) !== q.sha) bad.push(q.key);
    }
  }));
  return bad;
}

/** Records of the load's requests whose delivery or answers were not exactly one. */
function notExactlyOnce(records: RequestRecord[]): string[] {
  return records.filter((r) => r.deliveredTo.length !== 1 || r.answeredBy.length !== 1)
    .map((r) => `${r.requestId}: delivered to [${r.deliveredTo}], answered by [${r.answeredBy}]`);
}

/**
 * When the test stopped one replica: SIGTERM sent, the replica's "Shutting down" log line,
 * process exited (Date.now(), the log's own timestamp).
 */
interface Stopped {
  clientId: string;
  termAt: number;
  shutdownAt?: number;
  exitAt: number;
}

/** The time of the replica's first log line that starts with `prefix`. */
function loggedAt(replica: TestConnector, prefix: string): number | undefined {
  const r = replica.records().find((r) => String(r.message ?? "").startsWith(prefix));
  const t = Date.parse(String(r?.["@timestamp"] ?? r?.timestamp ?? ""));
  return Number.isNaN(t) ? undefined : t;
}

/**
 * Where a failed query stands against the SIGTERM of the replica it was delivered to, from the
 * broker's record: when it was delivered, when that replica's subscription ended, when it exited.
 */
function timeline(r: RequestRecord | undefined, stops: Stopped[], subs: SubscriptionRecord[]) {
  if (!r) return "not in the broker's record";
  const parts = [`sent ${new Date(r.sentAt).toISOString()}`];
  r.deliveredTo.forEach((to, i) => {
    const at = r.deliveredAt[i]!;
    const stop = stops.filter((s) => s.clientId === to)
      .sort((a, b) => Math.abs(at - a.termAt) - Math.abs(at - b.termAt))[0];
    const sub = subs.filter((s) => s.clientId === to && s.openedAt <= at)
      .sort((a, b) => b.openedAt - a.openedAt)[0];
    const rel = (t: number | undefined) =>
      t === undefined || !stop ? "?" : `${t - stop.termAt >= 0 ? "+" : ""}${t - stop.termAt} ms`;
    parts.push(
      `delivered to ${to} at ${rel(at)} from its SIGTERM; it logged "Shutting down" at ` +
        `${rel(stop?.shutdownAt)}, its subscription ended at ${rel(sub?.endedAt)} ` +
        `(${sub?.how ?? "open"}), the process exited at ${rel(stop?.exitAt)}`,
    );
  });
  return parts.join("; ");
}

Deno.test("replicas: a rolling restart of 3 under load (SIGTERM, start, /ready, in turn) fails, loses and duplicates no query", async () => {
  await withTestBucket(async (bucket, s3) => {
    await using broker = await startTestBroker();
    const channel = `replicas.rolling.${Date.now().toString(36)}`;
    const replicas: TestConnector[] = [];
    try {
      for (let i = 0; i < 3; i++) replicas.push(await startReplica(broker, channel, i));
      await broker.waitForSubscribers(channel, 3, 10_000);
      const load = startLoad(broker.address, channel, bucket, { timeoutMs: 15_000 });
      const exits: number[] = [];
      const stops: Stopped[] = [];
      await sleep(1000);
      for (let i = 0; i < 3; i++) {
        const termAt = Date.now();
        exits.push(await replicas[i]!.stop("SIGTERM"));
        const exitAt = Date.now();
        const shutdownAt = loggedAt(replicas[i]!, "Shutting down");
        stops.push({
          clientId: `replica-${i}`,
          termAt,
          exitAt,
          ...(shutdownAt ? { shutdownAt } : {}),
        });
        replicas[i] = await startReplica(broker, channel, i);
        await broker.waitForSubscribers(channel, 3, 10_000);
        await sleep(500);
      }
      await sleep(1000);
      await load.stop();

      const sent = load.sent;
      const records = await broker.requests(channel);
      const byId = new Map(records.map((r) => [r.requestId, r]));
      const subs = await broker.subscriptions(channel);
      const failed = sent.filter((q) => q.outcome !== "ok").map((q) =>
        `${q.key} ${q.outcome}: ${q.detail} (${timeline(byId.get(q.requestId), stops, subs)})`
      );
      assert.deepEqual(exits, [0, 0, 0], "each replica drained and exited 0");
      assert.deepEqual(failed, [], `${failed.length} of ${sent.length} queries failed`);
      // Each stopped replica's subscription ended by its half-close, between SIGTERM and exit.
      for (const stop of stops) {
        const ends = subs.filter((s) =>
          s.clientId === stop.clientId && s.endedAt !== undefined &&
          s.endedAt >= stop.termAt && s.endedAt <= stop.exitAt + 100
        );
        assert.deepEqual(ends.map((s) => s.how), ["half-closed"], stop.clientId);
      }
      assert.equal(records.length, sent.length, "the broker saw every query");
      assert.deepEqual(notExactlyOnce(records), []);
      const served = new Set(records.flatMap((r) => r.answeredBy));
      assert.deepEqual([...served].sort(), ["replica-0", "replica-1", "replica-2"]);
      assert.deepEqual(await notInS3(s3, bucket, sent), []);
      assert.ok(sent.length > 100, `only ${sent.length} queries sent`);
      // deno-lint-ignore no-console
      console.log(
        `rolling restart: ${sent.length} queries, each delivered and answered once (the broker's ` +
          `record), 0 failed`,
      );
    } finally {
      await Promise.all(replicas.map((r) => r.stop("SIGTERM")));
    }
  }, "replicas-rolling");
});

Deno.test("replicas: one of 3 SIGKILLed under load fails only the queries the broker delivered to it unanswered", async () => {
  await withTestBucket(async (bucket, s3) => {
    await using broker = await startTestBroker();
    const channel = `replicas.kill.${Date.now().toString(36)}`;
    const replicas: TestConnector[] = [];
    try {
      for (let i = 0; i < 3; i++) replicas.push(await startReplica(broker, channel, i));
      await broker.waitForSubscribers(channel, 3, 10_000);
      const load = startLoad(broker.address, channel, bucket, { timeoutMs: 4000 });
      await sleep(1500);
      await replicas[1]!.stop("SIGKILL");
      await sleep(2000);
      await load.stop();

      const sent = load.sent;
      const records = new Map((await broker.requests(channel)).map((r) => [r.requestId, r]));
      const failed = sent.filter((q) => q.outcome !== "ok").map((q) => q.requestId).sort();
      // What the broker says the kill took: delivered to replica-1, answered by nobody.
      const heldByKilled = [...records.values()]
        .filter((r) => r.deliveredTo.includes("replica-1") && r.answeredBy.length === 0)
        .map((r) => r.requestId).sort();
      assert.deepEqual(failed, heldByKilled);
      for (const q of sent) {
        if (q.outcome !== "ok") {
          assert.equal(records.get(q.requestId)?.outcome, "timeout", `${q.key}: ${q.detail}`);
        }
      }
      const others = [...records.values()].filter((r) => !heldByKilled.includes(r.requestId));
      assert.deepEqual(notExactlyOnce(others), []);
      assert.deepEqual(await notInS3(s3, bucket, sent), []);
      assert.equal((await replicas[1]!.exitStatus).signal, "SIGKILL");
      assert.ok(sent.length - failed.length > 100, `${sent.length} sent, ${failed.length} failed`);
      // deno-lint-ignore no-console
      console.log(
        `SIGKILL: ${sent.length} queries, ${failed.length} failed, all of them held by replica-1`,
      );
    } finally {
      const exits = await Promise.all(
        replicas.map((r, i) => i === 1 ? Promise.resolve(0) : r.stop("SIGTERM")),
      );
      assert.deepEqual(exits, [0, 0, 0]);
    }
  }, "replicas-kill");
});
