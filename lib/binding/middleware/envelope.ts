/**
 * The envelope: the target's result or its error becomes the response. Every error stops here
 * as an `is_error` response with its code (and S3's HTTP status); nothing thrown goes further.
 */
import type { Logger } from "@logtape/logtape";
import { toConnectorError } from "../../errors.ts";
import type { TargetResult } from "../../kinds/kind.ts";
import { errorResponse, okResponse, type TargetResponse } from "../../wire.ts";
import type { Call } from "./compose.ts";

/** The `is_error` response of an error; logs unexpected (Internal) ones with their stack. */
export function failureResponse(
  err: unknown,
  log: Logger,
  binding: string,
): { response: TargetResponse; retryable: boolean } {
  const e = toConnectorError(err);
  if (e.code === "Internal") {
    log.error("Unexpected failure in binding {binding}: {error}", {
      binding,
      error: e.message,
      stack: e.cause instanceof Error ? e.cause.stack ?? "" : "",
    });
  }
  const response = errorResponse(e.message, {
    error_code: e.code,
    ...(e.status !== undefined ? { http_status: String(e.status) } : {}),
  });
  return { response, retryable: e.retryable };
}

/** Runs `inner` and turns its result, or what it threw, into the response. */
export function envelope(
  inner: (call: Call) => Promise<TargetResult>,
  log: Logger,
  binding: string,
): (call: Call) => Promise<TargetResponse> {
  return async (call) => {
    try {
      const result = await inner(call);
      call.uploadedBytes = result.uploadedBytes ?? 0;
      call.downloadedBytes = result.downloadedBytes ?? 0;
      return okResponse(result.metadata ?? { result: "ok" }, result.data ?? null);
    } catch (err) {
      const { response, retryable } = failureResponse(err, log, binding);
      call.retryable = retryable;
      return response;
    }
  };
}
