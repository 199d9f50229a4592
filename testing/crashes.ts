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
 * describes the status for the figures. With `killAfterMs`, a connector still running that long
 * after SIGTERM is killed (SIGKILL) and counted as a crash: a hung shutdown is a failure, not a
 * hung test.
 */
export async function stopCountingCrashes(
  connector: TestConnector,
  opts: { killAfterMs?: number } = {},
): Promise<{ crashes: number; exit: string }> {
  const before = connector.ended();
  let hung = false;
  if (before === null) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stopped = connector.stop("SIGTERM");
    if (opts.killAfterMs !== undefined) {
      const late = new Promise<"late">((r) =>
        timer = setTimeout(() => r("late"), opts.killAfterMs)
      );
      hung = (await Promise.race([stopped, late])) === "late";
      clearTimeout(timer);
      if (hung) await connector.stop("SIGKILL");
    }
    await stopped;
  }
  const { code, signal } = before ?? await connector.exitStatus;
  const exit = `${before ? "died by itself: " : ""}` +
    `${hung ? `still running ${opts.killAfterMs} ms after SIGTERM, killed: ` : ""}` +
    `code ${code}${signal ? `, ${signal}` : ""}`;
  return { crashes: before !== null || hung || code !== 0 || signal !== null ? 1 : 0, exit };
}
