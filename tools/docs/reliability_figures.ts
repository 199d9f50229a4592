/**
 * The reliability figures of README.md and docs/reliability.md, generated from the results files
 * of the last runs (`tests/reliability/results/latest.json`, the short profile's summary, and
 * `results/soak_long.json`, the last `deno task soak`), so the docs cannot quote an older run.
 * A figure a file lacks is left out, never filled in.
 */
import type { AreaRecord, Summary } from "../../testing/reliability_summary.ts";
import { cell } from "./markdown.ts";

/** A summary as read from the file: older files lack the fields a run's outcome added later. */
export type SummaryFile =
  & Omit<Summary, "runId" | "startedAt" | "missing" | "totals" | "areas">
  & Partial<Pick<Summary, "runId" | "startedAt" | "missing">>
  & { totals: Summary["totals"] | Omit<Summary["totals"], "keptServing" | "failedTests"> }
  & { areas: Record<string, Partial<AreaRecord> & Pick<AreaRecord, "casesTried">> };

/** What `deno task soak` writes (testing/soak.ts's report); only the fields quoted here. */
export interface SoakFile {
  at: string;
  seconds: number;
  senders: number;
  requestsServed: number;
  byMethod?: Record<string, number>;
  errors: number;
  lost: number;
  duplicated: number;
  wrongReads?: number;
  missingOrWrong?: number;
  objectsVerified?: number;
  crashes: number;
  connectorExit?: string;
  p50Ms?: number;
  p99Ms?: number;
  rssStartMiB?: number;
  rssEndMiB?: number;
  rssMaxMiB?: number;
  rss?: { secondHalfGrowthPct?: number; secondHalfSlopeMiBPerMin?: number };
  fdsStart?: number;
  fdsEnd?: number;
}

type Details = Record<string, unknown>;

/** A number as the docs write it: thousands separated by commas. */
export const fmt = (n: number): string => n.toLocaleString("en-US", { maximumFractionDigits: 1 });

const day = (iso: string) => iso.slice(0, 10);
const num = (d: Details | undefined, key: string): number | undefined =>
  typeof d?.[key] === "number" ? d[key] as number : undefined;
const obj = (d: Details | undefined, key: string): Details | undefined =>
  d?.[key] !== null && typeof d?.[key] === "object" ? d[key] as Details : undefined;

/** "label value" phrases of the fields present, joined by commas. */
function phrases(parts: [string, string | number | undefined][]): string {
  return parts.filter(([, v]) => v !== undefined)
    .map(([label, v]) => label.replace("#", typeof v === "number" ? fmt(v) : v!))
    .join(", ");
}

/** The RSS phrase of a trend (testing/rss_trend.ts) and the fds of one run. */
function rssAndFds(d: Details | undefined): string {
  const rss = obj(d, "rss");
  const slope = num(rss, "secondHalfSlopeMiBPerMin");
  const parts = rss
    ? [
      phrases([
        ["RSS after the warm-up # MiB", num(rss, "startMiB")],
        ["# at mid-run", num(rss, "midMiB")],
        ["# at the end", num(rss, "endMiB")],
        ["peak #", num(rss, "peakMiB")],
      ]),
      slope !== undefined
        ? `second-half slope ${fmt(slope)} MiB/min`
        : phrases([["# % over the second half", num(rss, "secondHalfGrowthPct")]]),
    ]
    : [phrases([
      ["RSS # MiB at start", num(d, "rssStartMiB")],
      ["# MiB peak", num(d, "rssPeakMiB")],
      ["# MiB at the end", num(d, "rssEndMiB")],
    ])];
  const fds = num(d, "fdsStart") !== undefined
    ? `fds ${num(d, "fdsStart")} -> ${num(d, "fdsEnd") ?? "?"}`
    : "";
  return [...parts, fds].filter((p) => p !== "").join("; ");
}

function byMethod(d: Details | undefined): string {
  const m = obj(d, "byMethod");
  if (!m) return "";
  return Object.entries(m).filter(([, v]) => typeof v === "number")
    .sort((a, b) => (b[1] as number) - (a[1] as number))
    .map(([k, v]) => `${k} ${fmt(v as number)}`).join(", ");
}

/** Per-area phrases from its details; an area this does not know gets its counts only. */
const AREA_DETAILS: Record<string, (d: Details | undefined) => string> = {
  fuzz: (d) =>
    [
      phrases([
        ["# s warm-up", num(d, "warmupSeconds")],
        ["# s measured", num(d, "seconds")],
        ["# error responses", num(d, "errorResponses")],
      ]),
      rssAndFds(d),
    ].filter(Boolean).join("; "),
  hostile_input: (d) =>
    [
      phrases([["# categories", Object.keys(obj(d, "categories") ?? {}).length || undefined]]),
      rssAndFds(d),
    ].filter(Boolean).join("; "),
  security: (d) =>
    Array.isArray(d?.crashedExits) ? `${d.crashedExits.length} connectors exited crashed` : "",
  s3_faults: (d) =>
    phrases([
      ["S3 back -> ready in # ms", num(d, "s3DownResumeMs")],
      ["hanging S3: peak # in flight", num(d, "hangPeakInFlight")],
      ["# S3 connections", num(d, "hangPeakS3Connections")],
    ]),
  soak_ci: (d) =>
    [
      phrases([
        ["# s warm-up", num(d, "warmupSeconds")],
        ["# s measured", num(d, "seconds")],
        ["# senders", num(d, "senders")],
      ]),
      byMethod(d) && `by method: ${byMethod(d)}`,
      phrases([
        ["errors #", num(d, "errors")],
        ["p50 # ms", num(d, "p50Ms")],
        ["p99 # ms", num(d, "p99Ms")],
      ]),
      rssAndFds(d),
      phrases([["# objects verified by SHA-256", num(d, "objectsVerified")]]),
    ].filter(Boolean).join("; "),
  broker_restarts_graceful: (d) => restarts(d),
  broker_restarts_abrupt: (d) => restarts(d),
  process_faults: (d) =>
    [
      phrases([
        ["broker restart: # sent", num(obj(d, "brokerRestart"), "sent")],
        ["# answered", num(obj(d, "brokerRestart"), "answered")],
        ["served again # ms after it", num(obj(d, "brokerRestart"), "resumeMs")],
      ]),
      ...["SIGTERM", "SIGKILL"].map((s) =>
        phrases([
          [`${s}: # uploads`, num(obj(d, s), "uploads")],
          ["# ok", num(obj(d, s), "ok")],
          ["exit #", num(obj(d, s), "exitCode")],
        ])
      ),
    ].filter(Boolean).join("; "),
};

function restarts(d: Details | undefined): string {
  return phrases([
    ["# restarts", num(d, "restarts")],
    ["# uploads", num(d, "sent")],
    ["# answered", num(d, "answered")],
    ["# sent while subscribed", num(d, "sentWhenUp")],
    ["# of them unanswered", num(d, "sentWhenUpUnanswered")],
    ["# in flight at a stop", num(d, "inFlightAtStop")],
    ["# sent while the broker was down", num(d, "sentWhileDown")],
    ["# answered twice", num(d, "duplicateResponses")],
    ["# missing in S3", num(d, "missingInS3")],
  ]);
}

/** docs/reliability.md's block: the run, its totals, and a row per area. */
export function reliabilityFiguresMarkdown(s: SummaryFile): string {
  const t = s.totals;
  const verdict = s.ok ? "`ok: true`" : "**`ok: false`**";
  const missing = s.missing?.length ? ` Areas that did not record: ${s.missing.join(", ")}.` : "";
  const lines = [
    `Short profile, \`results/latest.json\` of ${day(s.updatedAt)} (summary ${verdict}).${missing}`,
    "",
    "| figure | value |",
    "| --- | --- |",
    ...([
      ["cases tried", t.casesTried],
      ["faults injected", t.faultsInjected],
      ["requests served", t.requestsServed],
      ["lost", t.lost],
      ["duplicated", t.duplicated],
      ["crashes", t.crashes],
      ["kept-serving lines", "keptServing" in t ? t.keptServing : undefined],
      ["failed tests", "failedTests" in t ? t.failedTests : undefined],
    ] as [string, number | undefined][]).filter(([, v]) => v !== undefined)
      .map(([k, v]) => `| ${k} | ${fmt(v!)} |`),
    "",
    "Per area (cases, faults, requests; lost, duplicated, crashes; then the area's own figures):",
    "",
    "| area | ok | counts | figures |",
    "| --- | --- | --- | --- |",
  ];
  for (const [name, a] of Object.entries(s.areas).sort(([x], [y]) => x.localeCompare(y))) {
    const counts = `${fmt(a.casesTried)}, ${fmt(a.faultsInjected ?? 0)}, ` +
      `${fmt(a.requestsServed ?? 0)}; ${a.lost ?? 0}, ${a.duplicated ?? 0}, ${a.crashes ?? 0}`;
    const ok = a.ok === undefined ? "" : a.ok ? "yes" : "**no**";
    const figures = AREA_DETAILS[name]?.(a.details) ?? "";
    lines.push(`| ${name} | ${ok} | ${counts} | ${cell(figures)} |`);
  }
  return lines.join("\n");
}

/** One sentence on a long soak run. */
export function soakSentence(k: SoakFile): string {
  const minutes = fmt(k.seconds / 60);
  const slope = k.rss?.secondHalfSlopeMiBPerMin;
  const memory = slope !== undefined
    ? `RSS second-half slope ${fmt(slope)} MiB/min`
    : k.rss?.secondHalfGrowthPct !== undefined
    ? `RSS ${fmt(k.rss.secondHalfGrowthPct)} % over the second half`
    : "";
  return [
    `The last ${minutes}-minute soak (${day(k.at)}): ${fmt(k.requestsServed)} requests from ` +
    `${k.senders} senders`,
    `${fmt(k.errors)} errors, ${fmt(k.lost)} lost, ${fmt(k.duplicated)} duplicated, ` +
    `${fmt(k.crashes)} crashes`,
    memory,
  ].filter(Boolean).join(", ") + ".";
}

/** docs/reliability.md's long-soak block: the sentence, then every figure of the file. */
export function soakLongMarkdown(k: SoakFile): string {
  const more = phrases([
    ["p50 # ms", k.p50Ms],
    ["p99 # ms", k.p99Ms],
    ["RSS # MiB at start", k.rssStartMiB],
    ["# MiB at the end", k.rssEndMiB],
    ["max # MiB", k.rssMaxMiB],
    ["wrong reads #", k.wrongReads],
    ["missing or wrong in S3 #", k.missingOrWrong],
    ["# uploaded keys verified in S3", k.objectsVerified],
    ["exit: #", k.connectorExit],
  ]);
  const fds = k.fdsStart !== undefined ? `; fds ${k.fdsStart} -> ${k.fdsEnd ?? "?"}` : "";
  const methods = byMethod(k as unknown as Details);
  return `${soakSentence(k)} ${methods ? `By method: ${methods}. ` : ""}${more}${fds}.`;
}

/** README's block: the short profile's totals and the last long soak, one paragraph. */
export function readmeReliabilityMarkdown(s: SummaryFile, soak: SoakFile): string {
  const t = s.totals;
  const restartFaults = ["broker_restarts_graceful", "broker_restarts_abrupt"]
    .reduce((n, a) => n + (s.areas[a]?.faultsInjected ?? 0), 0);
  const ofThem = restartFaults > 0 ? ` (${fmt(restartFaults)} of them broker restarts)` : "";
  const verdict = s.ok ? "" : " **The run did not pass (`ok: false`).**";
  const fuzz = s.areas.fuzz;
  const hostile = s.areas.hostile_input;
  const restarts = (a: string) => num(s.areas[a]?.details, "restarts");
  const what = phrases([
    ["# malformed bodies", hostile?.casesTried],
    [
      `# fuzzed ones (${num(fuzz?.details, "warmupSeconds") ?? "?"} s warm-up, ` +
      `${num(fuzz?.details, "seconds") ?? "?"} s measured)`,
      fuzz?.casesTried,
    ],
    ["# graceful", restarts("broker_restarts_graceful")],
    ["# abrupt broker restarts", restarts("broker_restarts_abrupt")],
  ]);
  return `Short profile (CI), latest run (${day(s.updatedAt)}): ${what ? `${what}; ` : ""}` +
    `${fmt(t.casesTried)} cases ` +
    `tried, ${fmt(t.faultsInjected)} faults injected${ofThem}, ${fmt(t.requestsServed)} ` +
    `requests served, **${fmt(t.lost)} lost, ${fmt(t.duplicated)} duplicated, ` +
    `${fmt(t.crashes)} crashes**.${verdict} ${soakSentence(soak)}`;
}
