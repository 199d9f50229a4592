// The broker's record of each query and command: which subscriber (client id) it was delivered
// to, which ones answered, and how it ended for the sender. Tests read it (GET /requests) to name
// the requests a killed replica held, and to count deliveries and responses per request without
// trusting the connector's own account. The last 100,000 requests are kept.

const KEEP = 100_000;

/**
 * @typedef {object} RequestRecord
 * @property {string} requestId the sender's request id
 * @property {string} channel
 * @property {string[]} deliveredTo client ids of the subscribers it was written to, in order
 * @property {string[]} answeredBy client ids of every SendResponse for it, late ones included
 * @property {"pending" | "answered" | "timeout" | "failed"} outcome for the sender
 * @property {string} [error] the sender's error, when it failed
 */

export function createRequestRecords() {
  /** @type {Map<string, RequestRecord>} reply channel -> record */
  const byReply = new Map();

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
        deliveredTo: [],
        answeredBy: [],
        outcome: "pending",
      });
      if (byReply.size > KEEP) byReply.delete(byReply.keys().next().value ?? "");
    },
    delivered(/** @type {string} */ replyChannel, /** @type {string} */ clientId) {
      byReply.get(replyChannel)?.deliveredTo.push(clientId);
    },
    responded(/** @type {string} */ replyChannel, /** @type {string} */ clientId) {
      byReply.get(replyChannel)?.answeredBy.push(clientId);
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
      if (error !== undefined) r.error = error;
    },
    /** @param {string | null} channel @returns {RequestRecord[]} */
    list(channel) {
      return [...byReply.values()].filter((r) => channel === null || r.channel === channel);
    },
  };
}
