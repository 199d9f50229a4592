// The test broker's records (opt-in with --records): what became of each request, queue message
// and event, and when the broker stopped. Tests use them as a witness other than the connector:
// which request the broker delivered and when, whether a response came back, how often a queue
// message was delivered (redeliveries), how often an event reached a subscriber. Times are
// Date.now() milliseconds, the clock the test process reads too.

/**
 * One SendRequest (query or command).
 * @typedef {object} RequestRecord
 * @property {string} id the sender's RequestID
 * @property {string} channel
 * @property {"query" | "command"} type
 * @property {number} at when the broker accepted it
 * @property {number[]} deliveredAt each copy written to a subscriber
 * @property {number[]} respondedAt each SendResponse for it (the first settles it)
 * @property {"open" | "answered" | "timeout" | "stopped" | "cancelled"} outcome
 *   stopped: failed by a stop of the broker while still waiting for its response
 * @property {number | null} settledAt
 */

/**
 * One queue message accepted by SendQueueMessage(s).
 * @typedef {object} QueueRecord
 * @property {string} id MessageID
 * @property {string} channel
 * @property {number} at
 * @property {number[]} deliveredAt each delivery to a receiver (redeliveries after the first)
 * @property {number} acks
 * @property {number} rejects
 * @property {number} returned held by a stream that went away (crash, cancel, broker stop)
 * @property {number} visibilityExpired
 */

/**
 * One event accepted by SendEvent / SendEventsStream.
 * @typedef {object} EventRecord
 * @property {string} id EventID
 * @property {string} channel
 * @property {boolean} store
 * @property {number} at
 * @property {number[]} deliveredAt each copy written to a subscriber (history replays included)
 */

/**
 * One stop of the broker.
 * @typedef {object} StopRecord
 * @property {number} at when the stop began
 * @property {number | null} endedAt when the last connection was closed (a graceful stop
 *   drains for up to its grace period in between)
 * @property {boolean} graceful
 */

/**
 * @typedef {object} ChannelRecords
 * @property {StopRecord[]} stops every stop of this broker, whatever the channel
 * @property {RequestRecord[]} requests
 * @property {QueueRecord[]} queue
 * @property {EventRecord[]} events
 */

/** The records, or a keeper that keeps nothing when `enabled` is false. */
export function createRecords(/** @type {boolean} */ enabled) {
  /** @type {StopRecord[]} */
  const stops = [];
  /** @type {Map<string, RequestRecord>} reply channel -> record */
  const requests = new Map();
  /** @type {Map<string, QueueRecord>} */
  const queue = new Map();
  /** @type {Map<string, EventRecord>} */
  const events = new Map();
  const now = () => Date.now();
  const nothing = () => {};

  /** @param {RequestRecord | undefined} r @param {RequestRecord["outcome"]} outcome */
  const settle = (r, outcome) => {
    if (!r || r.outcome !== "open") return;
    r.outcome = outcome;
    r.settledAt = now();
  };

  if (!enabled) {
    return {
      enabled,
      stop: nothing,
      stopped: nothing,
      request: () => undefined,
      settle: nothing,
      responded: nothing,
      queueSent: nothing,
      queue: () => undefined,
      event: () => undefined,
      eventDelivered: nothing,
      forChannel: () => ({ stops: [], requests: [], queue: [], events: [] }),
    };
  }
  return {
    enabled,
    /** @param {boolean} graceful */
    stop(graceful) {
      stops.push({ at: now(), endedAt: null, graceful });
    },
    /** The stop under way is over: every connection is closed. */
    stopped() {
      const last = stops.at(-1);
      if (last && last.endedAt === null) last.endedAt = now();
    },
    /**
     * A request accepted, under its (server-made) reply channel.
     * @param {string} replyChannel @param {any} req pb.Request
     * @returns {RequestRecord}
     */
    request(replyChannel, req) {
      /** @type {RequestRecord} */
      const r = {
        id: req.getRequestid(),
        channel: req.getChannel(),
        type: req.getRequesttypedata() === 1 ? "command" : "query",
        at: now(),
        deliveredAt: [],
        respondedAt: [],
        outcome: "open",
        settledAt: null,
      };
      requests.set(replyChannel, r);
      return r;
    },
    settle,
    /** @param {string} replyChannel */
    responded(replyChannel) {
      requests.get(replyChannel)?.respondedAt.push(now());
    },
    /** @param {any} msg pb.QueueMessage as accepted */
    queueSent(msg) {
      queue.set(`${msg.getChannel()}\u0000${msg.getMessageid()}`, {
        id: msg.getMessageid(),
        channel: msg.getChannel(),
        at: now(),
        deliveredAt: [],
        acks: 0,
        rejects: 0,
        returned: 0,
        visibilityExpired: 0,
      });
    },
    /** @param {any} msg pb.QueueMessage @returns {QueueRecord | undefined} */
    queue: (msg) => queue.get(`${msg.getChannel()}\u0000${msg.getMessageid()}`),
    /**
     * An event's record, made at its first sight (when accepted).
     * @param {string} channel @param {string} id @param {boolean} store
     * @returns {EventRecord}
     */
    event(channel, id, store) {
      const key = `${channel}\u0000${id}`;
      let r = events.get(key);
      if (!r) {
        r = { id, channel, store, at: now(), deliveredAt: [] };
        events.set(key, r);
      }
      return r;
    },
    /** @param {string} channel @param {string} id */
    eventDelivered(channel, id) {
      events.get(`${channel}\u0000${id}`)?.deliveredAt.push(now());
    },
    /** @param {string} channel @returns {ChannelRecords} */
    forChannel(channel) {
      const of = (/** @type {Iterable<{channel: string}>} */ all) =>
        [...all].filter((r) => r.channel === channel);
      return {
        stops: [...stops],
        requests: /** @type {RequestRecord[]} */ (of(requests.values())),
        queue: /** @type {QueueRecord[]} */ (of(queue.values())),
        events: /** @type {EventRecord[]} */ (of(events.values())),
      };
    },
  };
}
