/**
 * Broker restarts under light traffic, through the real stack: GRACEFUL_RESTARTS (50) graceful
 * stops, the way a Go gRPC server (KubeMQ) drains on SIGTERM (streams end OK, GOAWAY, then the
 * connections close), and ABRUPT_RESTARTS (20) crash-like stops (connections dropped).
 *
 * Witnesses that are not the connector: the connector process's exit status (a crash is a
 * failure, never retried), the sender's record of every query and its outcome, the broker's
 * count of duplicate responses, and S3 (every upload answered "ok" is there, byte for byte).
 * Rules: a query may go unanswered only if it was in flight when the broker went down or was
 * sent while it was down; every query sent once the connector has resubscribed is answered.
 */
import assert from "node:assert/strict";
import { encodeRequest } from "../../lib/wire.ts";
import { createKubemqClient } from "../../testing/kubemq_client.ts";
import { objectSha256, withTestBucket } from "../../testing/s3.ts";
import { startStack, type TestStack } from "../../testing/stack.ts";
import { stopCountingCrashes } from "../../testing/crashes.ts";
import { sha256 } from "../../testing/sha256.ts";
import { waitUntil } from "../../testing/wait_until.ts";
import { recordArea } from "./_support.ts";

const GRACEFUL = Number(Deno.env.get("GRACEFUL_RESTARTS") ?? "50");
const ABRUPT = Number(Deno.env.get("ABRUPT_RESTARTS") ?? "20");
/** Grace period of a graceful stop: long enough for the clients to close, short for the test. */
const GRACE_MS = 300;
/** Query timeout: a query held by a broker that has no subscriber ends with Error 301 then. */
const QUERY_TIMEOUT_MS = 2000;
/** How long the service runs between restarts, so that some queries are in flight at a stop. */
const UP_MS = 300;

/** One query of the traffic and what became of it. */
interface Sent {
  n: number;
  key: string;
  sha: string;
  requestId: string;
  sentAt: number;
  settledAt?: number;
  outcome?: "ok" | "error" | "no-answer";
  detail?: string;
}

/** One restart: when the stop began and when the connector was subscribed again. */
interface Window {
  downAt: number;
  recoveredAt: number;
}

/** Light traffic: an upload every 50 ms (not waiting for the previous), each recorded. */
function startTraffic(stack: TestStack, bucket: string) {
  const sender = createKubemqClient({
    address: stack.broker.address,
    waitForReady: true,
    reconnectBackoffMs: 100,
  });
  const sent: Sent[] = [];
  const pending = new Set<Promise<void>>();
  const one = async (n: number) => {
    const data = crypto.getRandomValues(new Uint8Array(64));
    const q: Sent = {
      n,
      key: `restarts/${n}`,
      sha: await sha256(data),
      requestId: crypto.randomUUID(),
      sentAt: performance.now(),
    };
    sent.push(q);
    try {
      const res = await sender.sendQuery({
        channel: stack.channel,
        requestId: q.requestId,
        timeoutMs: QUERY_TIMEOUT_MS,
        body: encodeRequest({
          metadata: { method: "upload_item", bucket_name: bucket, item_name: q.key },
          data,
        }),
      });
      const out = JSON.parse(new TextDecoder().decode(res.body)) as { is_error?: boolean };
      if (res.requestId !== q.requestId) {
        q.outcome = "error";
        q.detail = `answer for request ${res.requestId}, not ${q.requestId}`;
      } else {
        q.outcome = out.is_error ? "error" : "ok";
        q.detail = out.is_error ? new TextDecoder().decode(res.body) : "";
      }
    } catch (err) {
      q.outcome = "no-answer";
      q.detail = (err as Error).message;
    }
    q.settledAt = performance.now();
  };
  let n = 0;
  const timer = setInterval(() => {
    const p = one(n++);
    pending.add(p);
    p.finally(() => pending.delete(p));
  }, 50);
  return {
    sent,
    answeredSince: (t: number) => sent.filter((q) => q.sentAt >= t && q.outcome === "ok").length,
    async stop() {
      clearInterval(timer);
      await Promise.all(pending);
      sender.close();
    },
  };
}

/** Sorts each query by the windows: in flight at a stop, sent while down, or sent when up. */
function classify(q: Sent, windows: Window[]): "inFlightAtStop" | "sentWhileDown" | "sentWhenUp" {
  for (const w of windows) {
    if (q.sentAt < w.downAt && (q.settledAt ?? Infinity) > w.downAt) return "inFlightAtStop";
    if (q.sentAt >= w.downAt && q.sentAt < w.recoveredAt) return "sentWhileDown";
  }
  return "sentWhenUp";
}

for (const mode of ["graceful", "abrupt"] as const) {
  const restarts = mode === "graceful" ? GRACEFUL : ABRUPT;
  Deno.test(`${restarts} ${mode} broker restarts under light traffic: no crash, serving again after each, every query answered once or cut by the restart`, async () => {
    await withTestBucket(async (bucket, s3) => {
      await using stack = await startStack({ source: { reconnect_interval_seconds: "0" } });
      const traffic = startTraffic(stack, bucket);
      const windows: Window[] = [];
      const t0 = performance.now();
      // A failure in the loop (a crash above all) is rethrown after the figures are recorded.
      let failure: unknown = null;
      try {
        await waitUntil("traffic answered", () => traffic.answeredSince(0) >= 2, 15_000, 20);
        for (let i = 1; i <= restarts; i++) {
          const downAt = performance.now();
          // Graceful stops alternate the two GOAWAY shapes: one naming the last stream (Node,
          // Envoy, nginx), and grpc-go's pair (largest stream id first, then the last one).
          await stack.broker.restart(
            mode === "graceful"
              ? { graceful: true, graceMs: GRACE_MS, goaway: i % 2 ? "single" : "double" }
              : {},
          );
          await resubscribed(stack).catch((err) => {
            throw new Error(`restart ${i}: ${err.message}`);
          });
          const recoveredAt = performance.now();
          windows.push({ downAt, recoveredAt });
          assert.equal(stack.connector.ended(), null, `restart ${i}: the connector died`);
          // Serving again: two queries sent after the resubscription are answered.
          await waitUntil(
            `restart ${i}: queries answered after the resubscription`,
            () => stack.connector.ended() === null && traffic.answeredSince(recoveredAt) >= 2,
            15_000,
            10,
          ).catch((err) => {
            throw new Error(`${err.message}; exit ${ended(stack)}`);
          });
          await new Promise((r) =>
            setTimeout(r, Math.max(0, recoveredAt + UP_MS - performance.now()))
          );
        }
      } catch (err) {
        failure = err;
      } finally {
        await traffic.stop();
      }
      const seconds = (performance.now() - t0) / 1000;
      const stats = await stack.broker.stats();
      // From the exit status: died by itself, or anything but exit 0 on SIGTERM.
      const { crashes, exit } = await stopCountingCrashes(stack.connector);

      const byClass = {
        inFlightAtStop: [] as Sent[],
        sentWhileDown: [] as Sent[],
        sentWhenUp: [] as Sent[],
      };
      for (const q of traffic.sent) byClass[classify(q, windows)].push(q);
      const notOk = (qs: Sent[]) => qs.filter((q) => q.outcome !== "ok");
      const errors = traffic.sent.filter((q) => q.outcome === "error");
      // S3 is the witness for what was reported stored.
      const ok = traffic.sent.filter((q) => q.outcome === "ok");
      const missing: string[] = [];
      for (const q of ok) {
        if ((await objectSha256(s3, bucket, q.key)) !== q.sha) missing.push(q.key);
      }
      // Why the unanswered ones went unanswered, by the sender's error text: the broker's timeout
      // (Error 301), the broker unavailable, the sender's deadline, or its connection cut by an
      // abrupt stop (an RST_STREAM after a write failed with EPIPE).
      const reasons: Record<string, number> = {};
      for (const q of traffic.sent.filter((q) => q.outcome === "no-answer")) {
        const reason = /Error 301|DEADLINE_EXCEEDED|UNAVAILABLE|CANCELLED|RST_STREAM/.exec(
          q.detail ?? "",
        )?.[0] ?? `other: ${q.detail}`;
        reasons[reason] = (reasons[reason] ?? 0) + 1;
      }
      const figures = {
        restarts,
        completed: windows.length,
        seconds: Math.round(seconds),
        sent: traffic.sent.length,
        answered: ok.length,
        inFlightAtStop: byClass.inFlightAtStop.length,
        inFlightUnanswered: notOk(byClass.inFlightAtStop).length,
        sentWhileDown: byClass.sentWhileDown.length,
        sentWhileDownUnanswered: notOk(byClass.sentWhileDown).length,
        sentWhenUp: byClass.sentWhenUp.length,
        sentWhenUpUnanswered: notOk(byClass.sentWhenUp).length,
        unansweredBecause: reasons,
        duplicateResponses: stats.responsesDuplicate,
        missingInS3: missing.length,
        connectorExit: exit,
      };
      // deno-lint-ignore no-console
      console.log(`${mode} restarts: ${JSON.stringify(figures)}`);
      await recordArea(`broker_restarts_${mode}`, {
        casesTried: 1,
        faultsInjected: windows.length,
        requestsServed: ok.length,
        lost: missing.length + figures.sentWhenUpUnanswered,
        duplicated: stats.responsesDuplicate,
        crashes,
        details: figures,
      });
      if (failure) throw failure;
      assert.equal(
        crashes,
        0,
        `the connector died: ${exit}\n${stack.connector.lines().slice(-20).join("\n")}`,
      );
      assert.equal(windows.length, restarts);
      assert.deepEqual(
        notOk(byClass.sentWhenUp).map((q) => `${q.key}: ${q.outcome} ${q.detail}`),
        [],
        "every query sent while the connector was subscribed is answered",
      );
      assert.deepEqual(
        Object.keys(reasons).filter((r) => r.startsWith("other")),
        [],
        "a query goes unanswered only by a timeout, the broker being unavailable or its connection cut",
      );
      assert.deepEqual(errors.map((q) => `${q.key}: ${q.detail}`), [], "no error answers");
      assert.deepEqual(missing, [], "every upload answered ok is in S3 byte for byte");
      assert.equal(stats.responsesDuplicate, 0, "no query answered twice");
    }, `restarts-${mode}`);
  });
}

/** Resolves once the broker sees the connector's subscription; rejects at once if it died. */
async function resubscribed(stack: TestStack): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const died = new Promise<never>((_, reject) => {
    const check = () => {
      if (stack.connector.ended()) reject(new Error(`the connector died: ${ended(stack)}`));
      else timer = setTimeout(check, 50);
    };
    check();
  });
  try {
    await Promise.race([stack.broker.waitForSubscribers(stack.channel, 1, 15_000), died]);
  } finally {
    clearTimeout(timer);
  }
}

function ended(stack: TestStack): string {
  const s = stack.connector.ended();
  if (s === null) return "still running";
  // Its last lines say what it was doing (a native abort prints its assertion there).
  const last = stack.connector.lines().slice(-15).join("\n");
  return `code ${s.code}, signal ${s.signal ?? "none"}; its last output:\n${last}`;
}
