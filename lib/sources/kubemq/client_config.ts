/**
 * The client config of a KubeMQ source from its options: address, auth token, message limit and
 * the TLS files the options name, read through the kind context.
 */
import type { KindContext } from "../../kinds/kind.ts";

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
}

/** The TLS-related and transport properties every KubeMQ source kind has. */
export interface ConnectionOptions {
  address: string;
  auth_token?: string | undefined;
  tls: boolean;
  ca_cert?: string | undefined;
  client_cert?: string | undefined;
  client_key?: string | undefined;
  max_message_bytes: number;
}

/** Builds the client config, reading the TLS files the options name. */
export async function clientConfigFor(
  options: ConnectionOptions,
  ctx: KindContext,
): Promise<KubemqClientConfig> {
  const read = async (key: "ca_cert" | "client_cert" | "client_key") => {
    const path = options[key];
    if (path === undefined) return undefined;
    try {
      return await ctx.readFile(path);
    } catch (err) {
      throw new Error(
        `Cannot read ${key} ${JSON.stringify(path)}: ${
          err instanceof Error ? err.message : String(err)
        }`,
      );
    }
  };
  const tls = options.tls
    ? { ca: await read("ca_cert"), cert: await read("client_cert"), key: await read("client_key") }
    : undefined;
  return {
    address: options.address,
    authToken: options.auth_token,
    maxMessageBytes: options.max_message_bytes,
    ...(tls ? { tls } : {}),
  };
}
