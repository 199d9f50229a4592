/**
 * The per-request log lines: the request at debug, then its outcome (failures always; success
 * at info, or at debug with the response's metadata). The binding's `log_level` filters them.
 */
import type { MiddlewareSettings } from "../spec.ts";
import type { ResponseMiddleware } from "./compose.ts";

/** Logs each request and its outcome. */
export function logRequests(level: MiddlewareSettings["log_level"]): ResponseMiddleware {
  return async (call, next) => {
    if (level === "debug") {
      call.log.debug("Request {requestId} {method}: {metadata}, {bytes} bytes of data", {
        ...call.fields(),
        metadata: call.request.metadata,
        bytes: call.request.data?.length ?? 0,
      });
    }
    const response = await next();
    const durationMs = Math.round((performance.now() - call.started) * 10) / 10;
    if (response.isError) {
      call.log.error("Request {requestId} {method} failed in {durationMs} ms: {error}", {
        ...call.fields(),
        durationMs,
        error: response.error,
        errorCode: response.metadata.error_code ?? "",
      });
    } else if (level === "debug") {
      call.log.debug(
        "Request {requestId} {method} done in {durationMs} ms: {metadata}, {bytes} bytes of data",
        {
          ...call.fields(),
          durationMs,
          metadata: response.metadata,
          bytes: response.data?.length ?? 0,
        },
      );
    } else {
      call.log.info("Request {requestId} {method} done in {durationMs} ms", {
        ...call.fields(),
        durationMs,
      });
    }
    return response;
  };
}
