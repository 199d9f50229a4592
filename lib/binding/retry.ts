/** The original's retry middleware, except that errors that can never succeed are not retried. */
import { delay } from "../delay.ts";
import { ConnectorError } from "../errors.ts";
import type { MiddlewareSettings } from "./spec.ts";

/** Retry settings, as the binding's properties give them. */
export interface RetryPolicy {
  attempts: number;
  delayMs: number;
  maxJitterMs: number;
  type: MiddlewareSettings["retry_delay_type"];
}

/** The longest delay a timer can wait; longer ones would fire at once. */
const MAX_TIMER_MS = 2_147_483_647;

/** The delay before retry number `retry` (1-based), jitter included, capped to a timer's range. */
export function retryDelay(policy: RetryPolicy, retry: number, random = Math.random): number {
  const base = policy.type === "fixed"
    ? policy.delayMs
    : policy.type === "random"
    ? Math.floor(random() * (policy.delayMs + 1))
    : policy.delayMs * 2 ** (retry - 1);
  return Math.min(MAX_TIMER_MS, base + Math.floor(random() * (policy.maxJitterMs + 1)));
}

/** True when trying again may help: throttling, 5xx, timeouts, connection resets. */
export function isRetryable(err: unknown): boolean {
  return err instanceof ConnectorError && err.retryable;
}

/**
 * Runs `fn` up to `policy.attempts` times while it fails with a retryable error.
 * `onRetry` is told about each retry (for logs).
 */
export async function withRetry<T>(
  policy: RetryPolicy,
  fn: (attempt: number) => Promise<T>,
  signal: AbortSignal,
  onRetry: (attempt: number, err: unknown, delayMs: number) => void = () => {},
): Promise<T> {
  for (let attempt = 1;; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (attempt >= policy.attempts || !isRetryable(err) || signal.aborted) throw err;
      const ms = retryDelay(policy, attempt);
      onRetry(attempt, err, ms);
      await delay(ms, { signal });
    }
  }
}
