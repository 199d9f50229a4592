/**
 * The reliability suite's summary (`tests/reliability/results/latest.json`): its shape, how one
 * area's record is merged into it, and when it may say `ok: true`. Pure functions: the suite
 * (tests/reliability/_support.ts) does the file I/O and the docs generator
 * (tools/reliability_docs.ts) reads the file.
 *
 * A summary belongs to one run (`runId`): a record from another run replaces it instead of
 * merging, so figures of an older run never stand beside a newer run's. `ok` is true only when
 * every area of {@link EXPECTED_AREAS} recorded, each ran to the end with nothing lost,
 * duplicated, crashed or kept-serving, and none of its tests threw.
 *
 * @module
 */

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

/** The counted figures that the totals add up. */
export type CountedFigures = Omit<AreaFigures, "details">;

/** How an area's tests ended, as the area records it. */
export interface AreaOutcome {
  /** "(kept serving)" lines the connectors of the area logged (each one a failure). */
  keptServing: number;
  /** The first of those lines (at most 5), for the report. */
  keptServingLines: string[];
  /** Tests of the area that finished, and how many of them threw (with their messages). */
  testsRun: number;
  testsRegistered: number;
  failures: string[];
}

/** One area's record in the summary. */
export type AreaRecord = AreaFigures & AreaOutcome & { ok: boolean; at: string };

/** The summary file: totals over the areas, and each area's figures. */
export interface Summary {
  /** The run these figures come from; a record from another run starts a new summary. */
  runId: string;
  startedAt: string;
  updatedAt: string;
  /** True only when every expected area recorded and each is ok (see the module doc). */
  ok: boolean;
  /** Expected areas that have not recorded (yet): a run that stopped early lists them. */
  missing: string[];
  totals: CountedFigures & { keptServing: number; failedTests: number };
  areas: Record<string, AreaRecord>;
}

/** The areas a whole run of the suite records; the summary is not ok without each of them. */
export const EXPECTED_AREAS: readonly string[] = [
  "broker_restarts_abrupt",
  "broker_restarts_graceful",
  "fuzz",
  "hostile_input",
  "process_faults",
  "s3_faults",
  "security",
  "soak_ci",
];

/** An area's counted figures, all zero: where a test file starts counting. */
export function zeroFigures(): CountedFigures {
  return {
    casesTried: 0,
    faultsInjected: 0,
    requestsServed: 0,
    lost: 0,
    duplicated: 0,
    crashes: 0,
  };
}

/** A summary with no area recorded yet: what the file holds once a run has started. */
export function emptySummary(runId: string, at = new Date()): Summary {
  return {
    runId,
    startedAt: at.toISOString(),
    updatedAt: at.toISOString(),
    ok: false,
    missing: [...EXPECTED_AREAS],
    totals: { ...zeroFigures(), keptServing: 0, failedTests: 0 },
    areas: {},
  };
}

/** Whether one area's record is a pass: every test ran and none threw, nothing counted bad. */
export function areaOk(figures: CountedFigures, outcome: AreaOutcome): boolean {
  return figures.lost === 0 && figures.duplicated === 0 && figures.crashes === 0 &&
    outcome.keptServing === 0 && outcome.failures.length === 0 &&
    outcome.testsRun >= outcome.testsRegistered;
}

/**
 * The summary after `area` records: merged into `previous` when it is of the same run,
 * otherwise into a new one (an older run's figures are dropped, never carried over).
 */
export function mergeArea(
  previous: Summary | null,
  runId: string,
  area: string,
  figures: AreaFigures,
  outcome: AreaOutcome,
  at = new Date(),
): Summary {
  const base = previous?.runId === runId ? previous : emptySummary(runId, at);
  const areas: Record<string, AreaRecord> = {
    ...base.areas,
    [area]: { ...figures, ...outcome, ok: areaOk(figures, outcome), at: at.toISOString() },
  };
  const totals = { ...zeroFigures(), keptServing: 0, failedTests: 0 };
  for (const a of Object.values(areas)) {
    for (const k of Object.keys(zeroFigures()) as (keyof CountedFigures)[]) totals[k] += a[k];
    totals.keptServing += a.keptServing;
    totals.failedTests += a.failures.length;
  }
  const missing = EXPECTED_AREAS.filter((a) => !(a in areas));
  return {
    runId,
    startedAt: base.startedAt,
    updatedAt: at.toISOString(),
    ok: missing.length === 0 && Object.values(areas).every((a) => a.ok),
    missing,
    totals,
    areas,
  };
}
