/** The binding's `metadata` property, merged over every request's metadata (binding wins). */
import type { ResponseMiddleware } from "./compose.ts";

/** Merges `extra` over the request's metadata and records the method asked for. */
export function mergeMetadata(
  extra: Readonly<Record<string, string>> | undefined,
): ResponseMiddleware {
  return (call, next) => {
    const metadata = extra ? { ...call.request.metadata, ...extra } : call.request.metadata;
    call.request = { metadata, data: call.request.data };
    call.method = metadata.method ?? "";
    return next();
  };
}
