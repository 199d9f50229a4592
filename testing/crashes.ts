/**
 * Crashes of a connector process, counted from its exit status (a crash is a failure, never a
 * reason to rerun a scenario).
 *
 * @module
 */
import type { TestConnector } from "./connector.ts";

/**
 * Crashes of a connector process, counted from its exit status: 1 once it has ended without
 * being asked to (a signal such as SIGSEGV or SIGABRT, Deno's native aborts exiting 134 or 139,
 * or any other exit), 0 while it runs. Call it before stopping the process on purpose.
 */
export function crashesOf(connector: TestConnector): number {
  return connector.ended() === null ? 0 : 1;
}

/**
 * Stops a connector on purpose with SIGTERM (it drains and exits 0) and counts its crashes from
 * the exit status: 1 when it had already ended by itself or did not exit 0, else 0. `exit`
 * describes the status for the figures.
 */
export async function stopCountingCrashes(
  connector: TestConnector,
): Promise<{ crashes: number; exit: string }> {
  const before = connector.ended();
  if (before === null) await connector.stop("SIGTERM");
  const { code, signal } = before ?? await connector.exitStatus;
  const exit = `${before ? "died by itself: " : ""}code ${code}${signal ? `, ${signal}` : ""}`;
  return { crashes: before !== null || code !== 0 || signal !== null ? 1 : 0, exit };
}
