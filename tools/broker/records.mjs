// The broker's record of each query and command: which subscriber (client id) it was delivered
// to, which ones answered, and how it ended for the sender. Tests read it (GET /requests) to name
// the requests a killed replica held, and to count deliveries and responses per request without
// trusting the connector's own account. The last 100,000 requests are kept. Times are the
// broker's Date.now() (ms since the epoch; the tests run on the same machine), so a test can tell
// whether a request was delivered before or after it signalled a replica. The record of each
// request subscription (who, when it opened and ended) says when the broker stopped delivering
// to a replica.

const KEEP = 100_000;

/**
 * @typedef {object} RequestRecord
 * @property {string} requestId the sender's request id
 * @property {string} channel
 * @property {number} sentAt when the broker accepted it
 * @property {string[]} deliveredTo client ids of the subscribers it was written to, in order
 * @property {number[]} deliveredAt when, one per `deliveredTo`
 * @property {string[]} answeredBy client ids of every SendResponse for it, late ones included
 * @property {number[]} answeredAt when, one per `answeredBy`
 * @property {"pending" | "answered" | "timeout" | "failed"} outcome for the sender
 * @property {number} [settledAt] when it ended for the sender
 * @property {string} [error] the sender's error, when it failed
 */

/**
 * @typedef {object} SubscriptionRecord
 * @property {string} clientId
 * @property {string} channel
 * @property {string} group
 * @property {number} openedAt
 * @property {number} [endedAt] when the broker dropped it (the stream's first end event)
 * @property {string} [how] that event: cancelled, error, finish or close; half-closed when the
 *   client ended its side of the connection (FIN)
 */

export function createRequestRecords() {
  /** @type {Map<string, RequestRecord>} reply channel -> record */
  const byReply = new Map();
  /** @type {SubscriptionRecord[]} */
  const subscriptions = [];

  return {
    /** A request passed validation; `replyChannel` is the broker's own. */
    sent(
      /** @type {string} */ replyChannel,
      /** @type {string} */ requestId,
      /** @type {string} */ channel,
    ) {
      byReply.set(replyChannel, {
        requestId,
        channel,
        sentAt: Date.now(),
        deliveredTo: [],
        deliveredAt: [],
        answeredBy: [],
        answeredAt: [],
        outcome: "pending",
      });
      if (byReply.size > KEEP) byReply.delete(byReply.keys().next().value ?? "");
    },
    delivered(/** @type {string} */ replyChannel, /** @type {string} */ clientId) {
      const r = byReply.get(replyChannel);
      r?.deliveredTo.push(clientId);
      r?.deliveredAt.push(Date.now());
    },
    responded(/** @type {string} */ replyChannel, /** @type {string} */ clientId) {
      const r = byReply.get(replyChannel);
      r?.answeredBy.push(clientId);
      r?.answeredAt.push(Date.now());
    },
    /** How the request ended for its sender (the first settlement counts). */
    settled(
      /** @type {string} */ replyChannel,
      /** @type {"answered" | "timeout" | "failed"} */ outcome,
      /** @type {string | undefined} */ error,
    ) {
      const r = byReply.get(replyChannel);
      if (!r || r.outcome !== "pending") return;
      r.outcome = outcome;
      r.settledAt = Date.now();
      if (error !== undefined) r.error = error;
    },
    /** @param {string | null} channel @returns {RequestRecord[]} */
    list(channel) {
      return [...byReply.values()].filter((r) => channel === null || r.channel === channel);
    },
    /**
     * A request subscription opened; call the returned function on each of its end events
     * (the first one counts).
     * @param {string} clientId @param {string} channel @param {string} group
     * @returns {(how: string) => void}
     */
    subscribed(clientId, channel, group) {
      /** @type {SubscriptionRecord} */
      const sub = { clientId, channel, group, openedAt: Date.now() };
      subscriptions.push(sub);
      if (subscriptions.length > KEEP) subscriptions.shift();
      return (how) => {
        if (sub.endedAt !== undefined) return;
        sub.endedAt = Date.now();
        sub.how = how;
      };
    },
    /** @param {string | null} channel @returns {SubscriptionRecord[]} */
    subscriptions(channel) {
      return subscriptions.filter((s) => channel === null || s.channel === channel);
    },
  };
}
