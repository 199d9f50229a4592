/**
 * A small KubeMQ client for tests, built on kubemq-js 1.2.3's generated gRPC client and
 * message classes. kubemq-js's high-level classes are not used: they keep grpc-js's 4 MiB
 * receive limit, ignore a private CA, skip auth metadata on ping and mangle tags.
 *
 * @example
 * ```ts
 * using client = createKubemqClient({ address: broker.address });
 * const sub = client.subscribeQueries("q", "", (req) => ({ executed: true, body: req.body }));
 * const res = await client.sendQuery({ channel: "q", body: bytes, timeoutMs: 1000 });
 * await sub.close();
 * ```
 * @module
 */

import { Buffer } from "node:buffer";
import grpc from "@grpc/grpc-js";
import type { PbTagsMap } from "./kubemq_pb_request_types.ts";
import { installGoawayGuard } from "../lib/sources/kubemq/goaway_guard.ts";
import { isIpAddress, messageLimits } from "./kubemq_channel.ts";
import { kubemqPb } from "./kubemq_pb.ts";

/** Subscribe.SubscribeTypeData values. */
export const SubscribeType = { Commands: 3, Queries: 4 } as const;
/** Request.RequestTypeData values. */
export const RequestType = { Command: 1, Query: 2 } as const;

/** PEM text or bytes. */
export type Pem = string | Uint8Array;

/** How to reach the broker. */
export interface KubemqClientOptions {
  /** "host:port" */
  address: string;
  /** Default ClientID for requests, responses and subscriptions; "test-client" if omitted. */
  clientId?: string;
  /** Sent raw as `authorization` metadata on every call, ping included. */
  authToken?: string;
  /** Use TLS, trusting `ca`; `cert` + `key` add a client certificate. */
  tls?: { ca: Pem; cert?: Pem; key?: Pem; serverName?: string };
  /**
   * SendRequest waits for a connection (gRPC waitForReady, until the request's timeout plus
   * 5 s) instead of failing at once while the channel reconnects after a broker restart.
   */
  waitForReady?: boolean;
  /** Reconnect backoff of the gRPC channel (grpc-js starts at 1 s and grows to 120 s). */
  reconnectBackoffMs?: number;
}

/** A request to send. Fields left out get sensible defaults; "" is sent as given. */
export interface SendRequestOptions {
  channel: string;
  body?: Uint8Array;
  timeoutMs: number;
  metadata?: string;
  clientId?: string;
  /** Defaults to a random UUID. */
  requestId?: string;
  tags?: Record<string, string>;
  /** Sent as is; the server replaces it. */
  replyChannel?: string;
}

/** The sender's view of the response. */
export interface QueryResult {
  requestId: string;
  clientId: string;
  replyChannel: string;
  executed: boolean;
  error: string;
  body: Uint8Array;
  metadata: string;
  timestamp: number;
  cacheHit: boolean;
  tags: Record<string, string>;
}

/** A request as the responder receives it. */
export interface ReceivedRequest {
  requestId: string;
  requestType: number;
  clientId: string;
  channel: string;
  metadata: string;
  body: Uint8Array;
  replyChannel: string;
  timeoutMs: number;
  tags: Record<string, string>;
}

/** What a responder answers. */
export interface Reply {
  body?: Uint8Array;
  metadata?: string;
  executed?: boolean;
  error?: string;
  timestamp?: number;
  tags?: Record<string, string>;
  clientId?: string;
}

/** A full SendResponse call, for tests that answer by hand. */
export interface SendResponseOptions extends Reply {
  requestId: string;
  replyChannel: string;
}

/** Returns the reply, or undefined to leave the request unanswered. */
export type RequestHandler = (
  req: ReceivedRequest,
) => Reply | undefined | Promise<Reply | undefined>;

/** The final gRPC status of a subscription stream. */
export interface StreamStatus {
  code: number;
  details: string;
}

/** An open subscription stream. */
export interface Subscription {
  /** Every request received, in order. */
  readonly received: ReceivedRequest[];
  /** Errors thrown by the handler or by its SendResponse call. */
  readonly errors: unknown[];
  /** Settles when the stream ends, however it ends. */
  readonly status: Promise<StreamStatus>;
  /** Cancel the stream (if still open) and wait for its final status. */
  close(): Promise<StreamStatus>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Subscription parameters; `type` defaults to Queries. */
export interface SubscribeOptions {
  channel: string;
  group?: string;
  clientId?: string;
  type?: number;
}

/** Server information from Ping. */
export interface PingInfo {
  host: string;
  version: string;
  serverStartTime: number;
  serverUpTimeSeconds: number;
}

/** A test client; close it (or `using`) to release its gRPC channel. */
export interface KubemqTestClient {
  ping(): Promise<PingInfo>;
  /** SendRequest with RequestTypeData Query. Rejects with the gRPC ServiceError. */
  sendQuery(opts: SendRequestOptions): Promise<QueryResult>;
  /** SendRequest with RequestTypeData Command. */
  sendCommand(opts: SendRequestOptions): Promise<QueryResult>;
  /** SendRequest with any RequestTypeData, for validation tests. */
  sendRequest(opts: SendRequestOptions & { requestType: number }): Promise<QueryResult>;
  sendResponse(opts: SendResponseOptions): Promise<void>;
  subscribeQueries(channel: string, group: string, handler: RequestHandler): Subscription;
  subscribe(opts: SubscribeOptions, handler: RequestHandler): Subscription;
  close(): void;
  [Symbol.dispose](): void;
}

function tagsOf(map: PbTagsMap): Record<string, string> {
  return Object.fromEntries(map.toArray());
}

function credentialsFor(tls: KubemqClientOptions["tls"]): grpc.ChannelCredentials {
  if (!tls) return grpc.credentials.createInsecure();
  const buf = (v: Pem | undefined) =>
    v === undefined ? null : typeof v === "string" ? Buffer.from(v) : Buffer.from(v);
  return grpc.credentials.createSsl(buf(tls.ca), buf(tls.key), buf(tls.cert));
}

/**
 * Create a client with raised message limits, optional TLS with a private CA, and auth
 * metadata on every call.
 */
export function createKubemqClient(options: KubemqClientOptions): KubemqTestClient {
  // The test process survives a broker's GOAWAY as the connector does (denoland/deno#36788).
  installGoawayGuard();
  const channelOptions: grpc.ChannelOptions = messageLimits();
  if (options.tls && !options.tls.serverName && isIpAddress(options.address)) {
    // Deno's TLS rejects an IP address as the SNI servername, which grpc-js derives from the
    // address, so the handshake would fail with a confusing UNAVAILABLE.
    throw new Error(
      `TLS to an IP address ("${options.address}") needs tls.serverName under Deno ` +
        `(e.g. "localhost"), or connect by host name`,
    );
  }
  if (options.reconnectBackoffMs !== undefined) {
    channelOptions["grpc.initial_reconnect_backoff_ms"] = options.reconnectBackoffMs;
    channelOptions["grpc.max_reconnect_backoff_ms"] = options.reconnectBackoffMs;
  }
  if (options.tls?.serverName) {
    channelOptions["grpc.ssl_target_name_override"] = options.tls.serverName;
  }
  const client = new kubemqPb.kubemqClient(
    options.address,
    credentialsFor(options.tls),
    channelOptions,
  );
  const defaultClientId = options.clientId ?? "test-client";
  const metadata = () => {
    const md = new grpc.Metadata();
    if (options.authToken !== undefined) md.set("authorization", options.authToken);
    return md;
  };

  const sendRequest = (opts: SendRequestOptions & { requestType: number }) => {
    const req = new kubemqPb.Request();
    req.setRequestid(opts.requestId ?? crypto.randomUUID());
    req.setRequesttypedata(opts.requestType);
    req.setClientid(opts.clientId ?? defaultClientId);
    req.setChannel(opts.channel);
    req.setMetadata(opts.metadata ?? "");
    req.setBody(opts.body ?? new Uint8Array());
    req.setReplychannel(opts.replyChannel ?? "");
    req.setTimeout(opts.timeoutMs);
    for (const [k, v] of Object.entries(opts.tags ?? {})) req.getTagsMap().set(k, v);
    const md = metadata();
    let callOptions: grpc.CallOptions = {};
    if (options.waitForReady) {
      md.setOptions({ waitForReady: true });
      callOptions = { deadline: new Date(Date.now() + opts.timeoutMs + 5000) };
    }
    return new Promise<QueryResult>((resolve, reject) => {
      client.sendRequest(req, md, callOptions, (err, res) => {
        if (err || !res) return reject(err ?? new Error("SendRequest returned no response"));
        resolve({
          requestId: res.getRequestid(),
          clientId: res.getClientid(),
          replyChannel: res.getReplychannel(),
          executed: res.getExecuted(),
          error: res.getError(),
          body: res.getBody_asU8(),
          metadata: res.getMetadata(),
          timestamp: res.getTimestamp(),
          cacheHit: res.getCachehit(),
          tags: tagsOf(res.getTagsMap()),
        });
      });
    });
  };

  const sendResponse = (opts: SendResponseOptions) => {
    const res = new kubemqPb.Response();
    res.setRequestid(opts.requestId);
    res.setReplychannel(opts.replyChannel);
    res.setClientid(opts.clientId ?? defaultClientId);
    res.setMetadata(opts.metadata ?? "");
    res.setBody(opts.body ?? new Uint8Array());
    res.setExecuted(opts.executed ?? false);
    res.setError(opts.error ?? "");
    res.setTimestamp(opts.timestamp ?? 0);
    for (const [k, v] of Object.entries(opts.tags ?? {})) res.getTagsMap().set(k, v);
    return new Promise<void>((resolve, reject) => {
      client.sendResponse(res, metadata(), (err) => err ? reject(err) : resolve());
    });
  };

  const subscribe = (opts: SubscribeOptions, handler: RequestHandler): Subscription => {
    const sub = new kubemqPb.Subscribe();
    sub.setSubscribetypedata(opts.type ?? SubscribeType.Queries);
    sub.setClientid(opts.clientId ?? defaultClientId);
    sub.setChannel(opts.channel);
    sub.setGroup(opts.group ?? "");
    const stream = client.subscribeToRequests(sub, metadata());
    const received: ReceivedRequest[] = [];
    const errors: unknown[] = [];
    const inFlight = new Set<Promise<void>>();
    let ended = false;
    const status = new Promise<StreamStatus>((resolve) => {
      stream.on("status", (s) => {
        ended = true;
        resolve({ code: s.code, details: s.details });
      });
    });
    // Without an 'error' listener a failed stream would throw; the status carries the outcome.
    stream.on("error", () => {});
    stream.on("data", (msg) => {
      const req: ReceivedRequest = {
        requestId: msg.getRequestid(),
        requestType: msg.getRequesttypedata(),
        clientId: msg.getClientid(),
        channel: msg.getChannel(),
        metadata: msg.getMetadata(),
        body: msg.getBody_asU8(),
        replyChannel: msg.getReplychannel(),
        timeoutMs: msg.getTimeout(),
        tags: tagsOf(msg.getTagsMap()),
      };
      received.push(req);
      const work = (async () => {
        const reply = await handler(req);
        if (reply === undefined) return;
        await sendResponse({ ...reply, requestId: req.requestId, replyChannel: req.replyChannel });
      })().catch((err) => void errors.push(err));
      inFlight.add(work);
      work.finally(() => inFlight.delete(work));
    });
    const close = async () => {
      if (!ended) stream.cancel();
      const final = await status;
      await Promise.all(inFlight);
      return final;
    };
    return {
      received,
      errors,
      status,
      close,
      async [Symbol.asyncDispose]() {
        await close();
      },
    };
  };

  const close = () => client.close();
  return {
    ping() {
      return new Promise<PingInfo>((resolve, reject) => {
        client.ping(new kubemqPb.Empty(), metadata(), (err, res) => {
          if (err || !res) return reject(err ?? new Error("Ping returned no result"));
          resolve({
            host: res.getHost(),
            version: res.getVersion(),
            serverStartTime: res.getServerstarttime(),
            serverUpTimeSeconds: res.getServeruptimeseconds(),
          });
        });
      });
    },
    sendQuery: (opts) => sendRequest({ ...opts, requestType: RequestType.Query }),
    sendCommand: (opts) => sendRequest({ ...opts, requestType: RequestType.Command }),
    sendRequest,
    sendResponse,
    subscribeQueries: (channel, group, handler) => subscribe({ channel, group }, handler),
    subscribe,
    close,
    [Symbol.dispose]: close,
  };
}
