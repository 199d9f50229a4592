/**
 * The KubeMQ port of the `kubemq.query` source over the lean gRPC transport (grpc_h2.ts) and
 * hand-rolled messages (pb_codec.ts): the same interface and behaviour as the grpc-js client in
 * client.ts (auth metadata on every call, TLS with a private CA, raised message limits, 5-minute
 * keepalive, a new connection after a failure), with one copy of a received message and none
 * of a sent body. client.ts stays available (and is what other source kinds build on).
 */
import type { KubemqClientConfig, KubemqQueryClient } from "./query_client.ts";
import { installGoawayGuard } from "./goaway_guard.ts";
import { GrpcError, GrpcH2Channel } from "./grpc_h2.ts";
import { decodePingResult, decodeRequest, encodeResponse, encodeSubscribe } from "./pb_codec.ts";

/** Headroom over the body limit for the envelope fields (ids, channel, metadata). */
const ENVELOPE_HEADROOM = 1024 * 1024;
/** Subscribe.SubscribeTypeData for queries. */
const SUBSCRIBE_QUERIES = 4;
/** As client.ts: a grpc-go server refuses pings more often than every 5 minutes. */
const KEEPALIVE_TIME_MS = 300_000;
const KEEPALIVE_TIMEOUT_MS = 20_000;
const SERVICE = "/kubemq.kubemq";
const EMPTY: Uint8Array[] = [];

function describe(err: unknown, token: string | undefined): string {
  const text = err instanceof Error ? err.message : String(err);
  return token ? text.replaceAll(token, "***") : text;
}

/** Creates the lean client. Connects lazily, on the first call. */
export function createKubemqQueryH2Client(config: KubemqClientConfig): KubemqQueryClient {
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
  });

  return {
    async ping(timeoutMs, signal) {
      let reply: Uint8Array;
      try {
        reply = await channel.unary(`${SERVICE}/Ping`, EMPTY, timeoutMs, signal);
      } catch (err) {
        throw new Error(describe(err, token));
      }
      const res = decodePingResult(reply);
      return { host: res.host, version: res.version };
    },

    subscribe(channelName, group, clientId, onData, onEnd) {
      const sub = encodeSubscribe({
        subscribeType: SUBSCRIBE_QUERIES,
        clientId,
        channel: channelName,
        group,
      });
      let stream: ReturnType<GrpcH2Channel["serverStream"]> | null = null;
      let ended = false;
      const handle = channel.serverStream(
        `${SERVICE}/SubscribeToRequests`,
        [sub],
        (message) => {
          let req;
          try {
            req = decodeRequest(message);
          } catch (err) {
            // A message we cannot read ends the stream, as grpc-js does on a parse failure.
            stream?.cancel();
            onEnd({ code: 13, message: `INTERNAL: Failed to parse server response: ${err}` });
            ended = true;
            return;
          }
          onData({
            requestId: req.requestId,
            replyChannel: req.replyChannel,
            clientId: req.clientId,
            channel: req.channel,
            metadata: req.metadata,
            body: req.body,
            timeoutMs: req.timeout,
          });
        },
        (error) => {
          if (ended) return;
          ended = true;
          onEnd(
            error === null
              ? { code: 0, message: "OK" }
              : { code: error.code, message: describe(error, token) },
          );
        },
      );
      stream = handle;
      return handle;
    },

    async sendResponse(reply, timeoutMs) {
      const message = encodeResponse({
        clientId: reply.clientId,
        requestId: reply.requestId,
        replyChannel: reply.replyChannel,
        metadata: "",
        body: reply.body,
        cacheHit: false,
        // Unix seconds, as kubemq-go sets it (ExecutedAt.Unix()).
        timestamp: Math.floor(Date.now() / 1000),
        executed: true,
        error: "",
      });
      try {
        await channel.unary(`${SERVICE}/SendResponse`, message, timeoutMs);
      } catch (err) {
        throw new Error(describe(err instanceof GrpcError ? err : String(err), token));
      }
    },

    close: () => channel.close(),
  };
}
