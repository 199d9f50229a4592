/**
 * What a source kind provides: a subscription that hands message bodies (a query's, a command's,
 * a queue message's, an event's) to the binding and sends back or settles by what it answers. The source moves bytes; the binding owns the envelope (every
 * response body, the error ones included, is built there).
 */
import type { Pieces } from "../pieces.ts";

/** Facts about one received message, of any source kind, for logs and metrics. */
export interface MessageInfo {
  requestId: string;
  channel: string;
  clientId: string;
  /**
   * True when the source never reads the body after handing it over, or only through
   * `restoreBody` of lib/wire.ts (a queue message is dead-lettered as received): the binding may
   * then decode a large body's data over its own bytes.
   */
  bodySpendable?: boolean;
  /** The sender's tags: a `traceparent` there continues the sender's trace. */
  tags?: Readonly<Record<string, string>>;
}

/**
 * How the binding's handling of one message ended, for sources that settle messages (queues) or
 * answer without a body (commands).
 */
export interface HandleOutcome {
  /**
   * ok: the target succeeded. retry: it may succeed later (network, throttling, 5xx, timeout,
   * target not initialised). fail: it never will (bad metadata, missing bucket, access denied).
   * invalid: the body could not be parsed as a request.
   */
  kind: "ok" | "retry" | "fail" | "invalid";
  /** The error text; "" when ok. */
  error: string;
  /** The response's `error_code`; "" when ok. */
  code: string;
}

/** What the binding answers for one body. */
export interface HandleResult {
  /** The encoded response body (wire format), ready to send; made whole when first read. */
  readonly body: Uint8Array;
  /**
   * The same body in pieces, for a transport that can send it so: a large response's base64 is
   * then encoded while it is sent, never whole. Read `body` only if this is not used.
   */
  readonly pieces?: Pieces;
  /** How the handling ended, matching the body's `is_error`, `error` and `error_code`. */
  outcome: HandleOutcome;
  /**
   * Tags the answer carries back to the sender (query and command responses, queue and events
   * outcomes): the request span's trace context when tracing is on.
   */
  tags?: Record<string, string>;
}

/**
 * Handles one message body and returns the response with its outcome. Never rejects: every
 * failure, a bug in the binding included, is an `is_error` body in the result.
 */
export type MessageHandler = (body: Uint8Array, info: MessageInfo) => Promise<HandleResult>;

/** A source's live state, for /ready, /bindings and metrics. */
export interface SourceState {
  /** True while every subscription stream of this source is established. */
  connected: boolean;
  /** The last connection or subscription error, if any (never containing secrets). */
  lastError: string | null;
  /** Resubscriptions so far. */
  reconnects: number;
  /** Messages being handled now. */
  inFlight: number;
  /** True when it gave up (max_reconnects reached, or auto_reconnect false and the stream ended). */
  dead: boolean;
}

/** A running source. */
export interface Source {
  /** Starts subscribing; resolves once the first subscription attempt has been made. */
  start(handler: MessageHandler): Promise<void>;
  /**
   * Stops taking new messages, waits up to `drainMs` for in-flight ones to be answered, then
   * closes its connections.
   */
  stop(drainMs: number): Promise<void>;
  state(): SourceState;
  /** Called once when the source gives up for good. */
  onDead(listener: (reason: string) => void): void;
}
