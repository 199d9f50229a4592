/**
 * What every KubeMQ source kind declares alike: the sandbox permissions of a connection to the
 * broker (its `host:port`, the TLS files), how `do_not_parse_payload` reads payloads and, for
 * the sources that answer, the response limit `max_message_bytes` sets.
 */
import { formatHostPort, parseHostPort } from "../../host_port.ts";
import type { KindPermissions, PayloadFormat, ResponseLimit } from "../../kinds/kind.ts";

/** The options every KubeMQ source has that decide its permissions and payloads. */
export interface KubemqEndpointOptions {
  address: string;
  ca_cert?: string | undefined;
  client_cert?: string | undefined;
  client_key?: string | undefined;
  do_not_parse_payload: boolean;
}

/**
 * Exactly the broker's `host:port`, and the TLS files the options name. The connector's KubeMQ
 * transport connects through `node:http2` by name, and Deno checks both the lookup and the
 * connection as `host:port`: neither the bare name (every port of the host) nor the addresses it
 * resolves to are listed, so a name whose addresses change needs no restart. It reads no
 * environment variables (grpc-js, which read GRPC_* and the proxy variables, is gone).
 */
export const kubemqPermissions: KindPermissions<KubemqEndpointOptions> = {
  env: [],
  sys: [],
  endpoint(options) {
    const net = [formatHostPort(parseHostPort(options.address))];
    const read = [options.ca_cert, options.client_cert, options.client_key]
      .filter((f): f is string => f !== undefined && f !== "");
    return Promise.resolve({ net, read });
  },
};

/** `do_not_parse_payload`: the whole body is the data, or a wire-format request. */
export function kubemqPayload(options: KubemqEndpointOptions): PayloadFormat {
  return options.do_not_parse_payload ? "raw" : "request";
}

/** `max_message_bytes`: the largest response a query or command subscription sends. */
export function kubemqResponseLimit(options: { max_message_bytes: number }): ResponseLimit {
  return { bytes: options.max_message_bytes, option: "max_message_bytes" };
}
