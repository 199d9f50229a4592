/**
 * Shared pieces of the reliability suite: per-request answer counting from the connector's
 * request log, and the summary every test file adds its figures to
 * (`tests/reliability/results/latest.json`, shaped by testing/reliability_summary.ts).
 *
 * The summary cannot outlive a failed run: the first file of a run to load this module clears
 * it, each area records in a `finally` (with its failures when a test threw), and every
 * "(kept serving)" line a connector of the area logged fails the area and is counted.
 *
 * @module
 */
import { startedConnectors, type TestConnector } from "../../testing/connector.ts";
import {
  type AreaFigures,
  type AreaOutcome,
  emptySummary,
  mergeArea,
  type Summary,
  zeroFigures,
} from "../../testing/reliability_summary.ts";
import { KEPT_SERVING } from "../../lib/sandbox/kept_serving.ts";

export { type AreaFigures, type Summary, zeroFigures };

const RESULTS = new URL("./results/", import.meta.url).pathname;
const LATEST = `${RESULTS}latest.json`;
const LOCK = "/tmp/kubemq-s3-reliability-results.lock";

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

/**
 * This run's id: `RELIABILITY_RUN_ID` when set (tools/test.sh sets one for its two phases), else
 * this process and its start time (`deno test --parallel` runs every file in one process).
 */
export function runId(): string {
  const given = Deno.env.get("RELIABILITY_RUN_ID");
  if (given) return given;
  const stat = Deno.readTextFileSync("/proc/self/stat");
  // Field 22, after the parenthesised command name: the start time in clock ticks.
  const startTicks = stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
  return `pid ${Deno.pid} started ${startTicks}`;
}

/** Runs `fn` holding the results file's lock (test files run in parallel). */
async function withLock<T>(fn: () => Promise<T>): Promise<T> {
  await Deno.mkdir(RESULTS, { recursive: true });
  const lock = await Deno.open(LOCK, { create: true, write: true });
  try {
    await lock.lock(true);
    return await fn();
  } finally {
    lock.close();
  }
}

async function readSummary(): Promise<Summary | null> {
  try {
    return JSON.parse(await Deno.readTextFile(LATEST)) as Summary;
  } catch {
    return null;
  }
}

async function writeSummary(summary: Summary): Promise<void> {
  const tmp = `${LATEST}.${Deno.pid}.tmp`;
  await Deno.writeTextFile(tmp, JSON.stringify(summary, null, 2) + "\n");
  await Deno.rename(tmp, LATEST);
}

/**
 * Clears the summary when it is of another run: called as this module loads, so a run that
 * stops before any area records leaves an empty summary (`ok: false`), not the last run's.
 */
export async function startRun(id = runId()): Promise<void> {
  await withLock(async () => {
    if ((await readSummary())?.runId !== id) await writeSummary(emptySummary(id));
  });
}
await startRun();

/** "(kept serving)" lines of a connector's log. */
export function keptServingLines(connector: TestConnector): string[] {
  return connector.lines().filter((l) => l.includes(KEPT_SERVING));
}

const keptServingTaken = new WeakMap<TestConnector, number>();

/** The "(kept serving)" lines logged since the last call, by every connector of this file. */
function takeKeptServing(): string[] {
  const out: string[] = [];
  for (const c of startedConnectors()) {
    const lines = keptServingLines(c);
    out.push(...lines.slice(keptServingTaken.get(c) ?? 0));
    keptServingTaken.set(c, lines.length);
  }
  return out;
}

/** Merges one area's record into results/latest.json under the lock; prints it. */
async function writeArea(area: string, figures: AreaFigures, outcome: AreaOutcome) {
  return await withLock(async () => {
    const summary = mergeArea(await readSummary(), runId(), area, figures, outcome);
    await writeSummary(summary);
    // deno-lint-ignore no-console
    console.log(
      `reliability ${area}: ${JSON.stringify(summary.areas[area])}\nreliability totals: ${
        JSON.stringify(summary.totals)
      } (ok: ${summary.ok}; missing: ${summary.missing.join(", ") || "none"})`,
    );
    return summary;
  });
}

/**
 * Records one area's figures in a single call (the older form; {@link area} records in a
 * `finally`). Throws after recording when a connector of this file logged "(kept serving)".
 */
export async function recordArea(area: string, figures: AreaFigures): Promise<Summary> {
  const kept = takeKeptServing();
  const summary = await writeArea(area, figures, {
    keptServing: kept.length,
    keptServingLines: kept.slice(0, 5),
    testsRun: 1,
    testsRegistered: 1,
    failures: [],
  });
  if (kept.length > 0) throw new Error(`${kept.length} "${KEPT_SERVING}" lines:\n${kept[0]}`);
  return summary;
}

/** One area of the suite: its figures, and its tests, each recording the area when it ends. */
export interface Area {
  /** The counted figures; tests add to them (or replace them) as they go. */
  figures: ReturnType<typeof zeroFigures>;
  details: Record<string, unknown>;
  /**
   * Registers a `Deno.test` of the area. When it ends, passed or thrown, the area records (in
   * a `finally`); a throw is kept as a failure (`ok: false`), and "(kept serving)" lines logged
   * meanwhile fail the test.
   */
  test(name: string, fn: () => Promise<void>): void;
}

/** Opens an area; call at module level, then register its tests with `area.test`. */
export function area(name: string): Area {
  const failures: string[] = [];
  const kept: string[] = [];
  let registered = 0;
  let run = 0;
  const a: Area = {
    figures: zeroFigures(),
    details: {},
    test(testName, fn) {
      registered++;
      Deno.test(testName, async () => {
        const keptBefore = kept.length;
        let thrown: unknown = null;
        try {
          await fn();
        } catch (err) {
          thrown = err;
          failures.push(`${testName}: ${(err as Error)?.message ?? String(err)}`.slice(0, 2000));
        } finally {
          run++;
          kept.push(...takeKeptServing());
          await writeArea(name, { ...a.figures, details: a.details }, {
            keptServing: kept.length,
            keptServingLines: kept.slice(0, 5),
            testsRun: run,
            testsRegistered: registered,
            failures,
          });
        }
        if (thrown !== null) throw thrown;
        if (kept.length > keptBefore) {
          const lines = kept.slice(keptBefore);
          throw new Error(`${lines.length} "${KEPT_SERVING}" lines:\n${lines.join("\n")}`);
        }
      });
    },
  };
  return a;
}
