/**
 * An object's URL as the original's uploader reports it in `Location`: the PutObject request URL
 * (aws-sdk-go v1), the key escaped byte by byte except unreserved characters and "/".
 *
 * @example
 * ```ts
 * // path style with a custom endpoint:
 * objectUrl(options, "b", "my file.txt"); // "http://minio:9000/b/my%20file.txt"
 * ```
 */
import { pathStyle, type S3TargetOptions } from "./options.ts";

const encoder = new TextEncoder();

/** Escapes a key for a URL path as aws-sdk-go v1 does (rest.EscapePath, "/" kept). */
export function escapeKeyPath(key: string): string {
  let out = "";
  for (const byte of encoder.encode(key)) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-_.~/]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/** A bucket name usable as a host label (virtual-hosted style over TLS). */
function dnsCompatible(bucket: string): boolean {
  return /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(bucket);
}

/** The URL of `bucket/key` for the target's endpoint and addressing style. */
export function objectUrl(options: S3TargetOptions, bucket: string, key: string): string {
  const path = escapeKeyPath(key);
  const base = options.endpoint
    ? options.endpoint.href.replace(/\/$/, "")
    : `https://s3${options.region === "us-east-1" ? "" : `.${options.region}`}.amazonaws.com`;
  if (pathStyle(options) || !dnsCompatible(bucket)) return `${base}/${bucket}/${path}`;
  const url = new URL(base);
  return `${url.protocol}//${bucket}.${url.host}${url.pathname.replace(/\/$/, "")}/${path}`;
}
