/**
 * Shared pieces of the reliability suite: per-request
 * answer counting from the connector's request log, and the summary every test file adds its
 * figures to (`tests/reliability/results/latest.json`).
 *
 * @module
 */
import type { TestConnector } from "../../testing/connector.ts";

const RESULTS = new URL("./results/", import.meta.url).pathname;

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
    // `s`: a fuzzed method name may hold U+2028 or U+2029, which the log keeps raw (JSON does not
    // escape them) and which `.` would not match.
    if (!/^Request \S+ (.* (done|failed) in|rejected:)/s.test(r.message)) continue;
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

/** An area's counted figures, all zero: where a test file starts counting. */
export function zeroFigures(): Omit<AreaFigures, "details"> {
  return {
    casesTried: 0,
    faultsInjected: 0,
    requestsServed: 0,
    lost: 0,
    duplicated: 0,
    crashes: 0,
  };
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
    const totals = zeroFigures();
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
