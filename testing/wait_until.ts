/**
 * Waiting for a condition that other processes make true (a broker, a connector, S3).
 *
 * @module
 */

/**
 * Polls `check` every `everyMs` (100 ms) until it is true and resolves with the milliseconds it
 * took; throws "timed out waiting for <what>" after `timeoutMs` (15 s).
 */
export async function waitUntil(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 15_000,
  everyMs = 100,
): Promise<number> {
  const start = performance.now();
  for (;;) {
    if (await check()) return performance.now() - start;
    if (performance.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
