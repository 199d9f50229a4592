/**
 * The port of the `kubemq.query` source: what it needs from KubeMQ, implemented by the lean
 * node:http2 transport (h2_client.ts, the default) and by grpc-js (client.ts, also the
 * command source's). Types only: importing it loads no transport.
 */
import type { Pieces } from "../../pieces.ts";

/** How to reach the broker. */
export interface KubemqClientConfig {
  /** "host:port" or "[v6]:port". */
  address: string;
  /** Sent raw as `authorization` metadata on every call; undefined sends none. */
  authToken?: string | undefined;
  /** TLS material (PEM). `ca` undefined trusts the system roots; cert and key go together. */
  tls?: {
    ca?: Uint8Array | undefined;
    cert?: Uint8Array | undefined;
    key?: Uint8Array | undefined;
  };
  /** Largest body either way; the gRPC limits get envelope headroom on top. */
  maxMessageBytes: number;
  /** Shortest gRPC connection backoff, so a restarted broker is found again quickly. */
  reconnectBackoffMs: number;
}

/** A query as received from the subscription. */
export interface ReceivedQuery {
  requestId: string;
  /** The server's reply inbox; must be echoed in the response. */
  replyChannel: string;
  /** The sender's ClientID. */
  clientId: string;
  channel: string;
  metadata: string;
  body: Uint8Array;
  timeoutMs: number;
}

/** A response to send for a query. */
export interface QueryReply {
  requestId: string;
  replyChannel: string;
  clientId: string;
  /** Pieces are sent as they are produced (the lean transport) or joined first (grpc-js). */
  body: Uint8Array | Pieces;
  /** Response.Executed (default true); commands answer false when the target failed. */
  executed?: boolean;
  /** Response.Error (default ""). */
  error?: string;
}

/** How a subscription stream ended: the gRPC status code (0 = OK) and its details. */
export interface StreamEnd {
  code: number;
  /** "UNAVAILABLE: broker stopped" style text, never containing the auth token. */
  message: string;
}

/** A live subscription stream. */
export interface SubscriptionHandle {
  /** Stops delivering queries; they wait in the transport (flow control) until resume(). */
  pause(): void;
  resume(): void;
  /** Ends the stream; onEnd is called with CANCELLED. */
  cancel(): void;
}

/** What the source needs from KubeMQ. */
export interface KubemqQueryClient {
  /**
   * Ping with auth metadata; rejects with a readable Error on failure, after timeoutMs, or when
   * `signal` aborts.
   */
  ping(timeoutMs: number, signal?: AbortSignal): Promise<{ host: string; version: string }>;
  /**
   * Subscribes to queries on `channel` (in `group`, "" for none). `onData` is called per query;
   * `onEnd` exactly once, however the stream ends.
   */
  subscribe(
    channel: string,
    group: string,
    clientId: string,
    onData: (query: ReceivedQuery) => void,
    onEnd: (end: StreamEnd) => void,
  ): SubscriptionHandle;
  /** SendResponse with Executed (default true), Error and a Timestamp (unix seconds). */
  sendResponse(reply: QueryReply, timeoutMs: number): Promise<void>;
  close(): void;
}
