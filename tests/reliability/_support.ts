/**
 * Shared pieces of the reliability suite: the connector's process figures from /proc, per-request
 * answer counting from the connector's request log, and the summary every test file adds its
 * figures to (`tests/reliability/results/latest.json`).
 *
 * @module
 */
import type { TestConnector } from "../../testing/connector.ts";

const RESULTS = new URL("./results/", import.meta.url).pathname;

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
 * the request log; needs `log_level: info` on the binding). The connector's own account: tests
 * check it against the sender's, but the summary's lost and duplicated figures never come from
 * it.
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
  /** False as soon as any area counted a lost or duplicated query or a crash. */
  ok: boolean;
  totals: Omit<AreaFigures, "details">;
  areas: Record<string, AreaFigures & { at: string }>;
}

/**
 * Records one area's figures: merges them into results/latest.json under a file lock (test
 * files run in parallel), prints them, and returns the new summary. Tests record before they
 * assert, so that a failed run shows in the summary.
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
    const summary: Summary = {
      updatedAt: new Date().toISOString(),
      ok: totals.lost + totals.duplicated + totals.crashes === 0,
      totals,
      areas,
    };
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

/** How a process's RSS moved over a run (MiB), and its growth over the second half. */
export interface RssTrend {
  samples: number;
  startMiB: number;
  /** Mean of the samples from 40 % to 50 % of the run. */
  midMiB: number;
  /** Mean of the samples in the last 10 % of the run. */
  endMiB: number;
  peakMiB: number;
  /** (end - mid) / mid, in percent. */
  secondHalfGrowthPct: number;
}

/** The leak bound: RSS over the second half of a run grows by at most this much. */
export const MAX_SECOND_HALF_GROWTH_PCT = 10;

/**
 * Samples the RSS of `pid` every `everyMs` until stopped. A leak shows as growth that goes on
 * after warm-up, so the bound compares the middle of the run with its end rather than the start
 * (V8 grows its heap while it warms up) with a fixed allowance.
 */
export function sampleRss(pid: number, everyMs: number): { stop(): RssTrend } {
  const samples: { t: number; rss: number }[] = [];
  const take = () => {
    try {
      samples.push({ t: performance.now(), rss: procFigures(pid).rssBytes });
    } catch { /* the process is gone: its crash is counted from the exit status */ }
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      const t0 = samples[0]?.t ?? 0;
      const span = (samples.at(-1)?.t ?? 0) - t0;
      const mean = (from: number, to: number) => {
        const xs = samples.filter((s) => s.t - t0 >= from * span && s.t - t0 <= to * span);
        if (xs.length === 0) {
          // Too few samples: the one nearest the window's end.
          const near = samples.reduce((a, b) =>
            Math.abs(b.t - t0 - to * span) < Math.abs(a.t - t0 - to * span) ? b : a
          );
          return near.rss;
        }
        return xs.reduce((a, s) => a + s.rss, 0) / xs.length;
      };
      const mid = mean(0.4, 0.5);
      const end = mean(0.9, 1);
      const toMiB = (b: number) => Math.round(b / 1024 / 102.4) / 10;
      return {
        samples: samples.length,
        startMiB: toMiB(samples[0]?.rss ?? NaN),
        midMiB: toMiB(mid),
        endMiB: toMiB(end),
        peakMiB: toMiB(Math.max(...samples.map((s) => s.rss))),
        secondHalfGrowthPct: Math.round(((end - mid) / mid) * 1000) / 10,
      };
    },
  };
}
