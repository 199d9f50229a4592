/**
 * Query and command traffic for the broker restart test: an upload every 50 ms (not waiting
 * for the previous), each recorded by the sender, then judged with the broker's records
 * (_request_classes.ts) and S3.
 *
 * @module
 */
import type { S3Client } from "@aws-sdk/client-s3";
import { encodeRequest } from "../../lib/wire.ts";
import type { TestBroker } from "../../testing/broker.ts";
import { createKubemqClient } from "../../testing/kubemq_client.ts";
import { sha256 } from "../../testing/sha256.ts";
import {
  type Classified,
  classifyRequest,
  type RequestClass,
  type RestartWindow,
  type SentRequest,
} from "./_request_classes.ts";
import { storedAsSent } from "./_restart_s3.ts";

/** Query timeout: a request held by a broker that has no subscriber ends with Error 301 then. */
export const REQUEST_TIMEOUT_MS = 2000;

/** The figures and the failures of one kind's run. */
export interface KindVerdict {
  figures: Record<string, unknown>;
  /** What went wrong, one line each; empty when the kind kept every promise. */
  failures: string[];
  served: number;
  lost: number;
  duplicated: number;
}

/** Requests of one kind, sent to `channel` through `broker`, each recorded. */
export function startRequestTraffic(
  broker: TestBroker,
  channel: string,
  bucket: string,
  type: "query" | "command",
) {
  const sender = createKubemqClient({
    address: broker.address,
    waitForReady: true,
    reconnectBackoffMs: 100,
  });
  const sent: SentRequest[] = [];
  const pending = new Set<Promise<void>>();
  const one = async (n: number) => {
    const data = crypto.getRandomValues(new Uint8Array(64));
    const q: SentRequest = {
      id: crypto.randomUUID(),
      key: `restarts/${type}/${n}`,
      sha: await sha256(data),
      sentAt: Date.now(),
    };
    sent.push(q);
    const send = type === "query" ? sender.sendQuery : sender.sendCommand;
    try {
      const res = await send({
        channel,
        requestId: q.id,
        timeoutMs: REQUEST_TIMEOUT_MS,
        body: encodeRequest({
          metadata: { method: "upload_item", bucket_name: bucket, item_name: q.key },
          data,
        }),
      });
      if (res.requestId !== q.id) {
        q.outcome = "error";
        q.detail = `answer for request ${res.requestId}, not ${q.id}`;
      } else if (type === "command") {
        // A command's answer: Executed, or not with the error text.
        q.outcome = res.executed ? "ok" : "error";
        q.detail = res.error;
      } else {
        const out = JSON.parse(new TextDecoder().decode(res.body)) as { is_error?: boolean };
        q.outcome = out.is_error ? "error" : "ok";
        q.detail = out.is_error ? new TextDecoder().decode(res.body) : "";
      }
    } catch (err) {
      q.outcome = "no-answer";
      q.detail = (err as Error).message;
    }
    q.settledAt = Date.now();
  };
  let n = 0;
  const timer = setInterval(() => {
    const p = one(n++);
    pending.add(p);
    p.finally(() => pending.delete(p));
  }, 50);
  return {
    sent,
    /** Requests sent at or after `t` (Date.now()) and answered ok. */
    answeredSince: (t: number) => sent.filter((q) => q.sentAt >= t && q.outcome === "ok").length,
    /** Stops sending and waits for every request to settle. */
    async stop() {
      clearInterval(timer);
      await Promise.all(pending);
      sender.close();
    },
  };
}

/** Judges the sent requests with the broker's records and S3; `notJudged`: warm-up ids. */
export async function verifyRequests(
  sent: SentRequest[],
  broker: TestBroker,
  channel: string,
  windows: RestartWindow[],
  s3: S3Client,
  bucket: string,
  notJudged: string[] = [],
): Promise<KindVerdict> {
  const records = await broker.records(channel);
  const byId = new Map(records.requests.map((r) => [r.id, r]));
  const stops = records.stops;
  const classes: Record<RequestClass, number> = {
    answered: 0,
    sentWhileDown: 0,
    inFlightAtStop: 0,
    errorAnswer: 0,
    lost: 0,
    inconsistent: 0,
  };
  const failures: string[] = [];
  const latencies: number[] = [];
  for (const q of sent) {
    const r = byId.get(q.id);
    const c: Classified = classifyRequest(q, r, stops, windows);
    classes[c.class]++;
    if (c.class === "lost" || c.class === "inconsistent" || c.class === "errorAnswer") {
      failures.push(`${q.key} (${q.id}): ${c.class}: ${c.why}`);
    }
    const delivered = r?.deliveredAt[0];
    const responded = r?.respondedAt[0];
    if (delivered !== undefined && responded !== undefined) latencies.push(responded - delivered);
  }
  // The sender's record holds every request the broker got on this channel, and no more.
  const sentIds = new Set([...sent.map((q) => q.id), ...notJudged]);
  const unknown = records.requests.filter((r) => !sentIds.has(r.id));
  for (const r of unknown) failures.push(`${r.id}: at the broker, never sent by the test`);
  const duplicateResponses = records.requests.filter((r) => r.respondedAt.length > 1).length;
  if (duplicateResponses > 0) failures.push(`${duplicateResponses} request(s) answered twice`);
  const ok = sent.filter((q) => q.outcome === "ok");
  const missing = await storedAsSent(s3, bucket, ok);
  for (const key of missing) failures.push(`${key}: answered ok, not in S3 byte for byte`);
  latencies.sort((a, b) => a - b);
  return {
    figures: {
      sent: sent.length,
      ...classes,
      duplicateResponses,
      missingInS3: missing.length,
      maxDeliveredToAnsweredMs: latencies.at(-1) ?? null,
    },
    failures,
    served: ok.length,
    lost: classes.lost + missing.length,
    duplicated: duplicateResponses,
  };
}
