/** Small helpers shared by the runtime end-to-end tests. */
import type { BindingStatus } from "../../../lib/binding/binding.ts";

/** Resolves after `ms`. */
export const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Calls `probe` every `everyMs` until it returns a value other than undefined; throws after
 * `timeoutMs` with `what` and the last error the probe threw.
 */
export async function poll<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 15_000,
  everyMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = null;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last error: ${last}`);
    }
    await delay(everyMs);
  }
}

/** GET /ready: the status and the body (parsed when it is JSON). */
export async function ready(apiUrl: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${apiUrl}/ready`);
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch { /* "ready" */ }
  return { status: res.status, body };
}

/** GET /bindings/state (our live state of each binding). */
export async function bindings(apiUrl: string): Promise<BindingStatus[]> {
  const res = await fetch(`${apiUrl}/bindings/state`);
  return await res.json() as BindingStatus[];
}

/** The log records whose rendered message matches `pattern`. */
export function logsMatching(
  records: Record<string, unknown>[],
  pattern: RegExp,
): Record<string, unknown>[] {
  return records.filter((r) => typeof r.message === "string" && pattern.test(r.message));
}
