/**
 * What a source kind provides: a subscription that hands query bodies to the binding and sends
 * back what the binding answers.
 */

/** Facts about one received query, for logs and metrics. */
export interface QueryInfo {
  requestId: string;
  channel: string;
  clientId: string;
  /** Told how the handling ended, before the handler resolves (sources that settle messages). */
  onOutcome?: (outcome: HandleOutcome) => void;
}

/** How the binding's handling of one message ended, for sources that settle messages (queues). */
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

/** Handles one query body and returns the response body. Must not throw; if it does, the
 * source answers with an `is_error` body itself. */
export type QueryHandler = (body: Uint8Array, info: QueryInfo) => Promise<Uint8Array>;

/** A source's live state, for /ready, /bindings and metrics. */
export interface SourceState {
  /** True while every subscription stream of this source is established. */
  connected: boolean;
  /** The last connection or subscription error, if any (never containing secrets). */
  lastError: string | null;
  /** Resubscriptions so far. */
  reconnects: number;
  /** Queries being handled now. */
  inFlight: number;
  /** True when it gave up (max_reconnects reached, or auto_reconnect false and the stream ended). */
  dead: boolean;
}

/** A running source. */
export interface Source {
  /** Starts subscribing; resolves once the first subscription attempt has been made. */
  start(handler: QueryHandler): Promise<void>;
  /**
   * Stops taking new queries, waits up to `drainMs` for in-flight ones to be answered, then
   * closes its connections.
   */
  stop(drainMs: number): Promise<void>;
  state(): SourceState;
  /** Called once when the source gives up for good. */
  onDead(listener: (reason: string) => void): void;
}
