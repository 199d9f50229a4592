/**
 * A minimal KubeMQ query sender for the CLI tools, built on kubemq-js 1.2.3's generated gRPC
 * client and message classes (not its high-level classes: they keep grpc-js's 4 MiB receive
 * limit, ignore a private CA and skip auth metadata). Only SendRequest is implemented.
 *
 * @example
 * ```ts
 * using sender = createSender({ address: "localhost:50000" });
 * const res = await sender.sendQuery({ channel: "query.aws.s3", clientId: "me", body, timeoutMs: 30_000 });
 * ```
 * @module
 */

import { Buffer } from "node:buffer";
import process from "node:process";
import type * as grpcTypes from "@grpc/grpc-js";
import { installGoawayGuard } from "../../lib/sources/kubemq/goaway_guard.ts";
import { isIpAddress, messageLimits } from "../../testing/kubemq_channel.ts";

/**
 * True when the environment variable may be read without a prompt or a permission error.
 */
export function canReadEnv(name: string): boolean {
  return Deno.permissions.querySync({ name: "env", variable: name }).state === "granted";
}

// grpc-js reads GRPC_* and proxy variables from process.env when it loads. The CLI runs without
// --allow-env, where each such read would throw (or prompt on a TTY): before loading it, make
// variables that may not be read look unset, as --ignore-env would.
if (Deno.permissions.querySync({ name: "env" }).state !== "granted") {
  const real = process.env;
  const readable = (key: string | symbol): key is string =>
    typeof key === "string" && canReadEnv(key);
  const env = new Proxy<Record<string, string | undefined>>({}, {
    get: (_t, key) => readable(key) ? real[key] : undefined,
    has: (_t, key) => readable(key) && key in real,
    ownKeys: () => [],
    getOwnPropertyDescriptor: (_t, key) =>
      readable(key) && real[key] !== undefined
        ? { value: real[key], writable: true, enumerable: true, configurable: true }
        : undefined,
    set: () => true,
  });
  Object.defineProperty(process, "env", { value: env, configurable: true, writable: true });
}
// Loaded after the environment shim above, hence dynamic imports.
const grpc = (await import("@grpc/grpc-js")).default;
const { kubemqPb } = await import("../../testing/kubemq_pb.ts");

/** Request.RequestTypeData for a query. */
const REQUEST_TYPE_QUERY = 2;

/** How to reach the broker. */
export interface SenderOptions {
  /** "host:port" */
  address: string;
  /** Sent raw as `authorization` gRPC metadata (no "Bearer" prefix). */
  authToken?: string | undefined;
  /** PEM of a CA to trust; enables TLS. */
  caCert?: Uint8Array | undefined;
  /** TLS server name to verify (and send as SNI) instead of the address's host. */
  serverName?: string | undefined;
}

/** Progress of one call, for a progress indicator. */
export type SendPhase = "sending" | "waiting" | "receiving";

/** One query to send. */
export interface QueryOptions {
  channel: string;
  clientId: string;
  body: Uint8Array;
  /** The broker's wait for a response, in milliseconds (int32). */
  timeoutMs: number;
  /** Request.Tags (e.g. a W3C `traceparent`). */
  tags?: Record<string, string>;
  /** Called as the call moves from sending to waiting to receiving. */
  onPhase?: (phase: SendPhase) => void;
}

/** The sender's view of the KubeMQ Response. */
export interface QueryResponse {
  requestId: string;
  executed: boolean;
  /** KubeMQ-level error text set by the responder ("" normally). */
  error: string;
  metadata: string;
  body: Uint8Array;
  /** Response.Tags (the connector's trace context when it traces). */
  tags: Record<string, string>;
}

/** A failed SendRequest call: a gRPC status, e.g. INTERNAL `Error 301: timeout ...`. */
export class KubemqCallError extends Error {
  constructor(readonly code: number, readonly details: string) {
    super(`${grpc.status[code] ?? code} (${code}): ${details}`);
    this.name = "KubemqCallError";
  }

  /** True for the broker's "no answer within the timeout" error. */
  get isTimeout(): boolean {
    return this.details.startsWith("Error 301");
  }
}

/** A query sender; dispose it to close the gRPC channel. */
export interface Sender {
  sendQuery(opts: QueryOptions): Promise<QueryResponse>;
  close(): void;
  [Symbol.dispose](): void;
}

/**
 * An interceptor that reports when the request message has been written (sending -> waiting)
 * and when the response headers arrive (waiting -> receiving).
 */
function phaseInterceptor(onPhase: (phase: SendPhase) => void): grpcTypes.Interceptor {
  return (options, nextCall) => {
    const requester = new grpc.RequesterBuilder()
      .withStart((metadata, listener, next) => {
        next(metadata, {
          ...listener,
          onReceiveMetadata: (md: grpcTypes.Metadata, nextMd: (md: grpcTypes.Metadata) => void) => {
            onPhase("receiving");
            nextMd(md);
          },
        });
      })
      .build();
    const call = new grpc.InterceptingCall(nextCall(options), requester);
    // InterceptingCall.sendMessage passes no write callback down; add one to learn when the
    // message has left (grpc-js calls it once the HTTP/2 stream has taken the bytes).
    const sendMessageWithContext = call.sendMessageWithContext.bind(call);
    call.sendMessageWithContext = (context, message) => {
      sendMessageWithContext({
        ...context,
        callback: () => {
          onPhase("waiting");
          context.callback?.();
        },
      }, message);
    };
    call.sendMessage = (message) => call.sendMessageWithContext({}, message);
    return call;
  };
}

/** Create a sender with raised message limits, optional TLS and auth metadata. */
export function createSender(options: SenderOptions): Sender {
  const channelOptions: grpcTypes.ChannelOptions = messageLimits();
  let credentials = grpc.credentials.createInsecure();
  if (options.caCert) {
    if (!options.serverName && isIpAddress(options.address)) {
      // Deno's TLS rejects an IP address as the SNI server name, which grpc-js derives from
      // the address; the handshake would fail with a confusing UNAVAILABLE.
      throw new Error(
        `TLS to an IP address ("${options.address}") needs a server name to verify under Deno ` +
          `(e.g. --tls-server-name localhost), or connect by host name`,
      );
    }
    credentials = grpc.credentials.createSsl(Buffer.from(options.caCert));
  }
  if (options.serverName) channelOptions["grpc.ssl_target_name_override"] = options.serverName;
  // A broker's GOAWAY must not crash the CLI (denoland/deno#36788).
  installGoawayGuard();
  const client = new kubemqPb.kubemqClient(options.address, credentials, channelOptions);

  const sendQuery = (opts: QueryOptions): Promise<QueryResponse> => {
    const req = new kubemqPb.Request();
    req.setRequestid(crypto.randomUUID());
    req.setRequesttypedata(REQUEST_TYPE_QUERY);
    req.setClientid(opts.clientId);
    req.setChannel(opts.channel);
    req.setMetadata("");
    req.setBody(opts.body);
    req.setTimeout(opts.timeoutMs);
    for (const [key, value] of Object.entries(opts.tags ?? {})) req.getTagsMap().set(key, value);
    const md = new grpc.Metadata();
    if (options.authToken !== undefined) md.set("authorization", options.authToken);
    // The broker answers by its own deadline (Error 301); ours is only a guard against a
    // broker that never answers at all.
    const callOptions: grpcTypes.CallOptions = { deadline: Date.now() + opts.timeoutMs + 30_000 };
    if (opts.onPhase) callOptions.interceptors = [phaseInterceptor(opts.onPhase)];
    return new Promise((resolve, reject) => {
      opts.onPhase?.("sending");
      client.sendRequest(req, md, callOptions, (err, res) => {
        if (err) return reject(new KubemqCallError(err.code, err.details));
        if (!res) return reject(new Error("SendRequest returned no response"));
        resolve({
          requestId: res.getRequestid(),
          executed: res.getExecuted(),
          error: res.getError(),
          metadata: res.getMetadata(),
          body: res.getBody_asU8(),
          tags: Object.fromEntries(res.getTagsMap().toArray()),
        });
      });
    });
  };

  const close = () => client.close();
  return { sendQuery, close, [Symbol.dispose]: close };
}
