/**
 * The properties every subscribing KubeMQ source kind shares (the original's query source keys
 * plus TLS, a concurrency bound and the message size limit), and their cross-field checks. A
 * kind spreads them and names its own channel.
 */
import { parseHostPort } from "../../host_port.ts";
import { bool, Expected, type Field, int, type Parsed, text } from "../../schema.ts";

/** The KubeMQ server's maximum message size (100 MiB), the default of `max_message_bytes`. */
export const SERVER_MAX_MESSAGE_BYTES = 104857600;

/** A required `host:port` field; the parsed value is the address as written (trimmed). */
function address(description: string, example: string): Field<string, true> {
  return {
    type: "host:port",
    description,
    example,
    required: true,
    default: undefined,
    parse: (raw) => {
      try {
        parseHostPort(raw);
      } catch {
        throw new Expected(`host:port (e.g. "localhost:50000" or "[::1]:50000")`);
      }
      return raw.trim();
    },
    secret: false,
    emptyIsUnset: true,
  };
}

/** The shared property schema of a subscribing KubeMQ source, as written in config.yaml. */
export const kubemqSubscriberProperties = {
  address: address(
    "KubeMQ gRPC address, host:port (IPv6 as [::1]:50000).",
    "kubemq-cluster-grpc.kubemq:50000",
  ),
  client_id: text({
    description: "Client ID for subscriptions and responses. Default: kubemq-s3-<random>.",
    example: "kubemq-s3-prod",
  }),
  auth_token: text({
    description: "Auth token, sent raw as gRPC `authorization` metadata on every call.",
    secret: true,
    example: "${KUBEMQ_TOKEN}",
  }),
  channel: text({
    description: "Channel to subscribe to.",
    required: true,
    example: "query.aws.s3",
  }),
  group: text({
    description: "Subscription group: each query goes to one member of the group.",
    default: "",
    example: "s3-workers",
  }),
  sources: int({
    description:
      "Parallel subscriptions. With more than 1 and no group, a made-up shared group makes the copies share the queries.",
    default: "1",
    min: 1,
    max: 1024,
    example: "4",
  }),
  auto_reconnect: bool({
    description: "Resubscribe when the subscription stream fails or ends.",
    default: "true",
    example: "true",
  }),
  reconnect_interval_seconds: int({
    description:
      "Wait between resubscription attempts. 0 retries at once (still at most every 100 ms). The original defaults to 0.",
    default: "1",
    min: 0,
    // The original's range (sources/query/options.go).
    max: 1_000_000,
    example: "5",
  }),
  max_reconnects: int({
    description:
      "Consecutive failed resubscription attempts before the source gives up (0 or negative = never).",
    default: "0",
    // Any 32-bit integer, as the original's ParseInt reads it.
    min: -2_147_483_648,
    max: 2_147_483_647,
    example: "10",
  }),
  do_not_parse_payload: bool({
    description: "Hand the whole query body to the target as data, with empty metadata.",
    default: "false",
    example: "false",
  }),
  tls: bool({ description: "Connect with TLS.", default: "false", example: "true" }),
  ca_cert: text({
    description: "PEM file of the CA to trust (TLS; default: system roots).",
    example: "/etc/kubemq-s3/tls/ca.pem",
  }),
  client_cert: text({
    description: "PEM file of a client certificate (TLS, with client_key).",
    example: "/etc/kubemq-s3/tls/client.pem",
  }),
  client_key: text({
    description: "PEM file of the client certificate's key (TLS).",
    example: "/etc/kubemq-s3/tls/client.key",
  }),
  concurrency: int({
    description:
      "Messages handled at once per binding; beyond it the subscription is paused so messages wait in the transport.",
    default: "64",
    min: 1,
    max: 10_000,
    example: "128",
  }),
  max_message_bytes: int({
    description: "Largest query or response body, in bytes (the KubeMQ server's limit is 100 MiB).",
    default: String(SERVER_MAX_MESSAGE_BYTES),
    min: 1024,
    max: 1024 * 1024 * 1024,
    example: "52428800",
  }),
} as const;

/** Parsed shared properties. */
export type KubemqSubscriberOptions = Parsed<typeof kubemqSubscriberProperties>;

/** Cross-field checks; each error names the keys involved. */
export function validateKubemqConnection(
  options: Pick<KubemqSubscriberOptions, "tls" | "ca_cert" | "client_cert" | "client_key">,
): string[] {
  const errors: string[] = [];
  if ((options.client_cert === undefined) !== (options.client_key === undefined)) {
    errors.push("client_cert and client_key must be set together");
  }
  if (!options.tls) {
    for (const key of ["ca_cert", "client_cert", "client_key"] as const) {
      if (options[key] !== undefined) errors.push(`${key} is set but tls is not "true"`);
    }
  }
  return errors;
}
