/**
 * The `kubemq.query` source's port (lib/sources/kubemq/requests_port.ts) on connect-es:
 * `@connectrpc/connect-node`'s gRPC transport and `@bufbuild/protobuf` messages generated from
 * the KubeMQ server's own kubemq.proto (gen/, see README.md). The glue we would own if the
 * connector used connect-es; bench/probe_transport.ts measures it against the lean client and
 * grpc-js. Same settings as those: auth metadata on every call, TLS with a private CA, raised
 * message limits, 5-minute keepalive.
 */
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcTransport, Http2SessionManager } from "@connectrpc/connect-node";
import type { KubemqClientConfig } from "../../lib/sources/kubemq/client_config.ts";
import type {
  KubemqRequestsClient as KubemqQueryClient,
  StreamEnd,
} from "../../lib/sources/kubemq/requests_port.ts";
import { joinPieces } from "../../lib/pieces.ts";
import { formatHostPort, parseHostPort } from "../../lib/host_port.ts";
import { sessionOptions } from "../../lib/sources/kubemq/grpc_session_options.ts";
import { installGoawayGuard } from "../../lib/sources/kubemq/goaway_guard.ts";
import { kubemq, type Request, ResponseSchema, Subscribe_SubscribeType } from "./gen/kubemq_pb.ts";

/** Headroom over the body limit for the envelope fields (ids, channel, metadata). */
const ENVELOPE_HEADROOM = 1024 * 1024;
/** As client.ts: a grpc-go server refuses pings more often than every 5 minutes. */
const KEEPALIVE_TIME_MS = 300_000;
const KEEPALIVE_TIMEOUT_MS = 20_000;

/** "UNAVAILABLE: details", as the other two clients word it, without the auth token. */
function _describe(err: unknown, token: string | undefined): StreamEnd {
  const e = ConnectError.from(err);
  const name = Code[e.code]?.replace(/[A-Z]/g, (c, i) => (i ? "_" : "") + c).toUpperCase();
  const text = e.rawMessage === "" ? `${name}` : `${name}: ${e.rawMessage}`;
  return { code: e.code, message: token ? text.replaceAll(token, "***") : text };
}

/** Creates the connect-es client. Connects lazily, on the first call. */
export function createKubemqQueryConnectClient(config: KubemqClientConfig): KubemqQueryClient {
  // As the other two clients do (denoland/deno#36788). It patches `node:http2`'s module object;
  // connect-node imports the namespace, whose `connect` the patch does not replace.
  installGoawayGuard();
  const limit = Math.min(config.maxMessageBytes + ENVELOPE_HEADROOM, 2 ** 31 - 1);
  const token = config.authToken;
  const target = parseHostPort(config.address);
  const tls = config.tls;
  const baseUrl = `${tls ? "https" : "http"}://${formatHostPort(target)}`;
  // Our own session manager, so that close() can end the session. The lean client's session
  // options: 8 MiB stream windows, and TLS as Deno's node:tls needs it (no IP as servername).
  const sessions = new Http2SessionManager(
    baseUrl,
    { pingIntervalMs: KEEPALIVE_TIME_MS, pingTimeoutMs: KEEPALIVE_TIMEOUT_MS },
    sessionOptions(tls, target.host),
  );
  const transport = createGrpcTransport({
    baseUrl,
    sessionManager: sessions,
    readMaxBytes: limit,
    writeMaxBytes: limit,
    acceptCompression: [],
  });
  const client = createClient(kubemq, transport);
  const headers: Record<string, string> = token ? { authorization: token } : {};

  return {
    async ping(timeoutMs, signal) {
      try {
        const res = await client.ping({}, { timeoutMs, headers, ...(signal ? { signal } : {}) });
        return { host: res.Host, version: res.Version };
      } catch (err) {
        throw new Error(_describe(err, token).message);
      }
    },

    subscribe(channel, group, clientId, onData, onEnd) {
      const abort = new AbortController();
      const gate: { paused: PromiseWithResolvers<void> | null } = { paused: null };
      const stream = client.subscribeToRequests(
        {
          SubscribeTypeData: Subscribe_SubscribeType.Queries,
          ClientID: clientId,
          Channel: channel,
          Group: group,
        },
        { headers, signal: abort.signal },
      );
      const deliver = (req: Request) =>
        onData({
          requestId: req.RequestID,
          replyChannel: req.ReplyChannel,
          clientId: req.ClientID,
          channel: req.Channel,
          metadata: req.Metadata,
          body: req.Body,
          timeoutMs: req.Timeout,
          tags: req.Tags,
        });
      void (async () => {
        try {
          // While paused, the next message is not pulled, so flow control holds the rest.
          for await (const req of stream) {
            deliver(req);
            if (gate.paused) await gate.paused.promise;
          }
          onEnd({ code: 0, message: "OK" });
        } catch (err) {
          onEnd(_describe(err, token));
        }
      })();
      return {
        pause: () => void (gate.paused ??= Promise.withResolvers()),
        resume: () => {
          gate.paused?.resolve();
          gate.paused = null;
        },
        cancel: () => abort.abort(new ConnectError("Cancelled on client", Code.Canceled)),
      };
    },

    async sendResponse(reply, timeoutMs) {
      const message = create(ResponseSchema, {
        ClientID: reply.clientId,
        RequestID: reply.requestId,
        ReplyChannel: reply.replyChannel,
        Body: reply.body instanceof Uint8Array ? reply.body : joinPieces(reply.body),
        // Unix seconds, as kubemq-go sets it (ExecutedAt.Unix()).
        Timestamp: BigInt(Math.floor(Date.now() / 1000)),
        Executed: reply.executed ?? true,
        Error: reply.error ?? "",
      });
      try {
        await client.sendResponse(message, { timeoutMs, headers });
      } catch (err) {
        throw new Error(_describe(err, token).message);
      }
    },

    close: () => sessions.abort(),
  };
}
