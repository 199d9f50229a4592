/**
 * The judgement of the broker restart test (_request_classes.ts) on made-up records: a request
 * the connector dropped is lost, where the classification before issue 22 excused it.
 */
import assert from "node:assert/strict";
import type { ChannelRequestRecord, StopRecord } from "../../testing/broker.ts";
import {
  classifyRequest,
  IN_FLIGHT_BOUND_MS,
  type RestartWindow,
  type SentRequest,
} from "./_request_classes.ts";

/**
 * The classification before issue 22, as it was in broker_restarts_test.ts: any request sent
 * before a stop and settled after it was "in flight at the stop", and only "sentWhenUp" ones
 * had to be answered.
 */
function oldClassify(
  q: { sentAt: number; settledAt?: number },
  windows: RestartWindow[],
): "inFlightAtStop" | "sentWhileDown" | "sentWhenUp" {
  for (const w of windows) {
    if (q.sentAt < w.downAt && (q.settledAt ?? Infinity) > w.downAt) return "inFlightAtStop";
    if (q.sentAt >= w.downAt && q.sentAt < w.recoveredAt) return "sentWhileDown";
  }
  return "sentWhenUp";
}

// Two restarts: the broker stops at 0 and is back at 100, stops again at 1,500 (a graceful stop
// drains until 1,800) and is back at 1,900.
const windows: RestartWindow[] = [
  { downAt: 0, recoveredAt: 100 },
  { downAt: 1500, recoveredAt: 1900 },
];
const stops: StopRecord[] = [
  { at: 0, endedAt: 50, graceful: false },
  { at: 1500, endedAt: 1800, graceful: true },
];

function sent(
  sentAt: number,
  settledAt: number,
  outcome: NonNullable<SentRequest["outcome"]>,
): SentRequest {
  return { id: "r", key: "k", sha: "s", sentAt, settledAt, outcome, detail: "UNAVAILABLE" };
}

function record(
  at: number,
  deliveredAt: number[],
  outcome: ChannelRequestRecord["outcome"],
  settledAt: number,
): ChannelRequestRecord {
  return {
    id: "r",
    channel: "c",
    type: "query",
    at,
    deliveredAt,
    respondedAt: outcome === "answered" ? [settledAt] : [],
    outcome,
    settledAt,
  };
}

Deno.test("a query delivered early in a window and never answered: the old classification excused it, the new one counts it lost", () => {
  // Sent at 200, delivered at once, dropped by the connector; the stop at 1,500 cuts it, since
  // the broker's 2 s timeout would only have fired at 2,200.
  const q = sent(200, 1801, "no-answer");
  const r = record(200, [201], "stopped", 1800);
  assert.equal(oldClassify(q, windows), "inFlightAtStop", "the old rule passes the failure");
  const c = classifyRequest(q, r, stops, windows);
  assert.equal(c.class, "lost");
  assert.match(c.why, /1299 ms before the stop/);
});

Deno.test("a query delivered and timed out by the broker is lost even when no stop came", () => {
  const q = sent(200, 2201, "no-answer");
  const r = record(200, [201], "timeout", 2200);
  assert.equal(classifyRequest(q, r, [stops[0]!], windows.slice(0, 1)).class, "lost");
});

Deno.test("a query delivered within the bound before a stop, or while it drained, is in flight at the stop", () => {
  const justBefore = 1500 - IN_FLIGHT_BOUND_MS + 1;
  for (const delivered of [justBefore, 1600]) {
    const r = record(delivered, [delivered], "stopped", 1800);
    assert.equal(
      classifyRequest(sent(delivered, 1801, "no-answer"), r, stops, windows).class,
      "inFlightAtStop",
      `delivered at ${delivered}`,
    );
  }
  const early = 1500 - IN_FLIGHT_BOUND_MS - 1;
  const r = record(early, [early], "stopped", 1800);
  assert.equal(classifyRequest(sent(early, 1801, "no-answer"), r, stops, windows).class, "lost");
});

Deno.test("a query with no subscriber to deliver it to, or that never reached the broker while it was down, was sent while down", () => {
  const undelivered = record(1850, [], "timeout", 3850);
  assert.equal(
    classifyRequest(sent(1850, 3851, "no-answer"), undelivered, stops, windows).class,
    "sentWhileDown",
  );
  assert.equal(
    classifyRequest(sent(1600, 1601, "no-answer"), undefined, stops, windows).class,
    "sentWhileDown",
  );
  // Never reached a broker that was up: lost, not excused.
  assert.equal(
    classifyRequest(sent(600, 601, "no-answer"), undefined, stops, windows).class,
    "lost",
  );
});

Deno.test("the sender's and the broker's records must agree on an answer", () => {
  const q = sent(200, 250, "ok");
  assert.equal(
    classifyRequest(q, record(200, [201], "answered", 249), stops, windows).class,
    "answered",
  );
  assert.equal(
    classifyRequest(q, record(200, [201], "timeout", 2200), stops, windows).class,
    "inconsistent",
  );
  assert.equal(classifyRequest(q, undefined, stops, windows).class, "inconsistent");
  const twice = record(200, [201, 202], "answered", 249);
  assert.equal(classifyRequest(q, twice, stops, windows).class, "inconsistent");
  assert.equal(
    classifyRequest(sent(200, 250, "error"), undefined, stops, windows).class,
    "errorAnswer",
  );
});
