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

/** GET /bindings. */
export async function bindings(apiUrl: string): Promise<BindingStatus[]> {
  const res = await fetch(`${apiUrl}/bindings`);
  return await res.json() as BindingStatus[];
}

/** The log records whose rendered message matches `pattern`. */
export function logsMatching(
  records: Record<string, unknown>[],
  pattern: RegExp,
): Record<string, unknown>[] {
  return records.filter((r) => typeof r.message === "string" && pattern.test(r.message));
}

/**
 * Exit codes of Deno 2.9.6's nghttp2 crash (denoland/deno#36788, see docs/operations.md): a
 * SIGSEGV or an nghttp2 assertion, outside JavaScript, mostly when a broker connection drops.
 */
export const DENO_NGHTTP2_CRASH = new Set([134, 139]);

/**
 * Runs a scenario that drops broker connections up to `attempts` times: an attempt whose
 * connector died of the known Deno crash (it returns `"crashed"`) is run again; any other
 * outcome, a failure included, is final.
 */
export async function withCrashRetries(
  attempts: number,
  scenario: (attempt: number) => Promise<"ok" | "crashed">,
): Promise<void> {
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (await scenario(attempt) === "ok") return;
    // deno-lint-ignore no-console -- the test log says why a scenario ran again
    console.error(`attempt ${attempt}: the connector hit the known Deno nghttp2 crash; again`);
  }
  throw new Error(`the connector hit the known Deno nghttp2 crash ${attempts} times in a row`);
}

/** True when the process has ended (or ends within `graceMs`) with the known crash code. */
export async function diedOfDenoCrash(
  connector: { exited: Promise<number> },
  graceMs = 1000,
): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const code = await Promise.race([
    connector.exited,
    new Promise<null>((r) => (timer = setTimeout(() => r(null), graceMs))),
  ]);
  clearTimeout(timer);
  return code !== null && DENO_NGHTTP2_CRASH.has(code);
}
