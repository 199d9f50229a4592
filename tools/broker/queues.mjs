// Queue semantics of the test broker: SendQueueMessage, SendQueueMessagesBatch,
// ReceiveQueueMessages, AckAllQueueMessages and StreamQueueMessage, following the open-source
// KubeMQ server (kubemq-community v2.4.0, pkg/client/queue.go and config/queue.go). Every rule
// is written down in docs/broker-protocol.md; the numbers (limits, defaults, error texts) are the
// server's own. Queues live in memory and survive a stop()/restart() of the gRPC listener, as the
// real server's persistent store survives a restart.

import { randomUUID } from "node:crypto";
import grpc from "@grpc/grpc-js";
import pb from "kubemq-js/lib/protos/index.js";

/** The server's queue policy defaults (config/queue.go, defaultQueueConfig). */
export const QUEUE_LIMITS = Object.freeze({
  maxNumberOfMessages: 1024,
  maxWaitTimeoutSeconds: 3600,
  maxExpirationSeconds: 43200,
  maxDelaySeconds: 43200,
  maxReceiveCount: 1024,
  maxVisibilitySeconds: 43200,
  defaultVisibilitySeconds: 60,
  defaultWaitTimeoutSeconds: 1,
});

/** StreamRequestType values. */
export const StreamRequestType = Object.freeze({
  Receive: 1,
  Ack: 2,
  Reject: 3,
  ModifyVisibility: 4,
  Resend: 5,
  SendModified: 6,
});

export const QUEUE_ERR = Object.freeze({
  clientId: "Error 101: invalid clientID value, cannot be empty",
  empty: "Error 110: invalid message, cannot be empty",
  queueName:
    "Error 120: invalid queue name value, cannot be empty, contains wildcards ,white spaces and end with dot",
  maxMessages:
    "Error 122: max messages should be between 1 and max message setting in kubemq config  ",
  noMessageToAck: "Error 124: no active message to ack",
  ackSeq: "Error 125: ack sequence cannot be 0 or negative",
  noMessageToSend: "Error 126: no active message to send",
  visibility:
    "Error 127: invalid visibility time, cannot be negative or exceed setting in kubemq config",
  active: "Error 128: subscription to queue is already active",
  visibilityExpired: "Error 129: current visibility timer expired",
  sending: "Error 130: error during send message to queue",
  invalidMessage: "Error 131: invalid queue message",
  streamType: "Error 132: invalid stream queue messages request type",
  expiration:
    "Error 133: invalid expiration seconds, exceed max expiration seconds setting in kubemq config",
  maxReceiveCount:
    "Error 134: invalid max received count, cannot be negative or exceed max receive count setting in kubemq config",
  delay: "Error 135: invalid delay seconds, exceed max delay seconds setting in kubemq config",
  waitTimeout:
    "Error 136: invalid wait timeout, value cannot be negative or exceed max wait timeout seconds setting in kubemq config",
  noMessageToReject: "Error 137: no active message to reject",
  noNewMessage: "Error 138: no new message in queue, wait time expired",
});

const NS_PER_MS = 1_000_000;
const nowNs = () => Date.now() * NS_PER_MS;

/** @param {string} channel @returns {boolean} */
export function validQueueName(channel) {
  return channel !== "" && !channel.endsWith(".") && !channel.includes(" ") &&
    !/[*>]/.test(channel);
}

/**
 * A stored message: the protobuf message with its attributes and policy always present.
 * @typedef {object} Entry
 * @property {any} msg pb.QueueMessage
 */

/** A deep copy of a QueueMessage (serialise + parse keeps every field, tags included). */
function clone(/** @type {any} */ msg) {
  return pb.QueueMessage.deserializeBinary(msg.serializeBinary());
}

/**
 * @typedef {object} QueueCounters
 * @property {number} sent messages accepted by SendQueueMessage(s)
 * @property {number} delivered messages handed to a receiver (stream or pull)
 * @property {number} redelivered of those, messages handed out again (received before)
 * @property {number} acked
 * @property {number} rejected
 * @property {number} visibilityExpired
 * @property {number} requeued copies put back after reject, visibility expiry or disconnect
 * @property {number} rerouted messages moved to their policy's MaxReceiveQueue
 * @property {number} dropped messages over MaxReceiveCount with no MaxReceiveQueue
 * @property {number} expired
 */

/**
 * @typedef {object} QueueInfo
 * @property {number} ready messages waiting to be received
 * @property {number} delayed messages whose DelaySeconds have not passed
 * @property {number} inFlight messages held by a stream (not yet acked or rejected)
 * @property {Record<string, number>} heldBy of those, how many each client id holds
 * @property {number} receivers streams waiting for a message on the channel
 */

/**
 * @param {object} deps
 * @param {(kind: string, metadata: grpc.Metadata) => ({code: number, details: string} | null)} deps.checkAuth
 * @param {(line: string) => void} deps.log
 * @param {() => void} deps.notify wakes waitForSubscribers (queue receivers count as subscribers)
 * @param {ReturnType<typeof import("./channel_records.mjs").createRecords>} deps.records
 */
export function createQueues({ checkAuth, log, notify, records }) {
  /**
   * @typedef {object} Waiter
   * @property {(entry: Entry) => boolean} take returns false when it no longer wants a message
   * @property {string} channel
   */
  /** @type {Map<string, {seq: number, ready: Entry[], waiters: Waiter[], delayed: Set<ReturnType<typeof setTimeout>>, inFlight: number, heldBy: Map<string, number>}>} */
  const queues = new Map();
  /** @type {Set<{fail: (status: {code: number, details: string}) => void}>} */
  const streams = new Set();
  /** @type {QueueCounters} */
  const counters = {
    sent: 0,
    delivered: 0,
    redelivered: 0,
    acked: 0,
    rejected: 0,
    visibilityExpired: 0,
    requeued: 0,
    rerouted: 0,
    dropped: 0,
    expired: 0,
  };

  /** @param {string} channel */
  function queue(channel) {
    let q = queues.get(channel);
    if (!q) {
      q = { seq: 0, ready: [], waiters: [], delayed: new Set(), inFlight: 0, heldBy: new Map() };
      queues.set(channel, q);
    }
    return q;
  }

  /** Hands ready messages to waiting receivers, oldest first on both sides. */
  function dispatch(/** @type {string} */ channel) {
    const q = queue(channel);
    while (q.ready.length > 0 && q.waiters.length > 0) {
      const waiter = /** @type {Waiter} */ (q.waiters.shift());
      const entry = /** @type {Entry} */ (q.ready.shift());
      if (!waiter.take(entry)) q.ready.unshift(entry);
    }
  }

  /**
   * Stores a message at the end of its queue with the next sequence number (as publishing to the
   * server's store does), or after its delay.
   * @param {any} msg pb.QueueMessage with attributes and policy set
   */
  function publish(msg) {
    const channel = msg.getChannel();
    const q = queue(channel);
    const attrs = msg.getAttributes();
    const delayMs = attrs.getDelayedto() > 0 ? attrs.getDelayedto() / NS_PER_MS - Date.now() : 0;
    const store = () => {
      attrs.setSequence(++q.seq);
      attrs.setTimestamp(nowNs());
      q.ready.push({ msg });
      dispatch(channel);
    };
    if (delayMs > 0) {
      const timer = setTimeout(() => {
        q.delayed.delete(timer);
        store();
      }, delayMs);
      q.delayed.add(timer);
    } else {
      store();
    }
  }

  /**
   * The checks and defaults of a new message (preSendQueueMessage), then publish.
   * @param {any} msg pb.QueueMessage as sent
   */
  function send(msg) {
    if (msg.getMessageid() === "") msg.setMessageid(randomUUID().replaceAll("-", ""));
    const sentAt = nowNs();
    const attrs = new pb.QueueMessageAttributes();
    msg.setAttributes(attrs);
    if (!msg.hasPolicy()) msg.setPolicy(new pb.QueueMessagePolicy());
    const policy = msg.getPolicy();
    if (policy.getExpirationseconds() > 0) {
      attrs.setExpirationat(
        sentAt + (policy.getExpirationseconds() + policy.getDelayseconds()) * 1e9,
      );
    }
    if (policy.getDelayseconds() > 0) {
      attrs.setDelayedto(sentAt + policy.getDelayseconds() * 1e9);
    }
    const result = new pb.SendQueueMessageResult();
    result.setMessageid(msg.getMessageid());
    const error = validateMessage(msg) ?? enforcePolicy(policy);
    if (error) {
      result.setIserror(true);
      result.setError(error);
      return result;
    }
    counters.sent++;
    records.queueSent(msg);
    publish(msg);
    result.setSentat(nowNs());
    result.setExpirationat(attrs.getExpirationat());
    result.setDelayedto(attrs.getDelayedto());
    return result;
  }

  /** @param {any} msg @returns {string | null} */
  function validateMessage(msg) {
    if (msg.getClientid() === "") return QUEUE_ERR.clientId;
    if (!validQueueName(msg.getChannel())) return QUEUE_ERR.queueName;
    if (msg.getMetadata() === "" && msg.getBody_asU8().length === 0) return QUEUE_ERR.empty;
    return null;
  }

  /** checkAndEnforceMessagePolicy: limits, and MaxReceiveCount 0 becomes the server maximum. */
  function enforcePolicy(/** @type {any} */ policy) {
    const L = QUEUE_LIMITS;
    const exp = policy.getExpirationseconds();
    if (exp > L.maxExpirationSeconds || exp < 0) return QUEUE_ERR.expiration;
    const max = policy.getMaxreceivecount();
    if (max > L.maxReceiveCount || max < 0) return QUEUE_ERR.maxReceiveCount;
    if (max === 0) policy.setMaxreceivecount(L.maxReceiveCount);
    const delay = policy.getDelayseconds();
    if (delay > L.maxDelaySeconds || delay < 0) return QUEUE_ERR.delay;
    const dlq = policy.getMaxreceivequeue();
    if (dlq !== "" && !validQueueName(dlq)) return QUEUE_ERR.queueName;
    return null;
  }

  /**
   * processMessagePolicy after a receive count increase: true when the message may be
   * delivered; otherwise it is moved to MaxReceiveQueue (or dropped when there is none).
   * @param {any} msg
   */
  function passesPolicy(msg) {
    const policy = msg.getPolicy();
    const attrs = msg.getAttributes();
    const max = policy.getMaxreceivecount();
    if (max <= 0 || attrs.getReceivecount() <= max) return true;
    const dlq = policy.getMaxreceivequeue();
    if (dlq === "") {
      counters.dropped++;
      log(`queue ${msg.getChannel()}: message ${msg.getMessageid()} dropped after ${max} receives`);
      return false;
    }
    const moved = clone(msg);
    const a = new pb.QueueMessageAttributes();
    a.setMd5ofbody(attrs.getMd5ofbody());
    a.setRerouted(true);
    a.setReroutedfromqueue(msg.getChannel());
    a.setExpirationat(attrs.getExpirationat());
    moved.setAttributes(a);
    moved.setPolicy(new pb.QueueMessagePolicy());
    moved.setChannel(dlq);
    counters.rerouted++;
    log(`queue ${msg.getChannel()}: message ${msg.getMessageid()} rerouted to ${dlq}`);
    publish(moved);
    return false;
  }

  /** @param {any} msg */
  function isExpired(msg) {
    const at = msg.getAttributes().getExpirationat();
    return at > 0 && at < nowNs();
  }

  /**
   * A receive: count it, apply the policy and expiry. Returns the message to deliver, or null
   * when it was rerouted, dropped or expired (the receiver then waits for the next one).
   * @param {Entry} entry
   */
  function receive(entry) {
    const attrs = entry.msg.getAttributes();
    attrs.setReceivecount(attrs.getReceivecount() + 1);
    if (!passesPolicy(entry.msg)) return null;
    if (isExpired(entry.msg)) {
      counters.expired++;
      return null;
    }
    counters.delivered++;
    if (attrs.getReceivecount() > 1) counters.redelivered++;
    records.queue(entry.msg)?.deliveredAt.push(Date.now());
    return entry.msg;
  }

  /**
   * sendCopyQueueMessage: a rejected, expired-visibility or abandoned message goes back to the
   * end of its queue as a copy that keeps its receive count, unless one more receive would break
   * its policy, in which case it is rerouted (or dropped) now.
   * @param {any} msg
   */
  function requeue(msg) {
    const copy = clone(msg);
    const probe = clone(msg);
    const attrs = probe.getAttributes();
    attrs.setReceivecount(attrs.getReceivecount() + 1);
    if (!passesPolicy(probe)) return;
    copy.getAttributes().setSequence(0);
    counters.requeued++;
    publish(copy);
  }

  /** @param {{code: number, details: string}} status */
  const statusError = (status) => Object.assign(new Error(status.details), status);

  const implementation = {
    /** @param {grpc.ServerUnaryCall<any, any>} call @param {grpc.sendUnaryData<any>} callback */
    sendQueueMessage(call, callback) {
      const authError = checkAuth("SendQueueMessage", call.metadata);
      if (authError) return callback(statusError(authError));
      callback(null, send(call.request));
    },

    /** @param {grpc.ServerUnaryCall<any, any>} call @param {grpc.sendUnaryData<any>} callback */
    sendQueueMessagesBatch(call, callback) {
      const authError = checkAuth("SendQueueMessagesBatch", call.metadata);
      if (authError) return callback(statusError(authError));
      const batch = call.request;
      const messages = batch.getMessagesList();
      if (messages.length === 0) {
        return callback({ code: grpc.status.UNKNOWN, details: "empty messages batch" });
      }
      const response = new pb.QueueMessagesBatchResponse();
      response.setBatchid(batch.getBatchid());
      const results = messages.map(send);
      response.setResultsList(results);
      response.setHaveerrors(results.some((r) => r.getIserror()));
      callback(null, response);
    },

    /** @param {grpc.ServerUnaryCall<any, any>} call @param {grpc.sendUnaryData<any>} callback */
    receiveQueueMessages(call, callback) {
      const authError = checkAuth("ReceiveQueueMessages", call.metadata);
      if (authError) return callback(statusError(authError));
      const req = call.request;
      const response = new pb.ReceiveQueueMessagesResponse();
      response.setRequestid(req.getRequestid() || randomUUID());
      response.setIspeak(req.getIspeak());
      const fail = (/** @type {string} */ error) => {
        response.setIserror(true);
        response.setError(error);
        callback(null, response);
      };
      const channel = req.getChannel();
      if (req.getClientid() === "") return fail(QUEUE_ERR.clientId);
      if (!validQueueName(channel)) return fail(QUEUE_ERR.queueName);
      const max = req.getMaxnumberofmessages();
      if (max > QUEUE_LIMITS.maxNumberOfMessages || max < 1) return fail(QUEUE_ERR.maxMessages);
      let wait = req.getWaittimeseconds();
      if (wait > QUEUE_LIMITS.maxWaitTimeoutSeconds || wait < 0) return fail(QUEUE_ERR.waitTimeout);
      if (wait === 0) wait = QUEUE_LIMITS.defaultWaitTimeoutSeconds;
      const q = queue(channel);
      /** @type {any[]} */
      const got = [];
      if (req.getIspeak()) {
        // A peek sees copies: nothing is removed and the stored receive counts do not change.
        for (const entry of q.ready.slice(0, max)) {
          const copy = clone(entry.msg);
          copy.getAttributes().setReceivecount(copy.getAttributes().getReceivecount() + 1);
          got.push(copy);
        }
        response.setMessagesList(got);
        response.setMessagesreceived(got.length);
        return callback(null, response);
      }
      let expired = 0;
      let done = false;
      /** @type {Waiter} */
      const waiter = {
        channel,
        take(entry) {
          if (done) return false;
          const before = counters.expired;
          const msg = receive(entry);
          expired += counters.expired - before;
          // A pulled message is acknowledged at once: it is the caller's from now on.
          if (msg) {
            got.push(msg);
            counters.acked++;
            const r = records.queue(msg);
            if (r) r.acks++;
          }
          if (got.length >= max) finish();
          else q.waiters.push(waiter);
          return true;
        },
      };
      const finish = () => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        const at = q.waiters.indexOf(waiter);
        if (at >= 0) q.waiters.splice(at, 1);
        response.setMessagesList(got);
        response.setMessagesreceived(got.length);
        response.setMessagesexpired(expired);
        callback(null, response);
      };
      // Like the server, it collects until it has `max` messages or the wait time is over.
      const timer = setTimeout(finish, wait * 1000);
      call.on("cancelled", () => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        const at = q.waiters.indexOf(waiter);
        if (at >= 0) q.waiters.splice(at, 1);
      });
      q.waiters.push(waiter);
      dispatch(channel);
    },

    /** @param {grpc.ServerUnaryCall<any, any>} call @param {grpc.sendUnaryData<any>} callback */
    ackAllQueueMessages(call, callback) {
      const authError = checkAuth("AckAllQueueMessages", call.metadata);
      if (authError) return callback(statusError(authError));
      const req = call.request;
      const response = new pb.AckAllQueueMessagesResponse();
      response.setRequestid(req.getRequestid() || randomUUID());
      const fail = (/** @type {string} */ error) => {
        response.setIserror(true);
        response.setError(error);
        callback(null, response);
      };
      if (req.getClientid() === "") return fail(QUEUE_ERR.clientId);
      if (!validQueueName(req.getChannel())) return fail(QUEUE_ERR.queueName);
      const wait = req.getWaittimeseconds();
      if (wait > QUEUE_LIMITS.maxWaitTimeoutSeconds || wait < 0) return fail(QUEUE_ERR.waitTimeout);
      const q = queue(req.getChannel());
      response.setAffectedmessages(q.ready.length);
      counters.acked += q.ready.length;
      q.ready = [];
      callback(null, response);
    },

    /** @param {grpc.ServerDuplexStream<any, any>} call */
    streamQueueMessage(call) {
      const authError = checkAuth("StreamQueueMessage", call.metadata);
      if (authError) return call.emit("error", authError);
      streamSession(call);
    },
  };

  /**
   * One StreamQueueMessage stream: at most one message, then the stream ends (status OK) after
   * its ack, reject, resend, visibility expiry or wait timeout.
   * @param {grpc.ServerDuplexStream<any, any>} call
   */
  function streamSession(call) {
    /** @type {any} */
    let held = null;
    /** @type {string | null} */
    let channel = null;
    /** The receiving client's id (Receive's ClientID), for the broker's per-client count. */
    let holder = "";
    /** @type {Waiter | null} */
    let waiter = null;
    /** @type {any} the request that set the current timers (responses echo its id and type) */
    let current = null;
    let visibilitySeconds = QUEUE_LIMITS.defaultVisibilitySeconds;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    let waitTimer;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    let visibilityTimer;
    let finished = false;

    const respond = (/** @type {any} */ req, /** @type {string | null} */ error, msg = null) => {
      if (finished) return;
      const res = new pb.StreamQueueMessagesResponse();
      res.setRequestid(req.getRequestid());
      res.setStreamrequesttypedata(req.getStreamrequesttypedata());
      if (msg) res.setMessage(msg);
      if (error) {
        res.setIserror(true);
        res.setError(error);
      }
      call.write(res);
    };
    const stopWaiting = () => {
      clearTimeout(waitTimer);
      if (waiter && channel !== null) {
        const q = queue(channel);
        const at = q.waiters.indexOf(waiter);
        if (at >= 0) q.waiters.splice(at, 1);
        waiter = null;
        notify();
      }
    };
    const release = () => {
      if (!held || channel === null) return;
      const q = queue(channel);
      q.inFlight--;
      const n = (q.heldBy.get(holder) ?? 1) - 1;
      if (n > 0) q.heldBy.set(holder, n);
      else q.heldBy.delete(holder);
      held = null;
    };
    /** Ends the stream with status OK, as the server does once a stream's work is done. */
    const done = () => {
      if (finished) return;
      stopWaiting();
      clearTimeout(visibilityTimer);
      finished = true;
      streams.delete(session);
      call.end();
    };
    /** The client went away or the broker stopped: a held message goes back to the queue. */
    const abandon = () => {
      if (finished) return;
      finished = true;
      stopWaiting();
      clearTimeout(visibilityTimer);
      streams.delete(session);
      if (held) {
        const msg = held;
        const r = records.queue(msg);
        if (r) r.returned++;
        release();
        requeue(msg);
      }
    };
    const startVisibility = () => {
      clearTimeout(visibilityTimer);
      visibilityTimer = setTimeout(() => {
        if (!held) return;
        counters.visibilityExpired++;
        const r = records.queue(held);
        if (r) r.visibilityExpired++;
        respond(current, QUEUE_ERR.visibilityExpired);
        const msg = held;
        release();
        requeue(msg);
        done();
      }, visibilitySeconds * 1000);
    };

    const session = {
      fail(/** @type {{code: number, details: string}} */ status) {
        abandon();
        call.emit("error", status);
      },
    };
    streams.add(session);

    call.on("data", (/** @type {any} */ req) => {
      if (finished) return;
      if (req.getRequestid() === "") req.setRequestid(randomUUID().replaceAll("-", ""));
      const error = check(req);
      if (error) return respond(req, error);
      switch (req.getStreamrequesttypedata()) {
        case StreamRequestType.Receive: {
          if (channel !== null) return respond(req, QUEUE_ERR.active);
          channel = req.getChannel();
          holder = req.getClientid();
          current = req;
          visibilitySeconds = req.getVisibilityseconds();
          const q = queue(channel);
          waiter = {
            channel,
            take(entry) {
              if (finished || held) return false;
              const msg = receive(entry);
              if (!msg) {
                // Rerouted, dropped or expired: keep waiting for the next one.
                q.waiters.unshift(/** @type {Waiter} */ (waiter));
                return true;
              }
              waiter = null;
              clearTimeout(waitTimer);
              notify();
              held = msg;
              q.inFlight++;
              q.heldBy.set(holder, (q.heldBy.get(holder) ?? 0) + 1);
              startVisibility();
              respond(current, null, msg);
              return true;
            },
          };
          waitTimer = setTimeout(() => {
            if (held || finished) return;
            respond(current, QUEUE_ERR.noNewMessage);
            done();
          }, req.getWaittimeseconds() * 1000);
          q.waiters.push(waiter);
          notify();
          dispatch(channel);
          return;
        }
        case StreamRequestType.Ack: {
          if (!held) return respond(req, QUEUE_ERR.noMessageToAck);
          if (held.getAttributes().getSequence() !== req.getRefsequence()) {
            return respond(req, QUEUE_ERR.ackSeq);
          }
          counters.acked++;
          const r = records.queue(held);
          if (r) r.acks++;
          release();
          respond(req, null);
          return done();
        }
        case StreamRequestType.Reject: {
          if (!held) return respond(req, QUEUE_ERR.noMessageToReject);
          if (held.getAttributes().getSequence() !== req.getRefsequence()) {
            return respond(req, QUEUE_ERR.ackSeq);
          }
          counters.rejected++;
          const r = records.queue(held);
          if (r) r.rejects++;
          const msg = held;
          release();
          requeue(msg);
          respond(req, null);
          return done();
        }
        case StreamRequestType.ModifyVisibility: {
          // Without a held message the server only re-arms a timer nobody waits for: answer OK.
          visibilitySeconds = req.getVisibilityseconds();
          if (held) startVisibility();
          return respond(req, null);
        }
        case StreamRequestType.Resend: {
          if (!held) return respond(req, QUEUE_ERR.noMessageToSend);
          const copy = clone(held);
          copy.getAttributes().setReceivecount(0);
          copy.setChannel(req.getChannel());
          const result = send(copy);
          if (result.getIserror()) return respond(req, QUEUE_ERR.sending);
          counters.acked++;
          const r = records.queue(held);
          if (r) r.acks++;
          release();
          respond(req, null);
          return done();
        }
        case StreamRequestType.SendModified: {
          if (!held) return respond(req, QUEUE_ERR.noMessageToAck);
          const result = send(req.getModifiedmessage());
          if (result.getIserror()) return respond(req, QUEUE_ERR.sending);
          counters.acked++;
          const r = records.queue(held);
          if (r) r.acks++;
          release();
          respond(req, null);
          return done();
        }
      }
    });
    call.on("cancelled", abandon);
    call.on("error", abandon);
    call.on("close", abandon);
  }

  /**
   * checkAndEnforceStreamQueueMessageRequest: per-type checks and defaults.
   * @param {any} req
   * @returns {string | null}
   */
  function check(req) {
    const L = QUEUE_LIMITS;
    if (req.getClientid() === "") return QUEUE_ERR.clientId;
    const visibility = req.getVisibilityseconds();
    const badVisibility = visibility > L.maxVisibilitySeconds || visibility < 0;
    switch (req.getStreamrequesttypedata()) {
      case StreamRequestType.Receive: {
        if (!validQueueName(req.getChannel())) return QUEUE_ERR.queueName;
        if (badVisibility) return QUEUE_ERR.visibility;
        if (visibility === 0) req.setVisibilityseconds(L.defaultVisibilitySeconds);
        const wait = req.getWaittimeseconds();
        if (wait > L.maxWaitTimeoutSeconds || wait < 0) return QUEUE_ERR.waitTimeout;
        if (wait === 0) req.setWaittimeseconds(L.defaultWaitTimeoutSeconds);
        return null;
      }
      case StreamRequestType.Ack:
      case StreamRequestType.Reject:
        return req.getRefsequence() === 0 ? QUEUE_ERR.ackSeq : null;
      case StreamRequestType.Resend:
        return validQueueName(req.getChannel()) ? null : QUEUE_ERR.queueName;
      case StreamRequestType.ModifyVisibility:
        if (badVisibility) return QUEUE_ERR.visibility;
        if (visibility === 0) req.setVisibilityseconds(L.defaultVisibilitySeconds);
        return null;
      case StreamRequestType.SendModified: {
        const msg = req.getModifiedmessage();
        if (!msg) return QUEUE_ERR.invalidMessage;
        if (!msg.hasPolicy()) msg.setPolicy(new pb.QueueMessagePolicy());
        return validateMessage(msg) ?? enforcePolicy(msg.getPolicy()) ??
          (badVisibility ? QUEUE_ERR.visibility : null);
      }
      default:
        return QUEUE_ERR.streamType;
    }
  }

  return {
    implementation,
    /** Ends every queue stream like a crash; held messages go back to their queues. */
    fail(/** @type {{code: number, details: string}} */ status) {
      for (const s of [...streams]) s.fail(status);
      notify();
    },
    /** Streams waiting for a message on `channel`. */
    receiverCount(/** @type {string} */ channel) {
      return queues.get(channel)?.waiters.length ?? 0;
    },
    /** @param {string} channel @returns {QueueInfo} */
    info(channel) {
      const q = queues.get(channel);
      return {
        ready: q?.ready.length ?? 0,
        delayed: q?.delayed.size ?? 0,
        inFlight: q?.inFlight ?? 0,
        heldBy: Object.fromEntries(q?.heldBy ?? []),
        receivers: q?.waiters.length ?? 0,
      };
    },
    counters: () => ({ ...counters }),
    /** Drops every timer, for close(). */
    close() {
      for (const q of queues.values()) for (const t of q.delayed) clearTimeout(t);
    },
  };
}
