/**
 * The connector's former grpc-js transport, kept for the side-by-side transport probe
 * (bench/probe_transport.ts): the requests port (lib/sources/kubemq/requests_port.ts) on
 * kubemq-js 1.2.3's generated gRPC client and messages (testing/kubemq_pb.ts). It installs the
 * GOAWAY guard first (goaway_guard.ts: a Deno 2.9.6
 * crash, denoland/deno#36788; remove once Deno fixes it).
 *
 * kubemq-js's own client classes are not used (see docs in kubemq-protocol.md): they keep the
 * 4 MiB receive limit, ignore a private CA, send no auth on ping, never resubscribe, mangle tags
 * and string bodies, and crash the process when a callback throws.
 */
import { Buffer } from "node:buffer";
import { isIP } from "node:net";
import { checkServerIdentity, type PeerCertificate } from "node:tls";
import grpc from "@grpc/grpc-js";
import { kubemqPb as pb } from "../../testing/kubemq_pb.ts";
import type {
  PbPingResult,
  PbRequest,
  PbResponse,
  PbSubscribe,
} from "../../testing/kubemq_pb_request_types.ts";
import { installGoawayGuard } from "../../lib/sources/kubemq/goaway_guard.ts";
import { lookupWithPort } from "./dns_port.ts";
import { formatHostPort, type HostPort, parseHostPort } from "../../lib/host_port.ts";
import type { KubemqClientConfig } from "../../lib/sources/kubemq/client_config.ts";
import type { KubemqRequestsClient as KubemqQueryClient } from "../../lib/sources/kubemq/requests_port.ts";
import { joinPieces } from "../../lib/pieces.ts";

/** Headroom over the body limit for the envelope fields (ids, channel, metadata). */
const ENVELOPE_HEADROOM = 1024 * 1024;
/** Subscribe.SubscribeTypeData for queries. */
const SUBSCRIBE_QUERIES = 4;
/**
 * Keepalive pings. A grpc-go server (KubeMQ) by default refuses pings more often than every
 * 5 minutes (GOAWAY too_many_pings), so pinging faster would cut healthy streams.
 */
const KEEPALIVE_TIME_MS = 300_000;
const KEEPALIVE_TIMEOUT_MS = 20_000;

/** A generated client's unary callback. */
export type Callback<T> = (err: grpc.ServiceError | null, value?: T) => void;
interface RequestStream {
  on(event: "data", listener: (req: PbRequest) => void): RequestStream;
  on(event: "error", listener: (err: grpc.ServiceError) => void): RequestStream;
  on(event: "status", listener: (status: grpc.StatusObject) => void): RequestStream;
  pause(): void;
  resume(): void;
  cancel(): void;
}
/** The Ping RPC of the generated client, which every KubeMQ source uses. */
export interface PbPingClient {
  ping(
    req: unknown,
    md: grpc.Metadata,
    opts: grpc.CallOptions,
    cb: Callback<PbPingResult>,
  ): { cancel(): void };
}
interface PbClient extends PbPingClient {
  sendResponse(
    res: PbResponse,
    md: grpc.Metadata,
    opts: grpc.CallOptions,
    cb: Callback<unknown>,
  ): void;
  subscribeToRequests(sub: PbSubscribe, md: grpc.Metadata): RequestStream;
  close(): void;
}
interface Pb {
  kubemqClient: new (
    address: string,
    creds: grpc.ChannelCredentials,
    options: grpc.ChannelOptions,
  ) => PbClient;
  Response: new () => PbResponse;
  Subscribe: new () => PbSubscribe;
  Empty: new () => unknown;
}
// The one loaded module (pb.ts), seen through the few classes this file uses.
const kubemq = pb as unknown as Pb;

/** Renders a gRPC error as "UNAVAILABLE: details", without the auth token. */
export function describeGrpcError(err: unknown, authToken?: string): string {
  let text: string;
  if (err !== null && typeof err === "object" && "code" in err && typeof err.code === "number") {
    const name = grpc.status[err.code] ?? String(err.code);
    const details = "details" in err && typeof err.details === "string" ? err.details : "";
    text = details === "" ? name : `${name}: ${details}`;
  } else {
    text = err instanceof Error ? err.message : String(err);
  }
  return authToken ? text.replaceAll(authToken, "***") : text;
}

/**
 * SNI name sent instead of an IP address. grpc-js sends the address's host as TLS servername,
 * and Deno's node:tls refuses an IP there (Node only warns), so every handshake would fail.
 */
const IP_SNI_PLACEHOLDER = "kubemq-ip-address.invalid";

function credentialsFor(
  { host }: HostPort,
  tls: KubemqClientConfig["tls"],
): { credentials: grpc.ChannelCredentials; options: grpc.ChannelOptions } {
  if (!tls) return { credentials: grpc.credentials.createInsecure(), options: {} };
  const buf = (v: Uint8Array | undefined) => v === undefined ? null : Buffer.from(v);
  const ip = isIP(host) !== 0;
  // Unlike kubemq-js, the CA is honoured and no client certificate is needed. For an IP
  // address the certificate is still checked against that IP (its SAN), not the placeholder.
  const verify = ip
    ? {
      checkServerIdentity: (_name: string, cert: PeerCertificate) =>
        checkServerIdentity(host, cert),
    }
    : {};
  return {
    credentials: grpc.credentials.createSsl(buf(tls.ca), buf(tls.key), buf(tls.cert), verify),
    options: ip ? { "grpc.ssl_target_name_override": IP_SNI_PLACEHOLDER } : {},
  };
}

/**
 * The generated KubeMQ gRPC client with this connector's transport settings (raised message
 * limits, TLS, keepalive, reconnect backoff), for every source kind. Connects lazily.
 */
export function createGrpcClient(
  config: KubemqClientConfig & { reconnectBackoffMs: number },
): grpc.Client {
  const limit = Math.min(config.maxMessageBytes + ENVELOPE_HEADROOM, 2 ** 31 - 1);
  const backoff = Math.max(100, config.reconnectBackoffMs);
  const target = parseHostPort(config.address);
  const { credentials, options: tlsOptions } = credentialsFor(target, config.tls);
  // Before the first connection: a broker's GOAWAY must not crash the process. Remove it once
  // Deno fixes denoland/deno#36788 (see goaway_guard.ts).
  installGoawayGuard();
  // The sandbox allows the broker's host:port only, not every port of the host: its name
  // lookups must carry the port to pass (see dns_port.ts).
  if (isIP(target.host) === 0) lookupWithPort(target.host, target.port);
  return new kubemq.kubemqClient(formatHostPort(target), credentials, {
    ...tlsOptions,
    "grpc.max_receive_message_length": limit,
    "grpc.max_send_message_length": limit,
    "grpc.keepalive_time_ms": KEEPALIVE_TIME_MS,
    "grpc.keepalive_timeout_ms": KEEPALIVE_TIMEOUT_MS,
    "grpc.keepalive_permit_without_calls": 0,
    // grpc-js backs off up to 120 s after failed connects; our own loop paces the retries.
    "grpc.initial_reconnect_backoff_ms": Math.min(backoff, 1000),
    "grpc.max_reconnect_backoff_ms": Math.max(backoff, 1000),
    // No DNS TXT (service config) lookups: KubeMQ publishes none, and the sandbox allows
    // only the configured endpoints, not the resolver.
    "grpc.service_config_disable_resolution": 1,
  }) as unknown as grpc.Client;
}

/** Creates the query (or, with `subscribeType` 3, command) client. Connects lazily. */
export function createKubemqQueryClient(
  config: KubemqClientConfig & { reconnectBackoffMs: number },
  subscribeType: number = SUBSCRIBE_QUERIES,
): KubemqQueryClient {
  const client = createGrpcClient(config) as unknown as PbClient;
  const token = config.authToken;
  const metadata = () => {
    const md = new grpc.Metadata();
    if (token !== undefined && token !== "") md.set("authorization", token);
    return md;
  };
  const deadline = (ms: number) => ({ deadline: new Date(Date.now() + ms) });

  return {
    ping(timeoutMs, signal) {
      return new Promise((resolve, reject) => {
        const cancel = () => call.cancel();
        const call = client.ping(
          new kubemq.Empty(),
          metadata(),
          deadline(timeoutMs),
          (err, res) => {
            signal?.removeEventListener("abort", cancel);
            if (err || !res) {
              return reject(new Error(describeGrpcError(err ?? "Ping returned no result", token)));
            }
            resolve({ host: res.getHost(), version: res.getVersion() });
          },
        );
        if (signal?.aborted) cancel();
        else signal?.addEventListener("abort", cancel);
      });
    },

    subscribe(channel, group, clientId, onData, onEnd) {
      const sub = new kubemq.Subscribe();
      sub.setSubscribetypedata(subscribeType);
      sub.setClientid(clientId);
      sub.setChannel(channel);
      sub.setGroup(group);
      const stream = client.subscribeToRequests(sub, metadata());
      // Without an 'error' listener a failed stream throws; 'status' carries the outcome.
      stream.on("error", () => {});
      stream.on("status", (status) => {
        onEnd({ code: status.code, message: describeGrpcError(status, token) });
      });
      stream.on("data", (req) => {
        onData({
          requestId: req.getRequestid(),
          replyChannel: req.getReplychannel(),
          clientId: req.getClientid(),
          channel: req.getChannel(),
          metadata: req.getMetadata(),
          body: req.getBody_asU8(),
          timeoutMs: req.getTimeout(),
          tags: Object.fromEntries(req.getTagsMap().toArray()),
        });
      });
      return {
        pause: () => stream.pause(),
        resume: () => stream.resume(),
        cancel: () => stream.cancel(),
      };
    },

    sendResponse(reply, timeoutMs) {
      const res = new kubemq.Response();
      res.setRequestid(reply.requestId);
      res.setReplychannel(reply.replyChannel);
      res.setClientid(reply.clientId);
      res.setMetadata("");
      res.setBody(reply.body instanceof Uint8Array ? reply.body : joinPieces(reply.body));
      res.setExecuted(reply.executed ?? true);
      res.setError(reply.error ?? "");
      // Unix seconds, as kubemq-go sets it (ExecutedAt.Unix()).
      res.setTimestamp(Math.floor(Date.now() / 1000));
      return new Promise((resolve, reject) => {
        client.sendResponse(res, metadata(), deadline(timeoutMs), (err) => {
          if (err) reject(new Error(describeGrpcError(err, token)));
          else resolve();
        });
      });
    },

    close: () => client.close(),
  };
}
