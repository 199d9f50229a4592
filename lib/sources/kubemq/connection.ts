/**
 * A connection to KubeMQ for every client of this folder: the lean gRPC channel (grpc_h2.ts)
 * with the connector's settings (auth metadata on every call, TLS with a private CA, message
 * limits with envelope headroom, 5-minute keepalive, a new session after a failure), Ping, and
 * error texts that never carry the auth token.
 */
import type { KubemqClientConfig } from "./client_config.ts";
import { installGoawayGuard } from "./goaway_guard.ts";
import { GrpcH2Channel, Status } from "./grpc_h2.ts";
import { decodePingResult } from "./pb_codec.ts";

/** The KubeMQ gRPC service's path prefix. */
export const SERVICE = "/kubemq.kubemq";
/** Headroom over the body limit for the envelope fields (ids, channel, metadata, tags). */
const ENVELOPE_HEADROOM = 1024 * 1024;
/** A grpc-go server refuses pings more often than every 5 minutes (its enforcement policy). */
const KEEPALIVE_TIME_MS = 300_000;
const KEEPALIVE_TIMEOUT_MS = 20_000;
const EMPTY: Uint8Array[] = [];

/** An open (lazily connected) KubeMQ connection. */
export interface KubemqConnection {
  readonly channel: GrpcH2Channel;
  /** An error's text without the auth token. */
  describe(err: unknown): string;
  /** Ping with auth; rejects with a readable Error on failure, timeout or abort. */
  ping(timeoutMs: number, signal?: AbortSignal): Promise<{ host: string; version: string }>;
  close(): void;
}

/** Options of {@link openConnection}. */
export interface ConnectionOptions {
  /** A connection that can be half-closed (GrpcH2Channel.endWrites): for subscriptions. */
  halfClose?: boolean;
}

/** Opens a connection; the session is made on the first call. */
export function openConnection(
  config: KubemqClientConfig,
  options: ConnectionOptions = {},
): KubemqConnection {
  // Every close() and destroy() of these sessions, ours and node:http2's own, then runs in a
  // later macrotask (denoland/deno#36788, see goaway_guard.ts).
  installGoawayGuard();
  const limit = Math.min(config.maxMessageBytes + ENVELOPE_HEADROOM, 2 ** 31 - 1);
  const token = config.authToken;
  const channel = new GrpcH2Channel({
    address: config.address,
    ...(config.tls ? { tls: config.tls } : {}),
    headers: token !== undefined && token !== "" ? { authorization: token } : {},
    maxReceiveBytes: limit,
    maxSendBytes: limit,
    keepaliveTimeMs: KEEPALIVE_TIME_MS,
    keepaliveTimeoutMs: KEEPALIVE_TIMEOUT_MS,
    ...(options.halfClose ? { halfClose: true } : {}),
  });
  const describe = (err: unknown) => {
    const text = err instanceof Error ? err.message : String(err);
    return token ? text.replaceAll(token, "***") : text;
  };
  return {
    channel,
    describe,
    async ping(timeoutMs, signal) {
      let reply: Uint8Array;
      try {
        reply = await channel.unary(`${SERVICE}/Ping`, EMPTY, timeoutMs, signal);
      } catch (err) {
        // A Ping that got no answer in time may be on a session whose connection is gone
        // without it having noticed (the keepalive would tell only after minutes): the next
        // call connects again.
        if ((err as { code?: number }).code === Status.DEADLINE_EXCEEDED) channel.dropSession();
        throw new Error(describe(err));
      }
      const res = decodePingResult(reply);
      return { host: res.host, version: res.version };
    },
    close: () => channel.close(),
  };
}
