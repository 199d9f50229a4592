// A KubeMQ-compatible gRPC broker for development and tests: Ping, SubscribeToRequests,
// SendRequest and SendResponse with the real server's query/command semantics
// (see shared reference kubemq-protocol.md), plus queues (queues.mjs) and events and
// events-store (events.mjs) as docs/broker-protocol.md describes. It is not a KubeMQ
// replacement: everything is in memory, with no persistence across processes and no clustering.
//
// Runs under Node only: a grpc-js TLS server under Deno fails every handshake.

import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import http2 from "node:http2";
import os from "node:os";
import grpc from "@grpc/grpc-js";
import pb from "kubemq-js/lib/protos/index.js";
import { createEvents } from "./events.mjs";
import { createQueues } from "./queues.mjs";
import { createRequestRecords } from "./records.mjs";
import { createRecords } from "./channel_records.mjs";

/**
 * The real server accepts messages up to 100 MiB. grpc-js counts the serialised protobuf
 * message, so a 100 MiB body plus the Request's other fields would be just over the limit;
 * 1 MiB of headroom covers the envelope fields without materially changing the limit.
 */
export const MAX_MESSAGE_BYTES = 104857600 + 1024 * 1024;

/** Subscribe.SubscribeTypeData values the broker serves. */
const SUBSCRIBE_COMMANDS = 3;
const SUBSCRIBE_QUERIES = 4;
/** Request.RequestTypeData values, and the subscription namespace each is routed to. */
const REQUEST_TYPE_TO_SUBSCRIBE = new Map([[1, SUBSCRIBE_COMMANDS], [2, SUBSCRIBE_QUERIES]]);

const ERR = {
  clientId: "Error 101: invalid clientID value, cannot be empty",
  channel: "Error 102: invalid channel value, cannot be empty",
  trailingDot: "Error 119: invalid channel value, cannot end with `.`",
  whitespace: "Error 108: invalid channel value, no white spaces are allowed",
  wildcards: "Error 107: invalid channel value, no wildcards are allowed",
  timeout: "Error 109: invalid set timeout value, cannot be 0 or negative",
  emptyRequest: "Error 115: invalid request, cannot be empty",
  requestId: "Error 117: invalid request id, cannot be empty",
  requestType: "Error 206: invalid request type",
  subscribeType: "Error 207: invalid subscribe type",
  timedOut: "Error 301: timeout for request message",
};

/** @typedef {"Ping" | "SubscribeToRequests" | "SendRequest" | "SendResponse" | "SendQueueMessage" | "SendQueueMessagesBatch" | "ReceiveQueueMessages" | "AckAllQueueMessages" | "StreamQueueMessage" | "SendEvent" | "SendEventsStream" | "SubscribeToEvents"} RpcKind */

/**
 * TLS material: each value is either PEM text (contains "-----BEGIN") or a path to a PEM file.
 * @typedef {object} TlsOptions
 * @property {string | Uint8Array} cert server certificate chain
 * @property {string | Uint8Array} key server private key
 * @property {string | Uint8Array} [ca] CA used to verify client certificates
 * @property {boolean} [requireClientCert] demand and verify a client certificate (needs `ca`)
 */

/**
 * @typedef {object} BrokerOptions
 * @property {number} [port] 0 (the default) picks a free port
 * @property {string} [host] default "127.0.0.1"
 * @property {TlsOptions} [tls] serve TLS instead of plaintext
 * @property {string} [authToken] when set, every RPC must carry `authorization` metadata equal
 *   to it (raw, no "Bearer")
 * @property {(line: string) => void} [log] receives short log lines; default silent
 * @property {boolean} [records] keep a record of every request, queue message, event and stop
 *   (see channel_records.mjs; memory grows with the traffic, so tests only)
 */

/**
 * @typedef {object} BrokerStats
 * @property {number} requests SendRequest calls that passed validation
 * @property {number} delivered request copies written to subscribers
 * @property {number} responses SendResponse calls that passed validation
 * @property {number} responsesDelivered responses that reached a waiting sender
 * @property {number} responsesDropped late or duplicate responses (silently dropped)
 * @property {number} responsesDuplicate of those, responses to a request that had already been
 *   answered (a responder answering twice)
 * @property {number} timeouts requests that ended with Error 301
 * @property {number} subscriptions currently open subscription streams (queries and commands)
 * @property {number} eventSubscriptions currently open events and events-store subscriptions
 * @property {import("./queues.mjs").QueueCounters} queues
 * @property {import("./events.mjs").EventCounters} events
 * @property {Record<RpcKind, string | null>} authTokens last `authorization` metadata seen per
 *   RPC kind (null: the last call had none; absent kind: never called)
 */

/**
 * @typedef {object} BrokerHandle
 * @property {number} port
 * @property {string} address "host:port"
 * @property {(channel: string) => number} subscriberCount open subscriptions that would receive
 *   a request or event on `channel` (exact or wildcard match, commands, queries, events and
 *   events-store), plus queue streams waiting for a message on it
 * @property {(channel: string, n: number, timeoutMs?: number) => Promise<number>}
 *   waitForSubscribers resolves with the count once it is >= n; rejects after timeoutMs
 * @property {(opts?: StopOptions) => Promise<void>} stop stop serving; by default like a crash
 *   (streams and pending requests end with UNAVAILABLE, connections are dropped), with
 *   `graceful` like a draining Go server (see {@link StopOptions})
 * @property {(opts?: StopOptions) => Promise<void>} restart stop (as `stop(opts)`) and start
 *   again on the same port
 * @property {() => number} endStreams end every subscription stream with status OK; returns
 *   how many were ended
 * @property {() => BrokerStats} stats
 * @property {(channel: string) => import("./queues.mjs").QueueInfo} queueInfo a queue's
 *   ready, delayed and in-flight messages and its waiting receivers
 * @property {(channel: string) => number} storedEvents events in a channel's events store
 * @property {(channel: string | null) => import("./records.mjs").RequestRecord[]} requests the
 *   record of each query and command (all channels when null)
 * @property {(channel: string | null) => import("./records.mjs").SubscriptionRecord[]}
 *   subscriptions the record of each query and command subscription (all channels when null)
 * @property {(channel: string | null) => import("./events.mjs").EventRecord[]} events the
 *   record of each published event: to whom it was written (all channels when null)
 * @property {(channel: string) => import("./channel_records.mjs").ChannelRecords} records the records
 *   of a channel's requests, queue messages and events, and every stop (empty without
 *   `records`)
 * @property {() => Promise<void>} close stop for good
 */

/**
 * @typedef {object} StopOptions
 * @property {boolean} [graceful] drain like a gRPC server on SIGTERM (KubeMQ's shutdown):
 *   subscription streams end with status OK, every connection gets GOAWAY, the listener
 *   closes, and connections still open after `graceMs` are closed
 * @property {number} [graceMs] how long a graceful stop lets open calls finish (default 1000)
 * @property {"single" | "double"} [goaway] "single" (default): one GOAWAY naming the last
 *   stream processed, as Node, Envoy and nginx send; "double": grpc-go's GracefulStop, a
 *   GOAWAY with the largest stream id and a PING first, then the final one
 */

/** Default grace period of a graceful stop. */
export const DEFAULT_GRACE_MS = 1000;

/** @param {number} ms */
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** @param {string | Uint8Array} value */
function pem(value) {
  if (typeof value !== "string") return Buffer.from(value);
  return value.includes("-----BEGIN") ? Buffer.from(value) : readFileSync(value);
}

/** @param {TlsOptions | undefined} tls */
function serverCredentials(tls) {
  if (!tls) return grpc.ServerCredentials.createInsecure();
  const ca = tls.ca === undefined ? null : pem(tls.ca);
  if (tls.requireClientCert && !ca) throw new Error("tls.requireClientCert needs tls.ca");
  return grpc.ServerCredentials.createSsl(
    ca,
    [{ cert_chain: pem(tls.cert), private_key: pem(tls.key) }],
    Boolean(tls.requireClientCert),
  );
}

/**
 * NATS subject matching: `*` matches exactly one token, `>` (last token only) one or more.
 * @param {string} pattern
 * @param {string} channel
 */
export function channelMatches(pattern, channel) {
  if (pattern === channel) return true;
  const p = pattern.split(".");
  const c = channel.split(".");
  for (let i = 0; i < p.length; i++) {
    const token = p[i];
    if (token === ">" && i === p.length - 1) return c.length > i;
    if (i >= c.length) return false;
    if (token !== "*" && token !== c[i]) return false;
  }
  return p.length === c.length;
}

/** @param {string} channel @returns {string | null} */
function channelShapeError(channel) {
  if (channel.endsWith(".")) return ERR.trailingDot;
  if (/\s/.test(channel)) return ERR.whitespace;
  return null;
}

/** @param {string} message */
function internal(message) {
  return { code: grpc.status.INTERNAL, details: message };
}

/**
 * @typedef {object} Subscription
 * @property {number} type
 * @property {string} channel pattern, may hold wildcards
 * @property {string} group
 * @property {string} clientId
 * @property {grpc.ServerWritableStream<any, any>} call
 * @property {string} [peer] the client's address and port, as grpc-js names it (getPeer)
 * @property {(how: string) => void} [ended] records how the subscription ended
 */

/**
 * How long the broker lets frames it had queued for a connection go out after the client ended
 * its side (FIN), before it closes the connection.
 */
const CLIENT_FIN_FLUSH_MS = 20;

/**
 * A socket's peer as grpc-js's getPeer() names it: `address:port`, IPv6 in brackets.
 * @param {import("node:net").Socket} sock
 */
function peerOf(sock) {
  const a = sock.remoteAddress ?? "";
  return `${a.includes(":") ? `[${a}]` : a}:${sock.remotePort}`;
}

/**
 * @typedef {object} Pending
 * @property {(response: any) => void} resolve
 * @property {(error: {code: number, details: string}) => void} reject
 */

/**
 * Start a broker. Resolves once it listens.
 * @example
 * const broker = await startBroker({ port: 0 });
 * console.log(broker.address);
 * await broker.close();
 * @param {BrokerOptions} [options]
 * @returns {Promise<BrokerHandle>}
 */
export async function startBroker(options = {}) {
  const host = options.host ?? "127.0.0.1";
  const credentials = serverCredentials(options.tls);
  const log = options.log ?? (() => {});
  const startTime = Math.floor(Date.now() / 1000);

  /** @type {Set<Subscription>} */
  const subscriptions = new Set();
  /** @type {Map<string, Pending>} reply channel -> waiting sender */
  const pending = new Map();
  /** @type {Set<() => void>} */
  const subscriberWaiters = new Set();
  const counters = {
    requests: 0,
    delivered: 0,
    responses: 0,
    responsesDelivered: 0,
    responsesDropped: 0,
    responsesDuplicate: 0,
    timeouts: 0,
  };
  /** Reply channels answered lately (the last 100,000), to tell duplicates from late answers. */
  const answered = new Set();
  /** @type {Partial<Record<RpcKind, string | null>>} */
  const authTokens = {};
  const records = createRequestRecords();

  /** @type {grpc.Server | null} */
  let server = null;
  /** @type {Set<import("node:net").Socket>} */
  const sockets = new Set();
  /** @type {Set<import("node:http2").ServerHttp2Session>} */
  const sessions = new Set();
  let port = options.port ?? 0;
  let closed = false;

  const notifySubscribers = () => {
    for (const wake of subscriberWaiters) wake();
  };

  /**
   * Records the token and returns an error status when it does not match.
   * @param {RpcKind} kind
   * @param {grpc.Metadata} metadata
   */
  const checkAuth = (kind, metadata) => {
    const values = metadata.get("authorization");
    const token = values.length > 0 ? String(values[0]) : null;
    authTokens[kind] = token;
    if (options.authToken === undefined || token === options.authToken) return null;
    return {
      code: grpc.status.UNAUTHENTICATED,
      details: token === null
        ? `${kind}: missing "authorization" metadata (an auth token is required)`
        : `${kind}: invalid auth token in "authorization" metadata`,
    };
  };

  /** The per-channel records of the restart tests (`records` option; channel_records.mjs). */
  const chRecords = createRecords(Boolean(options.records));
  const queues = createQueues({
    checkAuth,
    log,
    notify: notifySubscribers,
    records: chRecords,
  });
  const events = createEvents({
    checkAuth,
    log,
    notify: notifySubscribers,
    channelMatches,
    records: chRecords,
  });

  /** @param {Subscription} sub */
  const removeSubscription = (sub) => {
    if (subscriptions.delete(sub)) notifySubscribers();
  };

  const implementation = {
    /** @param {grpc.ServerUnaryCall<any, any>} call @param {grpc.sendUnaryData<any>} callback */
    ping(call, callback) {
      const authError = checkAuth("Ping", call.metadata);
      if (authError) return callback(authError);
      const result = new pb.PingResult();
      result.setHost(os.hostname());
      result.setVersion("kubemq-test-broker");
      result.setServerstarttime(startTime);
      result.setServeruptimeseconds(Math.floor(Date.now() / 1000) - startTime);
      callback(null, result);
    },

    /** @param {grpc.ServerWritableStream<any, any>} call */
    subscribeToRequests(call) {
      const fail = (/** @type {{code: number, details: string}} */ status) =>
        call.emit("error", status);
      const authError = checkAuth("SubscribeToRequests", call.metadata);
      if (authError) return fail(authError);
      const req = call.request;
      const clientId = req.getClientid();
      const channel = req.getChannel();
      const type = req.getSubscribetypedata();
      if (clientId === "") return fail(internal(ERR.clientId));
      if (channel === "") return fail(internal(ERR.channel));
      const shapeError = channelShapeError(channel);
      if (shapeError) return fail(internal(shapeError));
      if (type !== SUBSCRIBE_QUERIES && type !== SUBSCRIBE_COMMANDS) {
        return fail(internal(ERR.subscribeType));
      }
      /** @type {Subscription} */
      const sub = { type, channel, group: req.getGroup(), clientId, call };
      subscriptions.add(sub);
      log(
        `subscribe ${type === SUBSCRIBE_QUERIES ? "queries" : "commands"} ${channel}` +
          (sub.group ? ` group=${sub.group}` : "") + ` client=${clientId}`,
      );
      const ended = records.subscribed(clientId, channel, sub.group);
      sub.ended = ended;
      sub.peer = call.getPeer();
      for (const how of ["cancelled", "error", "finish", "close"]) {
        call.on(how, () => {
          ended(how);
          removeSubscription(sub);
        });
      }
      notifySubscribers();
    },

    /** @param {grpc.ServerUnaryCall<any, any>} call @param {grpc.sendUnaryData<any>} callback */
    sendRequest(call, callback) {
      const authError = checkAuth("SendRequest", call.metadata);
      if (authError) return callback(authError);
      const req = call.request;
      const channel = req.getChannel();
      const timeoutMs = req.getTimeout();
      const fail = (/** @type {string} */ message) => callback(internal(message));
      if (req.getClientid() === "") return fail(ERR.clientId);
      if (channel === "") return fail(ERR.channel);
      const shapeError = channelShapeError(channel);
      if (shapeError) return fail(shapeError);
      if (/[*>]/.test(channel)) return fail(ERR.wildcards);
      if (timeoutMs <= 0) return fail(ERR.timeout);
      if (req.getMetadata() === "" && req.getBody_asU8().length === 0) {
        return fail(ERR.emptyRequest);
      }
      const subscribeType = REQUEST_TYPE_TO_SUBSCRIBE.get(req.getRequesttypedata());
      if (subscribeType === undefined) return fail(ERR.requestType);
      counters.requests++;

      // The server owns the reply channel: whatever the sender put there is replaced.
      const replyChannel = `_INBOX.${randomUUID().replaceAll("-", "")}`;
      req.setReplychannel(replyChannel);
      records.sent(replyChannel, req.getRequestid(), channel);
      const record = chRecords.request(replyChannel, req);

      let settled = false;
      const finish = () => {
        settled = true;
        clearTimeout(timer);
        pending.delete(replyChannel);
      };
      const timer = setTimeout(() => {
        if (settled) return;
        finish();
        counters.timeouts++;
        records.settled(replyChannel, "timeout", ERR.timedOut);
        chRecords.settle(record, "timeout");
        callback(internal(ERR.timedOut));
      }, timeoutMs);
      pending.set(replyChannel, {
        resolve(response) {
          if (settled) return;
          finish();
          counters.responsesDelivered++;
          records.settled(replyChannel, "answered");
          chRecords.settle(record, "answered");
          response.setReplychannel("");
          callback(null, response);
        },
        reject(status) {
          if (settled) return;
          finish();
          records.settled(replyChannel, "failed", status.details);
          // Only a stop rejects a waiting request.
          chRecords.settle(record, "stopped");
          callback(status);
        },
      });
      call.on("cancelled", () => {
        if (settled) return;
        finish();
        records.settled(replyChannel, "failed", "cancelled by the sender");
        chRecords.settle(record, "cancelled");
      });

      for (const sub of pickReceivers(subscribeType, channel)) {
        counters.delivered++;
        records.delivered(replyChannel, sub.clientId);
        record?.deliveredAt.push(Date.now());
        sub.call.write(req);
      }
    },

    /** @param {grpc.ServerUnaryCall<any, any>} call @param {grpc.sendUnaryData<any>} callback */
    sendResponse(call, callback) {
      const authError = checkAuth("SendResponse", call.metadata);
      if (authError) return callback(authError);
      const res = call.request;
      const replyChannel = res.getReplychannel();
      const fail = (/** @type {string} */ message) => callback(internal(message));
      if (res.getClientid() === "") return fail(ERR.clientId);
      if (replyChannel === "") return fail(ERR.channel);
      const shapeError = channelShapeError(replyChannel);
      if (shapeError) return fail(shapeError);
      if (/[*>]/.test(replyChannel)) return fail(ERR.wildcards);
      if (res.getRequestid() === "") return fail(ERR.requestId);
      counters.responses++;
      records.responded(replyChannel, res.getClientid());
      chRecords.responded(replyChannel);
      const waiting = pending.get(replyChannel);
      // First response wins; a late or duplicate response still succeeds for the responder.
      if (waiting) {
        waiting.resolve(res);
        answered.add(replyChannel);
        if (answered.size > 100_000) answered.delete(answered.values().next().value);
      } else {
        counters.responsesDropped++;
        if (answered.has(replyChannel)) counters.responsesDuplicate++;
      }
      callback(null, new pb.Empty());
    },
  };

  /**
   * Every ungrouped subscriber, plus one random member of each group.
   * @param {number} type
   * @param {string} channel
   */
  function pickReceivers(type, channel) {
    /** @type {Subscription[]} */
    const receivers = [];
    /** @type {Map<string, Subscription[]>} */
    const groups = new Map();
    for (const sub of subscriptions) {
      if (sub.type !== type || !channelMatches(sub.channel, channel)) continue;
      if (sub.group === "") receivers.push(sub);
      else groups.set(sub.group, [...(groups.get(sub.group) ?? []), sub]);
    }
    for (const members of groups.values()) {
      const chosen = members[Math.floor(Math.random() * members.length)];
      if (chosen) receivers.push(chosen);
    }
    return receivers;
  }

  async function listen() {
    const s = new grpc.Server({
      "grpc.max_receive_message_length": MAX_MESSAGE_BYTES,
      "grpc.max_send_message_length": MAX_MESSAGE_BYTES,
    });
    s.addService(pb.kubemqService, {
      ...implementation,
      ...queues.implementation,
      ...events.implementation,
    });
    port = await new Promise((resolve, reject) => {
      s.bindAsync(
        `${host}:${port}`,
        credentials,
        (err, bound) => err ? reject(err) : resolve(bound),
      );
    });
    server = s;
    // Keep the raw TCP sockets, so that stop() can drop them the way a crashed broker or a lost
    // network does: without HTTP/2 GOAWAY frames.
    for (const h2 of /** @type {any} */ (s).http2Servers?.keys() ?? []) {
      h2.on("connection", (/** @type {import("node:net").Socket} */ sock) => {
        sockets.add(sock);
        sock.once("close", () => sockets.delete(sock));
        // Over TLS the session's socket is the TLS one (below).
        if (!options.tls) watchClientFin(sock);
      });
      h2.on("secureConnection", (/** @type {import("node:tls").TLSSocket} */ sock) => {
        watchClientFin(sock);
      });
      // And the HTTP/2 sessions, so that a graceful stop can send them GOAWAY.
      h2.on("session", (/** @type {import("node:http2").ServerHttp2Session} */ session) => {
        sessions.add(session);
        session.once("close", () => sessions.delete(session));
      });
    }
    log(`listening on ${host}:${port}${options.tls ? " (tls)" : ""}`);
  }

  /**
   * A client that ends its side of the connection (FIN, after TLS's close_notify), as the
   * connector does to end its subscriptions without losing a request: grpc-go reads EOF, cancels
   * every stream's context (KubeMQ drops those subscribers at once) and closes the connection;
   * what Send had handed its writer goroutine was written within microseconds. Node's http2
   * writes a queued frame only in a later turn of the loop, and would close the socket on the FIN
   * first; so: stop routing to the connection's subscriptions now, let the frames already queued
   * go out, then close.
   * @param {import("node:net").Socket} sock the session's socket (the TLS one over TLS)
   */
  function watchClientFin(sock) {
    sock.allowHalfOpen = true;
    sock.once("end", () => {
      const peer = peerOf(sock);
      let dropped = 0;
      for (const sub of [...subscriptions]) {
        if (sub.peer !== peer) continue;
        sub.ended?.("half-closed");
        removeSubscription(sub);
        dropped++;
      }
      dropped += events.clientClosed(peer);
      if (dropped > 0) log(`client ${peer} ended its connection: ${dropped} subscriptions dropped`);
      setTimeout(() => sock.destroy(), CLIENT_FIN_FLUSH_MS);
    });
  }

  /** @param {{code: number, details: string}} status */
  function failEverything(status) {
    for (const sub of [...subscriptions]) {
      subscriptions.delete(sub);
      sub.call.emit("error", status);
    }
    for (const p of [...pending.values()]) p.reject(status);
    queues.fail(status);
    events.fail(status);
    notifySubscribers();
  }

  /** Ends every subscription stream (queries, commands, events) with status OK; returns how many. */
  function endAllStreams() {
    const subs = [...subscriptions];
    subscriptions.clear();
    for (const sub of subs) sub.call.end();
    const ended = subs.length + events.endStreams();
    notifySubscribers();
    return ended;
  }

  /**
   * Stops serving. By default like a crash or a network loss: open streams fail with
   * UNAVAILABLE and the TCP connections are dropped without GOAWAY. With `graceful`, like a Go
   * server draining on SIGTERM (see {@link StopOptions}).
   * @param {StopOptions} [opts]
   */
  async function stop(opts = {}) {
    if (!server) return;
    const s = server;
    server = null;
    chRecords.stop(Boolean(opts.graceful));
    if (opts.graceful) {
      await drain(s, opts.graceMs ?? DEFAULT_GRACE_MS, opts.goaway ?? "single");
      return chRecords.stopped();
    }
    failEverything({ code: grpc.status.UNAVAILABLE, details: "broker stopped" });
    // Let the statuses reach the clients before the connections are cut.
    await sleep(50);
    for (const sock of sockets) sock.destroy();
    sockets.clear();
    s.forceShutdown();
    chRecords.stopped();
    log("stopped (connections dropped)");
  }

  /**
   * The graceful stop, in the order of a gRPC server shutting down on SIGTERM: KubeMQ ends its
   * subscriptions (status OK), the server sends GOAWAY and stops accepting, and the process
   * closes what is left when its grace period ends.
   * @param {grpc.Server} s
   * @param {number} graceMs
   * @param {"single" | "double"} goaway
   */
  async function drain(s, graceMs, goaway) {
    const ended = endAllStreams();
    // The streams' OK statuses reach the clients first (KubeMQ closes its subscribers before
    // the gRPC server stops), so GOAWAY finds the sessions idle.
    await sleep(20);
    if (goaway === "double") {
      // grpc-go's first GOAWAY: "stop opening streams", with the largest stream id so that
      // nothing in flight is refused, then a PING; the final GOAWAY follows its ack.
      await Promise.all([...sessions].map((session) => {
        if (session.closed || session.destroyed) return;
        session.goaway(http2.constants.NGHTTP2_NO_ERROR, 2 ** 31 - 1);
        const acked = new Promise((r) => {
          if (!session.ping(() => r(undefined))) r(undefined);
        });
        return Promise.race([acked, sleep(200)]);
      }));
    }
    // tryShutdown stops listening and closes each session: Node sends the final GOAWAY (last
    // stream id processed) and ends the session once its open calls finish.
    const drained = new Promise((r) => s.tryShutdown(() => r(true)));
    const inTime = await Promise.race([drained, sleep(graceMs).then(() => false)]);
    // Grace over: calls still open (senders waiting for a response) fail, connections close.
    failEverything({ code: grpc.status.UNAVAILABLE, details: "broker shut down" });
    await sleep(inTime ? 0 : 50);
    s.forceShutdown();
    for (const sock of sockets) sock.destroy();
    sockets.clear();
    sessions.clear();
    log(
      `stopped (graceful: ${ended} stream(s) ended, GOAWAY sent, ` +
        `${inTime ? "every connection closed in time" : `grace of ${graceMs} ms over`})`,
    );
  }

  /** @param {string} channel */
  function subscriberCount(channel) {
    let n = 0;
    for (const sub of subscriptions) if (channelMatches(sub.channel, channel)) n++;
    return n + events.subscriberCount(channel) + queues.receiverCount(channel);
  }

  await listen();

  return {
    get port() {
      return port;
    },
    get address() {
      return `${host}:${port}`;
    },
    subscriberCount,
    waitForSubscribers(channel, n, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const count = subscriberCount(channel);
          if (count < n) return false;
          done();
          resolve(count);
          return true;
        };
        const timer = setTimeout(() => {
          done();
          reject(
            new Error(
              `Timed out after ${timeoutMs} ms waiting for ${n} subscriber(s) on "${channel}": ` +
                `have ${subscriberCount(channel)}`,
            ),
          );
        }, timeoutMs);
        const wake = () => void check();
        const done = () => {
          clearTimeout(timer);
          subscriberWaiters.delete(wake);
        };
        subscriberWaiters.add(wake);
        check();
      });
    },
    stop,
    async restart(opts = {}) {
      if (closed) throw new Error("Broker is closed");
      await stop(opts);
      await listen();
    },
    endStreams() {
      const ended = endAllStreams();
      log(`ended ${ended} stream(s)`);
      return ended;
    },
    stats() {
      return {
        ...counters,
        subscriptions: subscriptions.size,
        eventSubscriptions: events.subscriptionCount(),
        queues: queues.counters(),
        events: events.counters(),
        authTokens: /** @type {Record<RpcKind, string | null>} */ ({ ...authTokens }),
      };
    },
    queueInfo: (channel) => queues.info(channel),
    storedEvents: (channel) => events.storedCount(channel),
    requests: (channel) => records.list(channel),
    subscriptions: (channel) => records.subscriptions(channel),
    events: (channel) => events.records(channel),
    records: (channel) => chRecords.forChannel(channel),
    async close() {
      closed = true;
      await stop();
      queues.close();
    },
  };
}
