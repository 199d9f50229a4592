/**
 * A minimal gRPC client over `node:http2`: unary and server-streaming calls with identity
 * encoding, deadlines, auth metadata, message size limits, keepalive pings and a session that
 * is created again after it ends. Just what the KubeMQ query source needs (see h2_client.ts).
 *
 * Why not grpc-js: under Deno, grpc-js keeps several copies of a large message while receiving
 * and sending it (chunk lists, a concatenated copy, google-protobuf's copies): a 64 MiB object
 * (an ~85 MB message) made a trivial responder peak at ~800 MiB RSS. Here a received message
 * is copied once, from the transport's chunks into one buffer of its announced length, and a
 * sent one is written as the caller's chunks.
 *
 * Sessions are made with `http2.connect` of the `node:http2` module object, so a guard that
 * wraps it (the GOAWAY crash guard) applies here too; a session is never closed or destroyed
 * synchronously inside its own 'goaway' dispatch.
 */
import { Buffer } from "node:buffer";
import http2 from "node:http2";
import { isIP } from "node:net";
import { checkServerIdentity, type PeerCertificate } from "node:tls";
import { formatHostPort, parseHostPort } from "../../host_port.ts";

/** gRPC status codes by name (the subset this client produces or maps). */
export const Status = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const;
const STATUS_NAMES = Object.fromEntries(Object.entries(Status).map(([k, v]) => [v, k]));

/** A call's outcome: a gRPC status code and its details. */
export class GrpcError extends Error {
  readonly code: number;
  readonly details: string;

  constructor(code: number, details: string) {
    const name = STATUS_NAMES[code] ?? String(code);
    super(details === "" ? name : `${name}: ${details}`);
    this.code = code;
    this.details = details;
  }
}

/** How to reach the server. */
export interface GrpcH2Config {
  /** "host:port" or "[v6]:port". */
  address: string;
  /** PEM material; `ca` undefined trusts the system roots. */
  tls?: {
    ca?: Uint8Array | undefined;
    cert?: Uint8Array | undefined;
    key?: Uint8Array | undefined;
  };
  /** Extra request headers on every call (e.g. `authorization`). */
  headers: Record<string, string>;
  maxReceiveBytes: number;
  maxSendBytes: number;
  /** HTTP/2 PING interval while calls are open, and how long to wait for its ack. */
  keepaliveTimeMs: number;
  keepaliveTimeoutMs: number;
}

/** A live server-streaming call. */
export interface ServerStream {
  pause(): void;
  resume(): void;
  cancel(): void;
}

/** SNI name used instead of an IP address, which Deno's node:tls refuses as servername. */
const IP_SNI_PLACEHOLDER = "kubemq-ip-address.invalid";
/** Per-stream and session receive windows: large messages arrive without stalls. */
const WINDOW_BYTES = 8 * 1024 * 1024;

function httpStatusToGrpc(status: number): number {
  switch (status) {
    case 400:
      return Status.INTERNAL;
    case 401:
      return Status.UNAUTHENTICATED;
    case 403:
      return Status.PERMISSION_DENIED;
    case 404:
      return Status.UNIMPLEMENTED;
    case 429:
    case 502:
    case 503:
    case 504:
      return Status.UNAVAILABLE;
    default:
      return Status.UNKNOWN;
  }
}

function percentDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Splits a stream of bytes into gRPC length-prefixed messages, each copied once. */
export class MessageFramer {
  readonly #max: number;
  readonly #header = new Uint8Array(5);
  #headerFill = 0;
  #message: Uint8Array | null = null;
  #fill = 0;

  constructor(maxBytes: number) {
    this.#max = maxBytes;
  }

  /** Feeds a chunk; returns the messages it completed. Throws GrpcError on a bad frame. */
  push(chunk: Uint8Array): Uint8Array[] {
    const out: Uint8Array[] = [];
    let at = 0;
    while (at < chunk.length) {
      if (this.#message === null) {
        const n = Math.min(5 - this.#headerFill, chunk.length - at);
        this.#header.set(chunk.subarray(at, at + n), this.#headerFill);
        this.#headerFill += n;
        at += n;
        if (this.#headerFill < 5) break;
        this.#headerFill = 0;
        if (this.#header[0] !== 0) {
          throw new GrpcError(Status.INTERNAL, "compressed message received without encoding");
        }
        const length = new DataView(this.#header.buffer).getUint32(1);
        if (length > this.#max) {
          throw new GrpcError(
            Status.RESOURCE_EXHAUSTED,
            `Received message larger than max (${length} vs. ${this.#max})`,
          );
        }
        this.#message = new Uint8Array(length);
        this.#fill = 0;
      }
      const n = Math.min(this.#message.length - this.#fill, chunk.length - at);
      this.#message.set(chunk.subarray(at, at + n), this.#fill);
      this.#fill += n;
      at += n;
      if (this.#fill === this.#message.length) {
        out.push(this.#message);
        this.#message = null;
      }
    }
    return out;
  }

  /** True between messages (no partial frame held). */
  get idle(): boolean {
    return this.#message === null && this.#headerFill === 0;
  }
}

/** The 5-byte gRPC message prefix for an uncompressed message of `length` bytes. */
function prefix(length: number): Uint8Array {
  const p = new Uint8Array(5);
  new DataView(p.buffer).setUint32(1, length);
  return p;
}

/** Bytes handed to the transport at a time for a large message. */
const WRITE_SLICE_BYTES = 1024 * 1024;

/**
 * Writes the chunks and ends the stream. Large chunks go in slices, each after the previous
 * one was taken: the transport copies what it is given (into nghttp2, then into the socket),
 * so handing it a whole ~85 MB body at once holds two more copies of it.
 */
async function writeMessage(stream: http2.ClientHttp2Stream, chunks: Uint8Array[]): Promise<void> {
  const total = chunks.reduce((n, c) => n + c.length, 0);
  if (total <= WRITE_SLICE_BYTES) {
    stream.end(chunks.length === 1 ? chunks[0] : concatChunks(chunks, total));
    return;
  }
  for (const chunk of chunks) {
    for (let at = 0; at < chunk.length; at += WRITE_SLICE_BYTES) {
      if (stream.destroyed || stream.closed) return;
      const slice = chunk.subarray(at, at + WRITE_SLICE_BYTES);
      const done = new Promise<void>((resolve) => stream.write(slice, () => resolve()));
      await done;
    }
  }
  if (!stream.destroyed) stream.end();
}

function concatChunks(chunks: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

interface CallHandlers {
  onMessage(message: Uint8Array): void;
  onEnd(error: GrpcError | null): void;
}

/** A gRPC channel: one HTTP/2 session at a time, made on demand. */
export class GrpcH2Channel {
  readonly #config: GrpcH2Config;
  readonly #authority: string;
  readonly #connectOptions: http2.SecureClientSessionOptions;
  #session: http2.ClientHttp2Session | null = null;
  /** The last session-level error, for the status of streams it ends. */
  #sessionError: string | null = null;
  #open = 0;
  #closed = false;

  constructor(config: GrpcH2Config) {
    this.#config = config;
    const target = parseHostPort(config.address);
    const host = target.host;
    this.#authority = `${config.tls ? "https" : "http"}://${formatHostPort(target)}`;
    const options: http2.SecureClientSessionOptions = {
      settings: { initialWindowSize: WINDOW_BYTES },
    };
    if (config.tls) {
      const buf = (v: Uint8Array | undefined) => v === undefined ? undefined : Buffer.from(v);
      const ip = isIP(host) !== 0;
      const ca = buf(config.tls.ca);
      const cert = buf(config.tls.cert);
      const key = buf(config.tls.key);
      Object.assign(options, {
        ...(ca ? { ca } : {}),
        ...(cert ? { cert } : {}),
        ...(key ? { key } : {}),
        // For an IP address the certificate is still checked against that IP (its SAN).
        servername: ip ? IP_SNI_PLACEHOLDER : host,
        ...(ip
          ? {
            checkServerIdentity: (_name: string, c: PeerCertificate) =>
              checkServerIdentity(host, c),
          }
          : {}),
      });
    }
    this.#connectOptions = options;
  }

  #getSession(): http2.ClientHttp2Session {
    const live = this.#session;
    if (live && !live.closed && !live.destroyed) return live;
    this.#sessionError = null;
    const session = http2.connect(this.#authority, this.#connectOptions);
    this.#session = session;
    const forget = () => {
      if (this.#session === session) this.#session = null;
    };
    session.on("error", (err: Error) => {
      this.#sessionError = err.message;
      forget();
    });
    session.on("goaway", () => {
      forget();
      // Never inside the 'goaway' dispatch (denoland/deno#36788): let open streams finish.
      setTimeout(() => {
        if (!session.closed) session.close();
      }, 0);
    });
    session.on("close", forget);
    session.on("connect", () => {
      try {
        session.setLocalWindowSize(WINDOW_BYTES);
      } catch { /* not supported: default window */ }
    });
    this.#keepalive(session);
    return session;
  }

  /** PINGs while calls are open; a missing ack ends the session (its calls: UNAVAILABLE). */
  #keepalive(session: http2.ClientHttp2Session): void {
    const { keepaliveTimeMs, keepaliveTimeoutMs } = this.#config;
    const timer = setInterval(() => {
      if (session.closed || session.destroyed) return clearInterval(timer);
      if (this.#open === 0) return;
      let acked = false;
      const deadline = setTimeout(() => {
        if (acked || session.destroyed) return;
        this.#sessionError = "keepalive ping not acknowledged";
        forgetAndDestroy();
      }, keepaliveTimeoutMs);
      const forgetAndDestroy = () => {
        if (this.#session === session) this.#session = null;
        session.destroy();
      };
      try {
        session.ping((err) => {
          acked = !err;
          clearTimeout(deadline);
        });
      } catch {
        clearTimeout(deadline);
      }
    }, keepaliveTimeMs);
    Deno.unrefTimer(timer);
    session.on("close", () => clearInterval(timer));
  }

  /**
   * Starts a call: sends `message` (chunks) as the one request message and reports each
   * response message and the end. `timeoutMs` 0 means no deadline.
   */
  #call(
    path: string,
    message: readonly Uint8Array[],
    timeoutMs: number,
    handlers: CallHandlers,
  ): { stream: http2.ClientHttp2Stream | null; cancel(): void } {
    const length = message.reduce((n, c) => n + c.length, 0);
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
    if (timeoutMs > 0) {
      timer = setTimeout(
        () => cancelWith(new GrpcError(Status.DEADLINE_EXCEEDED, "Deadline exceeded")),
        timeoutMs,
      );
    }
    const framer = new MessageFramer(this.#config.maxReceiveBytes);
    let status: GrpcError | null | undefined;
    const readStatus = (headers: http2.IncomingHttpHeaders) => {
      const raw = headers["grpc-status"];
      if (raw === undefined) return;
      const code = Number(raw);
      const details = headers["grpc-message"];
      status = code === Status.OK ? null : new GrpcError(
        Number.isInteger(code) ? code : Status.UNKNOWN,
        typeof details === "string" ? percentDecode(details) : "",
      );
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
      if (ended) return;
      if (status !== undefined) return end(status);
      // A failing session closes its streams before it emits 'error': wait for that.
      setTimeout(settle, 0);
    });
    void writeMessage(stream, [prefix(length), ...message]);
    return {
      stream,
      cancel: () => cancelWith(new GrpcError(Status.CANCELLED, "Cancelled on client")),
    };
  }

  /** One request, one response message. */
  unary(
    path: string,
    message: readonly Uint8Array[],
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
    message: readonly Uint8Array[],
    onMessage: (message: Uint8Array) => void,
    onEnd: (error: GrpcError | null) => void,
  ): ServerStream {
    let paused = false;
    const waiting: Uint8Array[] = [];
    let endedWith: { error: GrpcError | null } | null = null;
    const drain = () => {
      while (!paused && waiting.length > 0) onMessage(waiting.shift()!);
      if (!paused && endedWith) {
        const e = endedWith;
        endedWith = null;
        onEnd(e.error);
      }
    };
    const call = this.#call(path, message, 0, {
      onMessage: (m) => {
        if (paused || waiting.length > 0) waiting.push(m);
        else onMessage(m);
      },
      onEnd: (error) => {
        // A cancel ends at once; otherwise queued messages are delivered first.
        if (error?.code === Status.CANCELLED) waiting.length = 0;
        endedWith = { error };
        if (error?.code === Status.CANCELLED) paused = false;
        drain();
      },
    });
    return {
      pause: () => {
        paused = true;
        call.stream?.pause();
      },
      resume: () => {
        paused = false;
        call.stream?.resume();
        drain();
      },
      cancel: () => call.cancel(),
    };
  }

  /** Ends the session after open calls finish; new calls fail with UNAVAILABLE. */
  close(): void {
    this.#closed = true;
    const session = this.#session;
    this.#session = null;
    if (session && !session.closed) session.close();
  }
}
