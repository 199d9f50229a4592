/**
 * One deadline for the whole request (rate-limit wait, every attempt and the delays between),
 * joined with shutdown's hard stop. The signal's reason is a ConnectorError, so the response
 * says which of the two it was.
 */
import { ConnectorError } from "../../errors.ts";
import type { TargetMiddleware } from "./compose.ts";

/** Sets `call.signal`: aborted after `seconds` (0 = never) or when `hardStop` is. */
export function deadline(seconds: number, hardStop: AbortSignal): TargetMiddleware {
  if (seconds <= 0) {
    return (call, next) => {
      call.signal = hardStop;
      return next();
    };
  }
  return async (call, next) => {
    const timeout = new AbortController();
    const timer = setTimeout(() =>
      timeout.abort(
        new ConnectorError(
          "Timeout",
          `Timeout: the request took longer than request_timeout_seconds (${seconds} s)`,
          { retryable: true },
        ),
      ), seconds * 1000);
    call.signal = AbortSignal.any([hardStop, timeout.signal]);
    try {
      return await next();
    } finally {
      clearTimeout(timer);
    }
  };
}
