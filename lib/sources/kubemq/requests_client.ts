/**
 * The requests client: SubscribeToRequests (queries or commands) and SendResponse over the
 * connection's lean transport, with hand-rolled messages (pb_codec.ts): one copy of a received
 * message (the body is a view into it) and none of a sent body.
 */
import type { KubemqClientConfig } from "./client_config.ts";
import { openConnection, SERVICE } from "./connection.ts";
import { decodeRequest, encodeResponse, encodeSubscribe } from "./pb_codec.ts";
import type { KubemqRequestsClient } from "./requests_port.ts";

/** Subscribe.SubscribeTypeData of the request patterns. */
export const SubscribeRequests = { Commands: 3, Queries: 4 } as const;

/** Creates the client for `subscribeType` requests. Connects lazily, on the first call. */
export function createKubemqRequestsClient(
  config: KubemqClientConfig,
  subscribeType: (typeof SubscribeRequests)[keyof typeof SubscribeRequests],
): KubemqRequestsClient {
  const conn = openConnection(config);
  const { channel, describe } = conn;
  // The subscriptions have a connection of their own, which a stop half-closes
  // (endSubscriptions): the responses to what still arrives go out on `conn`.
  const subs = openConnection(config, { halfClose: true });
  return {
    ping: conn.ping,

    subscribe(channelName, group, clientId, onData, onEnd) {
      const sub = encodeSubscribe({ subscribeType, clientId, channel: channelName, group });
      let stream: ReturnType<typeof channel.serverStream> | null = null;
      let ended = false;
      const handle = subs.channel.serverStream(
        `${SERVICE}/SubscribeToRequests`,
        [sub],
        (message) => {
          if (ended) return;
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
            tags: req.tags,
          });
        },
        (error) => {
          if (ended) return;
          ended = true;
          onEnd(
            error === null
              ? { code: 0, message: "OK" }
              : { code: error.code, message: describe(error) },
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
        executed: reply.executed ?? true,
        error: reply.error ?? "",
        ...(reply.tags ? { tags: reply.tags } : {}),
      });
      try {
        await channel.unary(`${SERVICE}/SendResponse`, message, timeoutMs);
      } catch (err) {
        throw new Error(describe(err));
      }
    },

    endSubscriptions: () => subs.channel.endWrites(),

    close() {
      subs.close();
      conn.close();
    },
  };
}
