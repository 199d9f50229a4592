/**
 * Shared pieces of the reliability suite: the connector's process figures from /proc, per-request
 * answer counting from the connector's request log, and the summary every test file adds its
 * figures to (`tests/reliability/results/latest.json`).
 *
 * @module
 */
import type { TestConnector } from "../support/connector.ts";

const RESULTS = new URL("./results/", import.meta.url).pathname;

/** Finds the pid of the connector process started on `configPath` (scans /proc). */
export function connectorPid(connector: TestConnector): number {
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const cmdline = Deno.readTextFileSync(`/proc/${entry.name}/cmdline`).split("\0");
      if (cmdline.includes(connector.configPath) && cmdline.some((a) => a.endsWith("main.ts"))) {
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

/**
 * Crashes of a connector process, counted from its exit status: 1 once it has ended without
 * being asked to (a signal such as SIGSEGV or SIGABRT, Deno's native aborts exiting 134 or 139,
 * or any other exit), 0 while it runs. Call it before stopping the process on purpose.
 */
export function crashesOf(connector: TestConnector): number {
  return connector.ended() === null ? 0 : 1;
}

/**
 * Crashes of a connector process stopped on purpose with SIGTERM: 0 when it exited 0 (drained),
 * 1 for any other exit status or signal.
 */
export function crashesAfterStop(status: { code: number; signal: Deno.Signal | null }): number {
  return status.code === 0 && status.signal === null ? 0 : 1;
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

/**
 * How many answers the connector logged per request id ("done", "failed" or "rejected" lines of
 * the request log; needs `log_level: info` on the binding).
 */
export function answersPerRequest(connector: TestConnector): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of connector.records()) {
    const id = r.requestId;
    if (typeof id !== "string" || typeof r.message !== "string") continue;
    if (!/^Request \S+ (.* (done|failed) in|rejected:)/.test(r.message)) continue;
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

/** GET /health and /ready of a connector: status codes and the /ready body. */
export async function probeApi(
  connector: TestConnector,
): Promise<{ health: number; ready: number; readyText: string }> {
  const h = await fetch(`${connector.apiUrl}/health`);
  await h.body?.cancel();
  const r = await fetch(`${connector.apiUrl}/ready`);
  return { health: h.status, ready: r.status, readyText: await r.text() };
}

/** Polls `check` every `everyMs` (100 ms) until it is true; throws after `timeoutMs`. */
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

/** The figures one area of the suite contributes to the summary. */
export interface AreaFigures {
  casesTried: number;
  faultsInjected: number;
  requestsServed: number;
  lost: number;
  duplicated: number;
  crashes: number;
  /** Anything else worth reporting (latencies, RSS, ...). */
  details?: Record<string, unknown>;
}

/** The summary file: totals over the areas, and each area's figures. */
export interface Summary {
  updatedAt: string;
  totals: Omit<AreaFigures, "details">;
  areas: Record<string, AreaFigures & { at: string }>;
}

/**
 * Records one area's figures: merges them into results/latest.json under a file lock (test
 * files run in parallel), prints them, and returns the new summary.
 */
export async function recordArea(area: string, figures: AreaFigures): Promise<Summary> {
  await Deno.mkdir(RESULTS, { recursive: true });
  const lock = await Deno.open("/tmp/kubemq-s3-reliability-results.lock", {
    create: true,
    write: true,
  });
  try {
    await lock.lock(true);
    const path = `${RESULTS}latest.json`;
    let previous: Summary | null = null;
    try {
      previous = JSON.parse(await Deno.readTextFile(path)) as Summary;
    } catch { /* first run */ }
    const areas = {
      ...(previous?.areas ?? {}),
      [area]: { ...figures, at: new Date().toISOString() },
    };
    const totals = {
      casesTried: 0,
      faultsInjected: 0,
      requestsServed: 0,
      lost: 0,
      duplicated: 0,
      crashes: 0,
    };
    for (const a of Object.values(areas)) {
      for (const k of Object.keys(totals) as (keyof typeof totals)[]) totals[k] += a[k];
    }
    const summary: Summary = { updatedAt: new Date().toISOString(), totals, areas };
    const tmp = `${path}.${Deno.pid}.tmp`;
    await Deno.writeTextFile(tmp, JSON.stringify(summary, null, 2) + "\n");
    await Deno.rename(tmp, path);
    // deno-lint-ignore no-console
    console.log(
      `reliability ${area}: ${JSON.stringify(figures)}\nreliability totals: ${
        JSON.stringify(totals)
      }`,
    );
    return summary;
  } finally {
    lock.close();
  }
}

/** Percentile (0..100) of a list of numbers, nearest-rank; NaN for an empty list. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

/** Hex SHA-256 of bytes. */
export async function sha256(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}
