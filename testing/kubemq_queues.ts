/**
 * A small KubeMQ queues and events client for tests, built on kubemq-js 1.2.3's generated gRPC
 * client and messages (independent of the connector's own clients, so tests do not check the
 * connector with itself).
 *
 * @example
 * ```ts
 * using q = createQueuesClient({ address: broker.address });
 * await q.send({ channel: "jobs", body: bytes });
 * const got = await q.receive("jobs", { visibilitySeconds: 5, waitSeconds: 1 });
 * await got?.ack();
 * ```
 * @module
 */

import grpc from "@grpc/grpc-js";
import {
  type PbAckAllQueueMessagesResponse,
  type PbQueueMessage,
  type PbQueueMessagesBatchResponse,
  type PbReceiveQueueMessagesResponse,
  type PbResult,
  type PbSendQueueMessageResult,
  StreamRequestType,
} from "./kubemq_pb_types.ts";
import { installGoawayGuard } from "../lib/sources/kubemq/goaway_guard.ts";
import { messageLimits } from "./kubemq_channel.ts";
import { type Callback, kubemqPb } from "./kubemq_pb.ts";

/** A message to send to a queue. */
export interface QueueSend {
  channel: string;
  body?: Uint8Array | string;
  metadata?: string;
  id?: string;
  clientId?: string;
  tags?: Record<string, string>;
  policy?: {
    expirationSeconds?: number;
    delaySeconds?: number;
    maxReceiveCount?: number;
    maxReceiveQueue?: string;
  };
}

/** A queue message as received. */
export interface QueueMsg {
  id: string;
  channel: string;
  clientId: string;
  metadata: string;
  body: Uint8Array;
  tags: Record<string, string>;
  sequence: number;
  timestamp: number;
  receiveCount: number;
  rerouted: boolean;
  reroutedFrom: string;
  expirationAt: number;
  delayedTo: number;
  maxReceiveCount: number;
  maxReceiveQueue: string;
}

/** The result of a send. */
export interface SendResult {
  id: string;
  isError: boolean;
  error: string;
  sentAt: number;
  delayedTo: number;
  expirationAt: number;
}

/** A response on a StreamQueueMessage stream. */
export interface StreamResponse {
  requestId: string;
  type: number;
  message: QueueMsg | null;
  isError: boolean;
  error: string;
}

/** A raw StreamQueueMessage stream: write requests, read responses in order. */
export interface QueueStream {
  send(req: {
    type: number;
    channel?: string;
    visibilitySeconds?: number;
    waitSeconds?: number;
    refSequence?: number;
    clientId?: string;
    modified?: QueueSend;
  }): void;
  /** The next response (rejects when the stream ended first). */
  next(timeoutMs?: number): Promise<StreamResponse>;
  /** Settles with the final gRPC status. */
  readonly ended: Promise<{ code: number; details: string }>;
  cancel(): void;
}

/** A message held on a stream, with its actions. */
export interface HeldMessage extends QueueMsg {
  ack(): Promise<StreamResponse>;
  reject(): Promise<StreamResponse>;
  extend(seconds: number): Promise<StreamResponse>;
  stream: QueueStream;
}

/** An event as a subscriber got it. */
export interface EventMsg {
  id: string;
  channel: string;
  metadata: string;
  body: Uint8Array;
  timestamp: number;
  sequence: number;
  tags: Record<string, string>;
}

/** An events subscription. */
export interface EventsSubscription {
  readonly received: EventMsg[];
  readonly ended: Promise<{ code: number; details: string }>;
  /** Resolves once `n` events were received. */
  waitFor(n: number, timeoutMs?: number): Promise<EventMsg[]>;
  close(): Promise<void>;
}

/** The client. */
export interface QueuesClient {
  send(msg: QueueSend): Promise<SendResult>;
  sendBatch(msgs: QueueSend[]): Promise<SendResult[]>;
  /** ReceiveQueueMessages: pulls (and acknowledges, unless peek) up to `max` messages. */
  pull(
    channel: string,
    opts?: { max?: number; waitSeconds?: number; peek?: boolean; clientId?: string },
  ): Promise<{ messages: QueueMsg[]; expired: number; isError: boolean; error: string }>;
  ackAll(channel: string): Promise<{ affected: number; isError: boolean; error: string }>;
  stream(): QueueStream;
  /** Opens a stream and receives one message; null when the wait ran out (Error 138). */
  receive(
    channel: string,
    opts?: { visibilitySeconds?: number; waitSeconds?: number },
  ): Promise<HeldMessage | null>;
  sendEvent(
    e: {
      channel: string;
      body?: Uint8Array | string;
      metadata?: string;
      store?: boolean;
      id?: string;
      clientId?: string;
      tags?: Record<string, string>;
    },
  ): Promise<{ id: string; sent: boolean; error: string }>;
  subscribeEvents(opts: {
    channel: string;
    group?: string;
    store?: boolean;
    startType?: number;
    startValue?: number;
    clientId?: string;
  }): EventsSubscription;
  /** SendEventsStream: sends all, half-closes, returns the results the server wrote. */
  sendEventsStream(
    events: { channel: string; body?: string; store?: boolean; clientId?: string }[],
  ): Promise<{ id: string; sent: boolean; error: string }[]>;
  close(): void;
  [Symbol.dispose](): void;
}

const enc = (v: Uint8Array | string | undefined) =>
  typeof v === "string" ? new TextEncoder().encode(v) : v ?? new Uint8Array();

function toMsg(m: PbQueueMessage): QueueMsg {
  const a = m.getAttributes();
  const p = m.getPolicy();
  return {
    id: m.getMessageid(),
    channel: m.getChannel(),
    clientId: m.getClientid(),
    metadata: m.getMetadata(),
    body: m.getBody_asU8(),
    tags: Object.fromEntries(m.getTagsMap().toArray()),
    sequence: a?.getSequence() ?? 0,
    timestamp: a?.getTimestamp() ?? 0,
    receiveCount: a?.getReceivecount() ?? 0,
    rerouted: a?.getRerouted() ?? false,
    reroutedFrom: a?.getReroutedfromqueue() ?? "",
    expirationAt: a?.getExpirationat() ?? 0,
    delayedTo: a?.getDelayedto() ?? 0,
    maxReceiveCount: p?.getMaxreceivecount() ?? 0,
    maxReceiveQueue: p?.getMaxreceivequeue() ?? "",
  };
}

/** Creates the client (plaintext). */
export function createQueuesClient(
  options: {
    address: string;
    clientId?: string;
    authToken?: string;
    /** Reconnect backoff of the gRPC channel (grpc-js starts at 1 s and grows to 120 s). */
    reconnectBackoffMs?: number;
    /** Deadline of each send (SendQueueMessage, SendEvent); default none. */
    sendTimeoutMs?: number;
  },
): QueuesClient {
  // The test process survives a broker's GOAWAY as the connector does (denoland/deno#36788):
  // a queue stream or events subscription open at a graceful stop would otherwise crash it.
  installGoawayGuard();
  const channelOptions: grpc.ChannelOptions = messageLimits();
  if (options.reconnectBackoffMs !== undefined) {
    channelOptions["grpc.initial_reconnect_backoff_ms"] = options.reconnectBackoffMs;
    channelOptions["grpc.max_reconnect_backoff_ms"] = options.reconnectBackoffMs;
  }
  const client = new kubemqPb.kubemqClient(
    options.address,
    grpc.credentials.createInsecure(),
    channelOptions,
  );
  const clientId = options.clientId ?? "test-queues-client";
  const md = () => {
    const m = new grpc.Metadata();
    if (options.authToken !== undefined) m.set("authorization", options.authToken);
    return m;
  };
  // The generated client takes call options too; lib's type of it leaves them out.
  type Sent<K extends "sendQueueMessage" | "sendEvent"> = Parameters<typeof client[K]>;
  const timed = client as unknown as {
    sendQueueMessage(
      m: Sent<"sendQueueMessage">[0],
      md: grpc.Metadata,
      o: grpc.CallOptions,
      cb: Sent<"sendQueueMessage">[2],
    ): void;
    sendEvent(
      e: Sent<"sendEvent">[0],
      md: grpc.Metadata,
      o: grpc.CallOptions,
      cb: Sent<"sendEvent">[2],
    ): void;
  };
  const sendOptions = (): grpc.CallOptions =>
    options.sendTimeoutMs === undefined
      ? {}
      : { deadline: new Date(Date.now() + options.sendTimeoutMs) };
  const unary = <T>(fn: (cb: Callback<T>) => void) =>
    new Promise<T>((resolve, reject) =>
      fn((err, v) => err || v === undefined ? reject(err ?? new Error("no result")) : resolve(v))
    );

  const buildMessage = (s: QueueSend) => {
    const m = new kubemqPb.QueueMessage();
    m.setMessageid(s.id ?? "");
    m.setClientid(s.clientId ?? clientId);
    m.setChannel(s.channel);
    m.setMetadata(s.metadata ?? "");
    m.setBody(enc(s.body));
    for (const [k, v] of Object.entries(s.tags ?? {})) m.getTagsMap().set(k, v);
    if (s.policy) {
      const p = new kubemqPb.QueueMessagePolicy();
      p.setExpirationseconds(s.policy.expirationSeconds ?? 0);
      p.setDelayseconds(s.policy.delaySeconds ?? 0);
      p.setMaxreceivecount(s.policy.maxReceiveCount ?? 0);
      p.setMaxreceivequeue(s.policy.maxReceiveQueue ?? "");
      m.setPolicy(p);
    }
    return m;
  };
  const toResult = (r: PbSendQueueMessageResult): SendResult => ({
    id: r.getMessageid(),
    isError: r.getIserror(),
    error: r.getError(),
    sentAt: r.getSentat(),
    delayedTo: r.getDelayedto(),
    expirationAt: r.getExpirationat(),
  });

  const stream = (): QueueStream => {
    const call = client.streamQueueMessage(md());
    const queue: StreamResponse[] = [];
    const waiters: { resolve: (r: StreamResponse) => void; reject: (e: Error) => void }[] = [];
    let endedWith: { code: number; details: string } | null = null;
    let resolveEnded: (s: { code: number; details: string }) => void = () => {};
    const ended = new Promise<{ code: number; details: string }>((r) => resolveEnded = r);
    call.on("error", () => {});
    call.on("status", (s) => {
      endedWith = { code: s.code, details: s.details };
      resolveEnded(endedWith);
      for (const w of waiters.splice(0)) {
        w.reject(new Error(`stream ended: ${s.code} ${s.details}`));
      }
    });
    call.on("data", (res) => {
      const msg = res.getMessage();
      const r: StreamResponse = {
        requestId: res.getRequestid(),
        type: res.getStreamrequesttypedata(),
        message: msg ? toMsg(msg) : null,
        isError: res.getIserror(),
        error: res.getError(),
      };
      const w = waiters.shift();
      if (w) w.resolve(r);
      else queue.push(r);
    });
    return {
      send(req) {
        const r = new kubemqPb.StreamQueueMessagesRequest();
        r.setRequestid(crypto.randomUUID());
        r.setClientid(req.clientId ?? clientId);
        r.setStreamrequesttypedata(req.type);
        r.setChannel(req.channel ?? "");
        r.setVisibilityseconds(req.visibilitySeconds ?? 0);
        r.setWaittimeseconds(req.waitSeconds ?? 0);
        r.setRefsequence(req.refSequence ?? 0);
        if (req.modified) r.setModifiedmessage(buildMessage(req.modified));
        call.write(r);
      },
      next(timeoutMs = 10_000) {
        const ready = queue.shift();
        if (ready) return Promise.resolve(ready);
        if (endedWith) {
          return Promise.reject(new Error(`stream ended: ${endedWith.code} ${endedWith.details}`));
        }
        return new Promise<StreamResponse>((resolve, reject) => {
          const timer = setTimeout(() => {
            const at = waiters.indexOf(w);
            if (at >= 0) waiters.splice(at, 1);
            reject(new Error(`no stream response within ${timeoutMs} ms`));
          }, timeoutMs);
          const w = {
            resolve: (r: StreamResponse) => {
              clearTimeout(timer);
              resolve(r);
            },
            reject: (e: Error) => {
              clearTimeout(timer);
              reject(e);
            },
          };
          waiters.push(w);
        });
      },
      ended,
      cancel: () => call.cancel(),
    };
  };

  const events = (opts: Parameters<QueuesClient["subscribeEvents"]>[0]): EventsSubscription => {
    const sub = new kubemqPb.Subscribe();
    sub.setSubscribetypedata(opts.store ? 2 : 1);
    sub.setClientid(opts.clientId ?? clientId);
    sub.setChannel(opts.channel);
    sub.setGroup(opts.group ?? "");
    sub.setEventsstoretypedata(opts.startType ?? (opts.store ? 1 : 0));
    sub.setEventsstoretypevalue(opts.startValue ?? 0);
    const call = client.subscribeToEvents(sub, md());
    const received: EventMsg[] = [];
    const wakers = new Set<() => void>();
    let resolveEnded: (s: { code: number; details: string }) => void = () => {};
    const ended = new Promise<{ code: number; details: string }>((r) => resolveEnded = r);
    call.on("error", () => {});
    call.on("status", (s) => {
      resolveEnded({ code: s.code, details: s.details });
      for (const w of wakers) w();
    });
    call.on("data", (e) => {
      received.push({
        id: e.getEventid(),
        channel: e.getChannel(),
        metadata: e.getMetadata(),
        body: e.getBody_asU8(),
        timestamp: e.getTimestamp(),
        sequence: e.getSequence(),
        tags: Object.fromEntries(e.getTagsMap().toArray()),
      });
      for (const w of wakers) w();
    });
    return {
      received,
      ended,
      waitFor(n, timeoutMs = 10_000) {
        return new Promise((resolve, reject) => {
          const check = () => {
            if (received.length >= n) {
              done();
              resolve(received.slice(0, n));
            }
          };
          const timer = setTimeout(() => {
            done();
            reject(new Error(`got ${received.length} of ${n} events in ${timeoutMs} ms`));
          }, timeoutMs);
          const done = () => {
            clearTimeout(timer);
            wakers.delete(check);
          };
          wakers.add(check);
          check();
        });
      },
      async close() {
        call.cancel();
        await ended;
      },
    };
  };

  const close = () => client.close();
  return {
    async send(s) {
      return toResult(
        await unary((cb) => timed.sendQueueMessage(buildMessage(s), md(), sendOptions(), cb)),
      );
    },
    async sendBatch(list) {
      const b = new kubemqPb.QueueMessagesBatchRequest();
      b.setBatchid(crypto.randomUUID());
      b.setMessagesList(list.map(buildMessage));
      const res = await unary<PbQueueMessagesBatchResponse>((cb) =>
        client.sendQueueMessagesBatch(b, md(), cb)
      );
      return res.getResultsList().map(toResult);
    },
    async pull(channel, opts = {}) {
      const r = new kubemqPb.ReceiveQueueMessagesRequest();
      r.setRequestid(crypto.randomUUID());
      r.setClientid(opts.clientId ?? clientId);
      r.setChannel(channel);
      r.setMaxnumberofmessages(opts.max ?? 1);
      r.setWaittimeseconds(opts.waitSeconds ?? 1);
      r.setIspeak(opts.peek ?? false);
      const res = await unary<PbReceiveQueueMessagesResponse>((cb) =>
        client.receiveQueueMessages(r, md(), cb)
      );
      return {
        messages: res.getMessagesList().map(toMsg),
        expired: res.getMessagesexpired(),
        isError: res.getIserror(),
        error: res.getError(),
      };
    },
    async ackAll(channel) {
      const r = new kubemqPb.AckAllQueueMessagesRequest();
      r.setRequestid(crypto.randomUUID());
      r.setClientid(clientId);
      r.setChannel(channel);
      r.setWaittimeseconds(1);
      const res = await unary<PbAckAllQueueMessagesResponse>((cb) =>
        client.ackAllQueueMessages(r, md(), cb)
      );
      return {
        affected: res.getAffectedmessages(),
        isError: res.getIserror(),
        error: res.getError(),
      };
    },
    stream,
    async receive(channel, opts = {}) {
      const s = stream();
      s.send({
        type: StreamRequestType.Receive,
        channel,
        visibilitySeconds: opts.visibilitySeconds ?? 0,
        waitSeconds: opts.waitSeconds ?? 1,
      });
      const res = await s.next((opts.waitSeconds ?? 1) * 1000 + 10_000);
      if (res.isError) {
        if (res.error.startsWith("Error 138")) return null;
        throw new Error(res.error);
      }
      if (!res.message) throw new Error("receive answered without a message");
      const msg = res.message;
      const act = (type: number, visibilitySeconds = 0) => {
        s.send({ type, refSequence: msg.sequence, visibilitySeconds });
        return s.next();
      };
      return {
        ...msg,
        stream: s,
        ack: () => act(StreamRequestType.Ack),
        reject: () => act(StreamRequestType.Reject),
        extend: (seconds) => act(StreamRequestType.ModifyVisibility, seconds),
      };
    },
    async sendEvent(e) {
      const ev = new kubemqPb.Event();
      ev.setEventid(e.id ?? "");
      ev.setClientid(e.clientId ?? clientId);
      ev.setChannel(e.channel);
      ev.setMetadata(e.metadata ?? "");
      ev.setBody(enc(e.body));
      ev.setStore(e.store ?? false);
      for (const [k, v] of Object.entries(e.tags ?? {})) ev.getTagsMap().set(k, v);
      const r = await unary<PbResult>((cb) => timed.sendEvent(ev, md(), sendOptions(), cb));
      return { id: r.getEventid(), sent: r.getSent(), error: r.getError() };
    },
    subscribeEvents: events,
    sendEventsStream(list) {
      const call = client.sendEventsStream(md());
      const results: { id: string; sent: boolean; error: string }[] = [];
      return new Promise((resolve, reject) => {
        call.on("error", () => {});
        call.on(
          "data",
          (r) => results.push({ id: r.getEventid(), sent: r.getSent(), error: r.getError() }),
        );
        call.on("status", (s) => s.code === 0 ? resolve(results) : reject(new Error(s.details)));
        for (const e of list) {
          const ev = new kubemqPb.Event();
          ev.setEventid(crypto.randomUUID());
          ev.setClientid(e.clientId ?? clientId);
          ev.setChannel(e.channel);
          ev.setBody(enc(e.body));
          ev.setStore(e.store ?? false);
          call.write(ev);
        }
        call.end();
      });
    },
    close,
    [Symbol.dispose]: close,
  };
}
