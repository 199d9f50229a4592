/** The `node:http2` session options of a gRPC channel: receive windows and TLS. */
import { Buffer } from "node:buffer";
import type http2 from "node:http2";
import { isIP } from "node:net";
import { checkServerIdentity, type PeerCertificate } from "node:tls";

/** SNI name used instead of an IP address, which Deno's node:tls refuses as servername. */
const IP_SNI_PLACEHOLDER = "kubemq-ip-address.invalid";
/** Per-stream and session receive windows: large messages arrive without stalls. */
export const WINDOW_BYTES = 8 * 1024 * 1024;

/** PEM material; `ca` undefined trusts the system roots. */
export interface TlsMaterial {
  ca?: Uint8Array | undefined;
  cert?: Uint8Array | undefined;
  key?: Uint8Array | undefined;
}

/** Session options for `http2.connect` to `host` (the address's host, without brackets). */
export function sessionOptions(
  tls: TlsMaterial | undefined,
  host: string,
): http2.SecureClientSessionOptions {
  const options: http2.SecureClientSessionOptions = {
    settings: { initialWindowSize: WINDOW_BYTES },
  };
  if (tls) {
    const buf = (v: Uint8Array | undefined) => v === undefined ? undefined : Buffer.from(v);
    const ip = isIP(host) !== 0;
    const ca = buf(tls.ca);
    const cert = buf(tls.cert);
    const key = buf(tls.key);
    Object.assign(options, {
      ...(ca ? { ca } : {}),
      ...(cert ? { cert } : {}),
      ...(key ? { key } : {}),
      // For an IP address the certificate is still checked against that IP (its SAN).
      servername: ip ? IP_SNI_PLACEHOLDER : host,
      ...(ip
        ? {
          checkServerIdentity: (_name: string, c: PeerCertificate) => checkServerIdentity(host, c),
        }
        : {}),
    });
  }
  return options;
}
