/**
 * The envelope: the target's result or its error becomes the response. Every error stops here
 * as an `is_error` response with its code (and S3's HTTP status); nothing thrown goes further.
 * Beside it, the two answers the binding gives when the chain's response cannot go out as is:
 * a response over the source's limit, and a failure of the binding's own code.
 */
import type { Logger } from "@logtape/logtape";
import { toConnectorError } from "../../errors.ts";
import type { ResponseLimit, TargetResult } from "../../kinds/kind.ts";
import type { HandleResult } from "../../kinds/source.ts";
import { encodeResponse, errorResponse, okResponse, type TargetResponse } from "../../wire.ts";
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
      call.bytesOut = result.bytesOut ?? 0;
      call.bytesIn = result.bytesIn ?? 0;
      return okResponse(result.metadata ?? { result: "ok" }, result.data ?? null);
    } catch (err) {
      const { response, retryable } = failureResponse(err, log, binding);
      call.retryable = retryable;
      return response;
    }
  };
}

/**
 * The result as it may be sent: a body over the source's limit becomes a `ResponseTooLarge`
 * response (sending it would fail in the transport and leave the sender waiting for its timeout).
 */
export function limitResponse(
  result: HandleResult,
  limit: ResponseLimit | undefined,
): HandleResult {
  // The pieces' length, when there are pieces: reading `body` would make a large one whole.
  const bytes = (result.pieces ?? result.body).byteLength;
  if (limit === undefined || bytes <= limit.bytes) return result;
  const error = `response of ${bytes} bytes exceeds ${limit.option} (${limit.bytes})`;
  return {
    body: encodeResponse(errorResponse(error, { error_code: "ResponseTooLarge" })),
    outcome: { kind: "fail", error, code: "ResponseTooLarge" },
  };
}

/**
 * The answer when the binding's own handling failed (a bug, never the target's error, which the
 * envelope answers): an `Internal` response, and a retry for a source that settles messages.
 */
export function internalFailure(err: unknown): HandleResult {
  const error = `internal error: ${err instanceof Error ? err.message : String(err)}`;
  return {
    body: encodeResponse(errorResponse(error, { error_code: "Internal" })),
    outcome: { kind: "retry", error, code: "Internal" },
  };
}
