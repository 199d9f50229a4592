/**
 * A minimal gRPC client over `node:http2`: unary and server-streaming calls with identity
 * encoding, bidirectional streams of small messages, deadlines, auth metadata, message size
 * limits, keepalive pings and a session that is created again after it ends. Just what the KubeMQ
 * clients need (requests_client.ts, queue_client.ts, events_client.ts, connection.ts).
 *
 * Why not grpc-js: under Deno, grpc-js keeps several copies of a large message while receiving
 * and sending it (chunk lists, a concatenated copy, google-protobuf's copies): a 64 MiB object
 * (an ~85 MB message) made a trivial responder peak at ~800 MiB RSS. Here a received message
 * is copied once, from the transport's chunks into one buffer of its announced length, and a
 * sent one is written as the caller's chunks.
 *
 * Sessions are made with `http2.connect` of the `node:http2` module object, so a guard that
 * wraps it (the GOAWAY crash guard) applies here too: a session's close() and destroy() always
 * run in a later macrotask, never inside nghttp2's frame processing.
 */
import http2 from "node:http2";
import type tls from "node:tls";
import { formatHostPort, parseHostPort } from "../../host_port.ts";

import { type Chunk, MessageFramer, prefix, writeMessage } from "./grpc_framing.ts";
import {
  type CallHandlers,
  pausableStream,
  type ServerStream,
  type StartedCall,
} from "./grpc_server_stream.ts";
import { sessionOptions, type TlsMaterial } from "./grpc_session_options.ts";
import { openSession } from "./grpc_session.ts";
import { GrpcError, httpStatusToGrpc, Status, statusOf } from "./grpc_status.ts";

import { type DuplexCall, duplexCall } from "./grpc_duplex.ts";
import { connectHalfClosable, type HalfClosableSocket } from "./grpc_half_close.ts";

export type { DuplexCall } from "./grpc_duplex.ts";
export { MessageFramer } from "./grpc_framing.ts";
export type { ServerStream } from "./grpc_server_stream.ts";
export { GrpcError, Status } from "./grpc_status.ts";

/** How to reach the server. */
export interface GrpcH2Config {
  /** "host:port" or "[v6]:port". */
  address: string;
  /** PEM material; `ca` undefined trusts the system roots. */
  tls?: TlsMaterial;
  /** Extra request headers on every call (e.g. `authorization`). */
  headers: Record<string, string>;
  maxReceiveBytes: number;
  maxSendBytes: number;
  /** HTTP/2 PING interval while calls are open, and how long to wait for its ack. */
  keepaliveTimeMs: number;
  keepaliveTimeoutMs: number;
  /**
   * Connect sessions over a socket that endWrites() can half-close (grpc_half_close.ts): for a
   * channel that carries subscriptions only.
   */
  halfClose?: boolean;
}

/** Longest wait for a cancelled stream to close before its call ends anyway. */
const CANCEL_SETTLE_MS = 1000;

/** A gRPC channel: one HTTP/2 session at a time, made on demand. */
export class GrpcH2Channel {
  readonly #config: GrpcH2Config;
  readonly #authority: string;
  readonly #connectOptions: http2.SecureClientSessionOptions;
  #session: http2.ClientHttp2Session | null = null;
  /** The current session's socket, when the channel is made to be half-closed. */
  #socket: HalfClosableSocket | null = null;
  readonly #target: { host: string; port: number };
  /** The last session-level error, for the status of streams it ends. */
  #sessionError: string | null = null;
  #open = 0;
  #closed = false;

  constructor(config: GrpcH2Config) {
    this.#config = config;
    const target = parseHostPort(config.address);
    this.#target = target;
    this.#authority = `${config.tls ? "https" : "http"}://${formatHostPort(target)}`;
    this.#connectOptions = sessionOptions(config.tls, target.host);
  }

  #getSession(): http2.ClientHttp2Session {
    const live = this.#session;
    if (live && !live.closed && !live.destroyed) return live;
    this.#sessionError = null;
    let options = this.#connectOptions;
    if (this.#config.halfClose) {
      const { settings: _, ...tlsOptions } = options;
      const socket = connectHalfClosable({
        ...this.#target,
        ...(this.#config.tls ? { tls: tlsOptions as tls.ConnectionOptions } : {}),
      });
      this.#socket = socket;
      options = { ...options, createConnection: () => socket.socket };
    }
    const session = openSession(this.#authority, options, {
      gone: () => {
        if (this.#session === session) this.#session = null;
      },
      failed: (reason) => this.#sessionError = reason,
      busy: () => this.#open > 0,
      keepaliveTimeMs: this.#config.keepaliveTimeMs,
      keepaliveTimeoutMs: this.#config.keepaliveTimeoutMs,
    });
    this.#session = session;
    return session;
  }

  /**
   * Starts a call: sends `message` (chunks) as the one request message and reports each
   * response message and the end; `message` null leaves the stream open for the caller's
   * writes. `timeoutMs` 0 means no deadline.
   */
  #call(
    path: string,
    message: readonly Chunk[] | null,
    timeoutMs: number,
    handlers: CallHandlers,
  ): StartedCall {
    const length = message?.reduce((n, c) => n + c.byteLength, 0) ?? 0;
    let ended = false;
    const end = (error: GrpcError | null) => {
      if (ended) return;
      ended = true;
      clearTimeout(timer);
      this.#open--;
      handlers.onEnd(error);
    };
    this.#open++;
    let timer: ReturnType<typeof setTimeout> | undefined;
    if (this.#closed) {
      queueMicrotask(() => end(new GrpcError(Status.UNAVAILABLE, "Channel has been shut down")));
      return { stream: null, cancel: () => {} };
    }
    if (length > this.#config.maxSendBytes) {
      queueMicrotask(() =>
        end(
          new GrpcError(
            Status.RESOURCE_EXHAUSTED,
            `Sent message larger than max (${length} vs. ${this.#config.maxSendBytes})`,
          ),
        )
      );
      return { stream: null, cancel: () => {} };
    }
    let stream: http2.ClientHttp2Stream;
    try {
      stream = this.#getSession().request({
        ":method": "POST",
        ":path": path,
        "content-type": "application/grpc",
        te: "trailers",
        "user-agent": "kubemq-s3",
        "grpc-accept-encoding": "identity",
        ...(timeoutMs > 0 ? { "grpc-timeout": `${Math.max(1, Math.ceil(timeoutMs))}m` } : {}),
        ...this.#config.headers,
      }, { endStream: false });
    } catch (err) {
      queueMicrotask(() =>
        end(new GrpcError(Status.UNAVAILABLE, (err as Error).message ?? String(err)))
      );
      return { stream: null, cancel: () => {} };
    }
    const cancelWith = (error: GrpcError) => {
      if (ended) return;
      end(error);
      try {
        stream.close(http2.constants.NGHTTP2_CANCEL);
      } catch { /* already closed */ }
    };
    /**
     * The caller's cancel: messages that had already arrived are still delivered, and the call
     * ends when the stream has closed. The server counts a message it wrote before it saw the
     * cancel as delivered (a request to a group member goes to no other), so dropping the ones
     * waiting in our buffers would lose them.
     */
    let cancelled = false;
    const cancelByCaller = () => {
      if (ended || cancelled) return;
      cancelled = true;
      const caller = new GrpcError(Status.CANCELLED, "Cancelled on client");
      const latest = setTimeout(() => end(caller), CANCEL_SETTLE_MS);
      stream.once("close", () => {
        clearTimeout(latest);
        end(caller);
      });
      try {
        stream.close(http2.constants.NGHTTP2_CANCEL);
        stream.resume();
      } catch {
        end(caller);
      }
    };
    if (timeoutMs > 0) {
      timer = setTimeout(
        () => cancelWith(new GrpcError(Status.DEADLINE_EXCEEDED, "Deadline exceeded")),
        timeoutMs,
      );
    }
    const framer = new MessageFramer(this.#config.maxReceiveBytes);
    let status: GrpcError | null | undefined;
    const readStatus = (headers: http2.IncomingHttpHeaders) => {
      const read = statusOf(headers);
      if (read !== undefined) status = read;
    };
    stream.on("response", (headers) => {
      const http = Number(headers[":status"]);
      if (http !== 200) {
        status = new GrpcError(httpStatusToGrpc(http), `Received HTTP status code ${http}`);
        return;
      }
      // Trailers-only response: the status comes with the headers.
      readStatus(headers);
    });
    stream.on("trailers", readStatus);
    stream.on("data", (chunk: Uint8Array) => {
      if (ended) return;
      let messages: Uint8Array[];
      try {
        messages = framer.push(chunk);
      } catch (err) {
        cancelWith(err as GrpcError);
        return;
      }
      for (const m of messages) if (!ended) handlers.onMessage(m);
    });
    let streamError: string | null = null;
    stream.on("error", (err: Error) => {
      // The status is settled on 'close'.
      streamError = err.message;
    });
    const session = this.#session;
    const settle = () => {
      if (ended) return;
      if (status !== undefined) return end(status);
      const rst = stream.rstCode;
      const sessionGone = session === null || session.destroyed || session.closed;
      if (this.#sessionError !== null || sessionGone) {
        const why = this.#sessionError ?? streamError ?? "connection closed";
        return end(new GrpcError(Status.UNAVAILABLE, `Connection dropped: ${why}`));
      }
      end(
        new GrpcError(
          rst === http2.constants.NGHTTP2_REFUSED_STREAM ? Status.UNAVAILABLE : Status.INTERNAL,
          `Received RST_STREAM with code ${rst ?? "none"}${streamError ? `: ${streamError}` : ""}`,
        ),
      );
    };
    stream.on("close", () => {
      if (ended || cancelled) return;
      if (status !== undefined) return end(status);
      // A failing session closes its streams before it emits 'error': wait for that.
      setTimeout(settle, 0);
    });
    if (message !== null) void writeMessage(stream, [prefix(length), ...message]);
    // A bidirectional call ends when the server's side does (its status): end ours too, or the
    // stream never closes, the call never settles, and its handlers (with a queue message's
    // whole buffer) stay reachable until the session closes.
    else stream.on("end", () => stream.writableEnded || stream.end());
    return {
      stream,
      cancel: cancelByCaller,
    };
  }

  /** One request, one response message. */
  unary(
    path: string,
    message: readonly Chunk[],
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<Uint8Array> {
    return new Promise((resolve, reject) => {
      let reply: Uint8Array | null = null;
      const call = this.#call(path, message, timeoutMs, {
        onMessage: (m) => (reply = m),
        onEnd: (error) => {
          signal?.removeEventListener("abort", abort);
          if (error) reject(error);
          else if (reply === null) {
            reject(new GrpcError(Status.UNIMPLEMENTED, "No message received for unary call"));
          } else resolve(reply);
        },
      });
      const abort = () => call.cancel();
      if (signal?.aborted) abort();
      else signal?.addEventListener("abort", abort);
    });
  }

  /**
   * One request, a stream of response messages. While paused, received messages wait here
   * and the transport stops reading, so HTTP/2 flow control holds the rest at the server.
   */
  serverStream(
    path: string,
    message: readonly Chunk[],
    onMessage: (message: Uint8Array) => void,
    onEnd: (error: GrpcError | null) => void,
  ): ServerStream {
    return pausableStream((handlers) => this.#call(path, message, 0, handlers), onMessage, onEnd);
  }

  /**
   * A bidirectional stream: `write` sends one (small) message at a time, the server's messages
   * go to `onMessage` and `onEnd` comes once, however the call ends.
   */
  duplex(
    path: string,
    onMessage: (message: Uint8Array) => void,
    onEnd: (error: GrpcError | null) => void,
  ): DuplexCall {
    const start = (handlers: CallHandlers) => this.#call(path, null, 0, handlers);
    return duplexCall(start, this.#config.maxSendBytes, onMessage, onEnd);
  }

  /**
   * Forgets the current session and destroys it (in a later macrotask, by the GOAWAY guard):
   * the next call connects again. For a session that seems open but no longer answers.
   */
  dropSession(): void {
    const session = this.#session;
    this.#session = null;
    if (session && !session.destroyed) session.destroy();
  }

  /**
   * Half-closes the session's connection (a channel made with `halfClose`): the server ends
   * every stream on it and closes it, and every message it wrote before that is still
   * delivered; the calls end once it has closed. New calls fail with UNAVAILABLE. Without
   * `halfClose`, the same as close().
   */
  endWrites(): void {
    if (!this.#config.halfClose) return this.close();
    this.#closed = true;
    this.#socket?.endWrites();
  }

  /** Ends the session after open calls finish; new calls fail with UNAVAILABLE. */
  close(): void {
    this.#closed = true;
    const session = this.#session;
    this.#session = null;
    if (session && !session.closed) session.close();
  }
}
