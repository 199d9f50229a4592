/**
 * The connector process as Linux /proc shows it: its pid, resident memory, open file descriptors
 * and whether it is still alive. Used by the reliability suite and the soak.
 *
 * @module
 */
import type { TestConnector } from "./connector.ts";

/** Finds the pid of the connector process started on `configPath` (scans /proc). */
export function connectorPid(connector: TestConnector): number {
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const cmdline = Deno.readTextFileSync(`/proc/${entry.name}/cmdline`).split("\0");
      if (
        cmdline.includes(connector.configPath) &&
        cmdline.some((a) => a.endsWith("main.ts") || a === Deno.env.get("KUBEMQ_S3_BINARY"))
      ) {
        return Number(entry.name);
      }
    } catch { /* gone */ }
  }
  throw new Error(`no process runs the connector on ${connector.configPath}`);
}

/** Resident memory and open file descriptors of a process. */
export interface ProcFigures {
  rssBytes: number;
  fds: number;
}

/** Reads RSS (VmRSS) and the open fd count of `pid`. */
export function procFigures(pid: number): ProcFigures {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN);
  let fds = 0;
  for (const _ of Deno.readDirSync(`/proc/${pid}/fd`)) fds++;
  return { rssBytes: kb * 1024, fds };
}

/** Whether a process is still alive (and not a zombie). */
export function alive(pid: number): boolean {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return !/\) Z /.test(stat);
  } catch {
    return false;
  }
}
