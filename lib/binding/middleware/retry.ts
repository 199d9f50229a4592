/** The binding's retry settings around the target (retryable errors only). */
import { toConnectorError } from "../../errors.ts";
import { withRetry } from "../retry.ts";
import type { MiddlewareSettings } from "../spec.ts";
import type { TargetMiddleware } from "./compose.ts";

/** Retries the rest of the chain as `settings` say, logging each retry. */
export function retry(settings: MiddlewareSettings): TargetMiddleware {
  const policy = {
    attempts: settings.retry_attempts,
    delayMs: settings.retry_delay_milliseconds,
    maxJitterMs: settings.retry_max_jitter_milliseconds,
    type: settings.retry_delay_type,
  };
  return (call, next) =>
    withRetry(policy, next, call.signal, (attempt, err, delayMs) =>
      call.log.warn(
        "Request {requestId} {method} failed (attempt {attempt}), retrying in {delayMs} ms: {error}",
        { ...call.fields(), attempt, delayMs, error: toConnectorError(err).message },
      ));
}
