/**
 * What the harness's gRPC channels to a KubeMQ broker share: the message size limits and the
 * address check for TLS. Plain values, no gRPC import, so that a CLI can read them before it
 * loads grpc-js (tools/lib/kubemq_sender.ts).
 *
 * @module
 */

/** The KubeMQ server's maximum message size (100 MiB), in both directions. */
export const KUBEMQ_MAX_MESSAGE_BYTES = 104857600;

/** Client-side gRPC limit: the server's 100 MiB plus 1 MiB for the envelope fields. */
export const MAX_MESSAGE_BYTES = KUBEMQ_MAX_MESSAGE_BYTES + 1024 * 1024;

/** grpc-js channel options that raise both message limits to {@link MAX_MESSAGE_BYTES}. */
export function messageLimits(): {
  "grpc.max_receive_message_length": number;
  "grpc.max_send_message_length": number;
} {
  return {
    "grpc.max_receive_message_length": MAX_MESSAGE_BYTES,
    "grpc.max_send_message_length": MAX_MESSAGE_BYTES,
  };
}

/**
 * True when the host of `address` ("host:port", "[v6]:port") is an IP address. Deno's TLS
 * rejects an IP address as the SNI server name, which grpc-js derives from the address, so TLS
 * to one needs an explicit server name.
 */
export function isIpAddress(address: string): boolean {
  const host = address.startsWith("[")
    ? address.slice(1, address.indexOf("]"))
    : address.replace(/:\d+$/, "");
  return /^\d+\.\d+\.\d+\.\d+$/.test(host) || host.includes(":");
}
