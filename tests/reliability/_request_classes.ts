/**
 * What became of each query or command sent across broker restarts, judged by two witnesses
 * that are not the connector: the sender's record (its outcome and when it was sent) and the
 * broker's record (when it delivered the request to a subscriber, whether a response came back,
 * what settled it). A request may go unanswered only when the restart explains it:
 *
 * - sent while the broker was down or the connector not yet subscribed again (the broker never
 *   had a subscriber to deliver it to, or never got it at all);
 * - in flight at a stop: delivered to the connector at most IN_FLIGHT_BOUND_MS before the stop
 *   began, or while it drained (a graceful stop still serves the open connections for its grace
 *   period), so that the connector's answer had no broker left to go to.
 *
 * Anything else is lost: above all a request delivered well before a stop and never answered,
 * whether the broker timed it out or the next stop cut it (issue 22: the broker is up for about
 * 300 ms between restarts and a request times out after 2 s, so a dropped request is usually
 * still open at the next stop).
 *
 * @module
 */
import type { ChannelRequestRecord, StopRecord } from "../../testing/broker.ts";

/**
 * How long before a stop a request may have been delivered (broker's record) or sent (sender's
 * record, when it never reached the broker) and still be excused as in flight at the stop. An
 * upload of 64 bytes takes the connector 5 to 30 ms when the machine is idle; with five
 * connectors under traffic on a shared 2-core machine, the slowest answer seen was about 600 ms
 * (figure maxDeliveredToAnsweredMs). The test keeps the broker up for longer than this bound
 * after every recovery, and a request delivered more than 2 s before a stop times out, so a
 * dropped request is excused only in the last part of a window.
 */
export const IN_FLIGHT_BOUND_MS = 750;

/** One request as its sender saw it; times are Date.now() ms. */
export interface SentRequest {
  /** The RequestID the sender set. */
  id: string;
  key: string;
  sha: string;
  sentAt: number;
  settledAt?: number;
  outcome?: "ok" | "error" | "no-answer";
  detail?: string;
}

/** One restart, as the test saw it: when the stop began and when the connector was back. */
export interface RestartWindow {
  downAt: number;
  recoveredAt: number;
}

/** Where a request falls; `lost` and `inconsistent` are failures, the rest are explained. */
export type RequestClass =
  | "answered"
  | "sentWhileDown"
  | "inFlightAtStop"
  | "errorAnswer"
  | "lost"
  | "inconsistent";

/** A request's class and, for a failure, why. */
export interface Classified {
  class: RequestClass;
  why: string;
}

/** The stop that cut what was open at `t`: the first one that ended at or after `t`, or null. */
function _stopAfter(stops: StopRecord[], t: number): StopRecord | null {
  for (const stop of stops) if ((stop.endedAt ?? Infinity) >= t) return stop;
  return null;
}

/** Whether `t` lies within the bound before `stop` began, or during the stop. */
function _atStop(stop: StopRecord | null, t: number): boolean {
  return stop !== null && t >= stop.at - IN_FLIGHT_BOUND_MS;
}

/** Whether `t` fell into a restart window: from IN_FLIGHT_BOUND_MS before a stop to recovery. */
function _whileDown(t: number, windows: RestartWindow[]): boolean {
  return windows.some((w) => t >= w.downAt - IN_FLIGHT_BOUND_MS && t < w.recoveredAt);
}

/**
 * Classifies one request by the sender's record `q`, the broker's record `r` (undefined when
 * the request never reached the broker), the broker's stops (in order) and the test's restart
 * windows.
 */
export function classifyRequest(
  q: SentRequest,
  r: ChannelRequestRecord | undefined,
  stops: StopRecord[],
  windows: RestartWindow[],
): Classified {
  const firstDelivery = r?.deliveredAt[0];
  if (r && r.deliveredAt.length > 1) {
    return { class: "inconsistent", why: `delivered ${r.deliveredAt.length} times` };
  }
  if (q.outcome === "ok") {
    if (r?.outcome !== "answered") {
      return { class: "inconsistent", why: `answered, but the broker says ${r?.outcome}` };
    }
    return { class: "answered", why: "" };
  }
  if (q.outcome === "error") return { class: "errorAnswer", why: q.detail ?? "" };
  if (!r) {
    // Never reached the broker: only while it was down (or the sender's connection was).
    return _whileDown(q.sentAt, windows)
      ? { class: "sentWhileDown", why: "" }
      : { class: "lost", why: `never reached the broker though it was up: ${q.detail}` };
  }
  if (firstDelivery === undefined) {
    // The broker had no subscriber when it arrived: the connector was not subscribed again yet.
    return r.outcome === "answered"
      ? { class: "inconsistent", why: "answered without a delivery" }
      : { class: "sentWhileDown", why: "" };
  }
  const stop = _stopAfter(stops, firstDelivery);
  if (r.outcome === "answered") {
    // Answered, but the answer did not reach the sender: cut on its way by a stop.
    const answeredAt = r.settledAt ?? Infinity;
    return _atStop(_stopAfter(stops, answeredAt), answeredAt)
      ? { class: "inFlightAtStop", why: "" }
      : { class: "lost", why: `answered at the broker, not at the sender: ${q.detail}` };
  }
  if (r.outcome === "stopped" && _atStop(stop, firstDelivery)) {
    return { class: "inFlightAtStop", why: "" };
  }
  const age = stop === null ? "no stop after it" : `${stop.at - firstDelivery} ms before the stop`;
  return {
    class: "lost",
    why: `delivered to the connector (${age}), never answered; broker: ${r.outcome}; ` +
      `sender: ${q.detail}`,
  };
}
