/**
 * The one abortable sleep of the connector (retry delays, rate limiting, reconnect waits).
 *
 * @example
 * ```ts
 * import { delay } from "./delay.ts";
 *
 * const stop = new AbortController();
 * await delay(1); // waits 1 ms
 * stop.abort(new Error("shutting down"));
 * await delay(60_000, { signal: stop.signal }).catch((err) => err); // rejects at once
 * ```
 */

/** Options of {@link delay}. */
export interface DelayOptions {
  /** Rejects the wait with the signal's reason as soon as it is aborted (deadline, shutdown). */
  signal?: AbortSignal | undefined;
}

/** Resolves after `ms` milliseconds; rejects with the signal's reason when it is aborted first. */
export function delay(ms: number, options: DelayOptions = {}): Promise<void> {
  const { signal } = options;
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
