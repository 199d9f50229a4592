/**
 * The port of the request-answering sources (`kubemq.query` and `kubemq.command`): what they need
 * from KubeMQ, implemented by requests_client.ts (and by fakes in tests). Types only: importing it
 * loads no transport.
 */
import type { Pieces } from "../../pieces.ts";

/** A request (a query or a command) as received from the subscription. */
export interface ReceivedRequest {
  requestId: string;
  /** The server's reply inbox; must be echoed in the response. */
  replyChannel: string;
  /** The sender's ClientID. */
  clientId: string;
  channel: string;
  metadata: string;
  body: Uint8Array;
  timeoutMs: number;
  /** The sender's tags. */
  tags: Record<string, string>;
}

/** A response to send for a request. */
export interface RequestReply {
  requestId: string;
  replyChannel: string;
  clientId: string;
  /** Pieces are sent as they are produced. */
  body: Uint8Array | Pieces;
  /** Response.Executed (default true); commands answer false when the target failed. */
  executed?: boolean;
  /** Response.Error (default ""). */
  error?: string;
  /** Response.Tags: the request span's trace context when tracing is on. */
  tags?: Record<string, string>;
}

/** How a subscription stream ended: the gRPC status code (0 = OK) and its details. */
export interface StreamEnd {
  code: number;
  /** "UNAVAILABLE: broker stopped" style text, never containing the auth token. */
  message: string;
}

/** A live subscription stream. */
export interface SubscriptionHandle {
  /** Stops delivering messages; they wait in the transport (flow control) until resume(). */
  pause(): void;
  resume(): void;
  /** Ends the stream; onEnd is called with CANCELLED. */
  cancel(): void;
}

/** What a request-answering source needs from KubeMQ. */
export interface KubemqRequestsClient {
  /**
   * Ping with auth metadata; rejects with a readable Error on failure, after timeoutMs, or when
   * `signal` aborts.
   */
  ping(timeoutMs: number, signal?: AbortSignal): Promise<{ host: string; version: string }>;
  /**
   * Subscribes to requests on `channel` (in `group`, "" for none). `onData` is called per
   * request; `onEnd` exactly once, however the stream ends.
   */
  subscribe(
    channel: string,
    group: string,
    clientId: string,
    onData: (request: ReceivedRequest) => void,
    onEnd: (end: StreamEnd) => void,
  ): SubscriptionHandle;
  /** SendResponse with Executed (default true), Error and a Timestamp (unix seconds). */
  sendResponse(reply: RequestReply, timeoutMs: number): Promise<void>;
  /**
   * Ends every subscription without losing a request the server already wrote to one: the
   * server ends them (each `onEnd` is called) once it has seen the end, and every request it
   * wrote before is still delivered to `onData`. Responses can still be sent. A client that
   * cannot do this leaves it out, and its subscriptions are cancelled.
   */
  endSubscriptions?(): void;
  close(): void;
}
