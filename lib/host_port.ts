/**
 * `host:port` addresses (`[v6]:port` for IPv6): one parser and one formatter for the config
 * fields, the sandbox allow-list, the self-test address and the KubeMQ transports.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatHostPort, parseHostPort } from "./host_port.ts";
 *
 * const hp = parseHostPort("[::1]:50000");
 * assert.deepEqual(hp, { host: "::1", port: 50000 });
 * assert.equal(formatHostPort(hp), "[::1]:50000");
 * ```
 *
 * @module
 */

/** A parsed `host:port`; `host` has no IPv6 brackets. */
export interface HostPort {
  readonly host: string;
  readonly port: number;
}

const HOST_NAME =
  /^(?=.{1,253}$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62})(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62}))*\.?$/;

/** Thrown by {@link parseHostPort}; the message quotes the value. */
export class HostPortError extends Error {}

/**
 * Parses `host:port` (`[v6]:port` for IPv6), trimmed. The host is a DNS name, an IPv4 address
 * or a bracketed IPv6 address; the port 1 to 65535. Throws {@link HostPortError} otherwise.
 */
export function parseHostPort(raw: string): HostPort {
  const value = raw.trim();
  const bad = () => new HostPortError(`Not a host:port address: ${JSON.stringify(raw)}`);
  let host: string;
  let portText: string;
  if (value.startsWith("[")) {
    const close = value.indexOf("]");
    if (close < 0 || value[close + 1] !== ":") throw bad();
    host = value.slice(1, close);
    portText = value.slice(close + 2);
    // URL's parser is a strict IPv6 checker; a zone id ("%eth0") is not accepted.
    try {
      if (host === "" || new URL(`http://[${host}]/`).hostname === "") throw new Error();
    } catch {
      throw bad();
    }
  } else {
    const colon = value.lastIndexOf(":");
    if (colon <= 0) throw bad();
    host = value.slice(0, colon);
    portText = value.slice(colon + 1);
    // A bare IPv6 address would otherwise split at its last colon into a wrong host.
    if (host.includes(":") || !HOST_NAME.test(host)) throw bad();
  }
  if (!/^\d{1,5}$/.test(portText)) throw bad();
  const port = Number(portText);
  if (port < 1 || port > 65535) throw bad();
  return { host, port };
}

/** Formats a host and port as Deno's permissions and gRPC want them (IPv6 in brackets). */
export function formatHostPort({ host, port }: HostPort): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

/** True for an IPv4 or IPv6 literal (no name lookup needed). */
export function isIpLiteral(host: string): boolean {
  return /^\d+\.\d+\.\d+\.\d+$/.test(host) || host.includes(":");
}
