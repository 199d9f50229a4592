// Events and events-store semantics of the test broker: SendEvent, SendEventsStream and
// SubscribeToEvents, following the open-source KubeMQ server (kubemq-community v2.4.0,
// interfaces/grpc/grpc.go, pkg/client/client.go, validatation.go, helpers.go). The rules are
// written down in docs/broker-protocol.md. The events store lives in memory and survives a
// stop()/restart() of the gRPC listener, as the real server's store survives a restart.

import { randomUUID } from "node:crypto";
import grpc from "@grpc/grpc-js";
import pb from "kubemq-js/lib/protos/index.js";

/** Subscribe.SubscribeTypeData values of this module. */
export const SUBSCRIBE_EVENTS = 1;
export const SUBSCRIBE_EVENTS_STORE = 2;

/** Subscribe.EventsStoreTypeData values. */
export const EventsStoreType = Object.freeze({
  Undefined: 0,
  StartNewOnly: 1,
  StartFromFirst: 2,
  StartFromLast: 3,
  StartAtSequence: 4,
  StartAtTime: 5,
  StartAtTimeDelta: 6,
});

export const EVENT_ERR = Object.freeze({
  clientId: "Error 101: invalid clientID value, cannot be empty",
  channel: "Error 102: invalid channel value, cannot be empty",
  wildcards: "Error 107: invalid channel value, no wildcards are allowed",
  whitespace: "Error 108: invalid channel value, no white spaces are allowed",
  empty: "Error 110: invalid message, cannot be empty",
  storeType: "Error 111: invalid subscription type, cannot be undefined or 0",
  startSequence:
    "Error 112: invalid subscription type start at sequence value, cannot by 0 or negative",
  startTime: "Error 113: invalid subscription type start at time value, cannot by 0 or negative",
  startTimeDelta:
    "Error 114: invalid subscription type start at time delta value, cannot by 0 or negative",
  storeParams: "Error 118: event store parameters were set but subscribe type is not event store",
  trailingDot: "Error 119: invalid channel value, cannot end with `.`",
  subscribeType: "Error 207: invalid subscribe type",
});

const nowNs = () => Date.now() * 1_000_000;

/** @param {any} event pb.Event @returns {string | null} ValidateEventMessage */
function validateEvent(event) {
  const channel = event.getChannel();
  if (event.getClientid() === "") return EVENT_ERR.clientId;
  if (channel === "") return EVENT_ERR.channel;
  if (channel.endsWith(".")) return EVENT_ERR.trailingDot;
  if (channel.includes(" ")) return EVENT_ERR.whitespace;
  if (/[*>]/.test(channel)) return EVENT_ERR.wildcards;
  if (event.getMetadata() === "" && event.getBody_asU8().length === 0) return EVENT_ERR.empty;
  return null;
}

/** @param {any} sub pb.Subscribe @returns {string | null} ValidateSubscriptionToEvents */
function validateSubscribe(sub) {
  const type = sub.getSubscribetypedata();
  const channel = sub.getChannel();
  const storeType = sub.getEventsstoretypedata();
  const value = sub.getEventsstoretypevalue();
  const store = type === SUBSCRIBE_EVENTS_STORE;
  if (sub.getClientid() === "") return EVENT_ERR.clientId;
  if (channel === "") return EVENT_ERR.channel;
  if (channel.endsWith(".")) return EVENT_ERR.trailingDot;
  if (channel.includes(" ")) return EVENT_ERR.whitespace;
  if (!store && storeType !== EventsStoreType.Undefined) return EVENT_ERR.storeParams;
  if (store && /[*>]/.test(channel)) return EVENT_ERR.wildcards;
  if (store && storeType === EventsStoreType.Undefined) return EVENT_ERR.storeType;
  if (store && storeType === EventsStoreType.StartAtSequence && value <= 0) {
    return EVENT_ERR.startSequence;
  }
  if (store && storeType === EventsStoreType.StartAtTime && value <= 0) return EVENT_ERR.startTime;
  if (store && storeType === EventsStoreType.StartAtTimeDelta && value <= 0) {
    return EVENT_ERR.startTimeDelta;
  }
  return null;
}

/**
 * @typedef {object} EventSubscription
 * @property {number} type
 * @property {string} channel
 * @property {string} group
 * @property {string} clientId
 * @property {grpc.ServerWritableStream<any, any>} call
 * @property {string} peer the client's address and port (getPeer), to drop it on its FIN
 */

/**
 * @typedef {object} EventRecord the broker's record of one published event: which subscribers
 *   (client ids) it was written to, so a test can count deliveries per event without trusting
 *   the subscribers' own account (GET /events; the last 100,000 events)
 * @property {string} eventId
 * @property {string} channel
 * @property {boolean} store
 * @property {string[]} deliveredTo client ids, in order (events-store replays to a new
 *   subscriber included)
 */

const KEEP_RECORDS = 100_000;

/**
 * @typedef {object} EventCounters
 * @property {number} events events accepted by SendEvent / SendEventsStream (Store false)
 * @property {number} stored events accepted into the events store (Store true)
 * @property {number} delivered event copies written to subscribers
 */

/**
 * @param {object} deps
 * @param {(kind: string, metadata: grpc.Metadata) => ({code: number, details: string} | null)} deps.checkAuth
 * @param {(line: string) => void} deps.log
 * @param {() => void} deps.notify wakes waitForSubscribers
 * @param {(pattern: string, channel: string) => boolean} deps.channelMatches
 * @param {ReturnType<typeof import("./channel_records.mjs").createRecords>} deps.records
 */
export function createEvents({ checkAuth, log, notify, channelMatches, records: chRecords }) {
  /** @type {Set<EventSubscription>} */
  const subscriptions = new Set();
  /** @type {Map<string, {seq: number, entries: any[]}>} channel -> stored EventReceive list */
  const stores = new Map();
  /** @type {EventCounters} */
  const counters = { events: 0, stored: 0, delivered: 0 };
  /** @type {Map<string, EventRecord>} event id -> record */
  const records = new Map();

  /** The record of `event` (a pb.Event or pb.EventReceive), created on first use. */
  function recordOf(/** @type {any} */ event, /** @type {boolean} */ stored) {
    const id = event.getEventid();
    let r = records.get(id);
    if (!r) {
      r = { eventId: id, channel: event.getChannel(), store: stored, deliveredTo: [] };
      records.set(id, r);
      if (records.size > KEEP_RECORDS) records.delete(records.keys().next().value ?? "");
    }
    return r;
  }

  /** @param {string} channel */
  function store(channel) {
    let s = stores.get(channel);
    if (!s) {
      s = { seq: 0, entries: [] };
      stores.set(channel, s);
    }
    return s;
  }

  /** Every ungrouped subscriber plus one random member of each group. */
  function receivers(/** @type {number} */ type, /** @type {string} */ channel) {
    /** @type {EventSubscription[]} */
    const out = [];
    /** @type {Map<string, EventSubscription[]>} */
    const groups = new Map();
    for (const sub of subscriptions) {
      if (sub.type !== type) continue;
      // Events subscriptions may use wildcards; events-store subscriptions name one channel.
      const match = type === SUBSCRIBE_EVENTS
        ? channelMatches(sub.channel, channel)
        : sub.channel === channel;
      if (!match) continue;
      if (sub.group === "") out.push(sub);
      else groups.set(sub.group, [...(groups.get(sub.group) ?? []), sub]);
    }
    for (const members of groups.values()) {
      const chosen = members[Math.floor(Math.random() * members.length)];
      if (chosen) out.push(chosen);
    }
    return out;
  }

  /** @param {any} event pb.Event @returns {any} pb.EventReceive */
  function toReceive(event) {
    const r = new pb.EventReceive();
    r.setEventid(event.getEventid());
    r.setChannel(event.getChannel());
    r.setMetadata(event.getMetadata());
    r.setBody(event.getBody_asU8());
    for (const [k, v] of event.getTagsMap().entries()) r.getTagsMap().set(k, v);
    return r;
  }

  /**
   * Publishes one event (SendEvents / SendEventsStore). Returns the Result, or throws the
   * validation error text.
   * @param {any} event pb.Event
   */
  function publish(event) {
    const error = validateEvent(event);
    if (error) throw new Error(error);
    if (event.getEventid() === "") event.setEventid(randomUUID().replaceAll("-", ""));
    const received = toReceive(event);
    let type = SUBSCRIBE_EVENTS;
    if (event.getStore()) {
      type = SUBSCRIBE_EVENTS_STORE;
      const s = store(event.getChannel());
      received.setSequence(++s.seq);
      received.setTimestamp(nowNs());
      s.entries.push(received);
      counters.stored++;
    } else {
      counters.events++;
    }
    const record = recordOf(event, event.getStore());
    const chRecord = chRecords.event(event.getChannel(), event.getEventid(), event.getStore());
    for (const sub of receivers(type, event.getChannel())) {
      counters.delivered++;
      record.deliveredTo.push(sub.clientId);
      chRecord?.deliveredAt.push(Date.now());
      sub.call.write(received);
    }
    const result = new pb.Result();
    result.setEventid(event.getEventid());
    result.setSent(true);
    return result;
  }

  /**
   * The stored events a new events-store subscription starts with (ParseSubscriptionRequest).
   * @param {any} sub pb.Subscribe
   */
  function history(sub) {
    const entries = stores.get(sub.getChannel())?.entries ?? [];
    const value = sub.getEventsstoretypevalue();
    switch (sub.getEventsstoretypedata()) {
      case EventsStoreType.StartFromFirst:
        return entries;
      case EventsStoreType.StartFromLast:
        return entries.slice(-1);
      case EventsStoreType.StartAtSequence:
        return entries.filter((e) => e.getSequence() >= value);
      case EventsStoreType.StartAtTime:
        return entries.filter((e) => e.getTimestamp() >= value);
      case EventsStoreType.StartAtTimeDelta: {
        const from = nowNs() - value * 1e9;
        return entries.filter((e) => e.getTimestamp() >= from);
      }
      default:
        return [];
    }
  }

  const implementation = {
    /** @param {grpc.ServerUnaryCall<any, any>} call @param {grpc.sendUnaryData<any>} callback */
    sendEvent(call, callback) {
      const authError = checkAuth("SendEvent", call.metadata);
      if (authError) return callback(authError);
      try {
        callback(null, publish(call.request));
      } catch (err) {
        callback({ code: grpc.status.INTERNAL, details: /** @type {Error} */ (err).message });
      }
    },

    /** @param {grpc.ServerDuplexStream<any, any>} call */
    sendEventsStream(call) {
      const authError = checkAuth("SendEventsStream", call.metadata);
      if (authError) return call.emit("error", authError);
      call.on("data", (/** @type {any} */ event) => {
        let result;
        try {
          result = publish(event);
        } catch (err) {
          result = new pb.Result();
          result.setEventid(event.getEventid());
          result.setSent(false);
          result.setError(/** @type {Error} */ (err).message);
        }
        // The server answers every stored event, but a plain event only when it failed.
        if (event.getStore() || !result.getSent()) call.write(result);
      });
      call.on("end", () => call.end());
      call.on("error", () => {});
    },

    /** @param {grpc.ServerWritableStream<any, any>} call */
    subscribeToEvents(call) {
      const fail = (/** @type {{code: number, details: string}} */ status) =>
        call.emit("error", status);
      const authError = checkAuth("SubscribeToEvents", call.metadata);
      if (authError) return fail(authError);
      const req = call.request;
      const type = req.getSubscribetypedata();
      if (type !== SUBSCRIBE_EVENTS && type !== SUBSCRIBE_EVENTS_STORE) {
        return fail({ code: grpc.status.INTERNAL, details: EVENT_ERR.subscribeType });
      }
      const error = validateSubscribe(req);
      if (error) return fail({ code: grpc.status.INTERNAL, details: error });
      /** @type {EventSubscription} */
      const sub = {
        type,
        channel: req.getChannel(),
        group: req.getGroup(),
        clientId: req.getClientid(),
        call,
        peer: call.getPeer(),
      };
      if (type === SUBSCRIBE_EVENTS_STORE) {
        for (const e of history(req)) {
          counters.delivered++;
          recordOf(e, true).deliveredTo.push(sub.clientId);
          chRecords.eventDelivered(e.getChannel(), e.getEventid());
          call.write(e);
        }
      }
      subscriptions.add(sub);
      log(
        `subscribe ${type === SUBSCRIBE_EVENTS ? "events" : "events-store"} ${sub.channel}` +
          (sub.group ? ` group=${sub.group}` : "") + ` client=${req.getClientid()}`,
      );
      const drop = () => {
        if (subscriptions.delete(sub)) notify();
      };
      call.on("cancelled", drop);
      call.on("error", drop);
      call.on("finish", drop);
      call.on("close", drop);
      notify();
    },
  };

  return {
    implementation,
    /** Fails every events subscription like a crash. */
    fail(/** @type {{code: number, details: string}} */ status) {
      for (const sub of [...subscriptions]) {
        subscriptions.delete(sub);
        sub.call.emit("error", status);
      }
      notify();
    },
    /**
     * Drops the subscriptions of the client at `peer` (grpc-js getPeer()) that ended its side of
     * the connection: no event goes to them any more. Returns how many.
     * @param {string} peer
     */
    clientClosed(peer) {
      let n = 0;
      for (const sub of [...subscriptions]) {
        if (sub.peer !== peer) continue;
        subscriptions.delete(sub);
        n++;
      }
      if (n > 0) notify();
      return n;
    },
    /** Ends every events subscription with status OK; returns how many. */
    endStreams() {
      const subs = [...subscriptions];
      subscriptions.clear();
      for (const sub of subs) sub.call.end();
      notify();
      return subs.length;
    },
    /** Open events and events-store subscriptions that would receive an event on `channel`. */
    subscriberCount(/** @type {string} */ channel) {
      let n = 0;
      for (const sub of subscriptions) {
        if (
          sub.type === SUBSCRIBE_EVENTS
            ? channelMatches(sub.channel, channel)
            : sub.channel === channel
        ) n++;
      }
      return n;
    },
    /** Stored events of a channel (events-store), for tests. */
    storedCount: (/** @type {string} */ channel) => stores.get(channel)?.entries.length ?? 0,
    subscriptionCount: () => subscriptions.size,
    counters: () => ({ ...counters }),
    /** @param {string | null} channel @returns {EventRecord[]} */
    records: (channel) =>
      [...records.values()].filter((r) => channel === null || r.channel === channel),
  };
}
