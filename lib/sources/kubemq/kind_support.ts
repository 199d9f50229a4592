/**
 * What every KubeMQ source kind declares alike: the sandbox permissions of a connection to the
 * broker (its `host:port`, the TLS files), how `do_not_parse_payload` reads payloads and, for
 * the sources that answer, the response limit `max_message_bytes` sets.
 */
import { formatHostPort, isIpLiteral, parseHostPort } from "../../host_port.ts";
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
 * Environment variables grpc-js reads when it loads or connects: GRPC_* settings and the proxy
 * variables. None of them is a secret of ours. (Found with DENO_AUDIT_PERMISSIONS.)
 */
const GRPC_ENV = [
  "GRPC_*",
  "grpc_proxy",
  "http_proxy",
  "https_proxy",
  "no_proxy",
  "HTTP_PROXY",
  "HTTPS_PROXY",
  "NO_PROXY",
] as const;

/**
 * The broker's `host:port` and, for a name, the addresses it resolves to: grpc-js resolves the
 * name and connects to the address, which Deno checks as an IP. The lookup itself passes with
 * `host:port`, since the source's client gives it the port (the lean transport connects by name with the port), so the
 * bare name (every port of the host) is not listed. Plus the TLS files the options name.
 */
export const kubemqPermissions: KindPermissions<KubemqEndpointOptions> = {
  env: GRPC_ENV,
  sys: [],
  async endpoint(options, ctx) {
    const broker = parseHostPort(options.address);
    const net = [formatHostPort(broker)];
    if (!isIpLiteral(broker.host)) {
      for (const ip of await ctx.resolve(broker.host)) {
        net.push(formatHostPort({ host: ip, port: broker.port }));
      }
    }
    const read = [options.ca_cert, options.client_cert, options.client_key]
      .filter((f): f is string => f !== undefined && f !== "");
    return { net, read };
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
