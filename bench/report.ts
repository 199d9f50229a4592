/**
 * The benchmark's results: their shape, the targets evaluated from them, the markdown report
 * and the SVG chart. Pure functions of the figures, so they are unit-tested.
 */
import type { EchoResult } from "./scenarios/echo.ts";
import type { DirectResult } from "./scenarios/direct.ts";
import type { ConnectorResult } from "./scenarios/connector.ts";
import type { LargeResult } from "./scenarios/large.ts";
import type { StartupResult } from "./scenarios/startup.ts";
import { kindMemoryLines, type KindMemoryResult, kindMemoryTargets } from "./kind_memory.ts";
import { summarize, type Summary } from "./stats.ts";
import type { TracingResult } from "./scenarios/tracing_run.ts";
import { tracingReportLines, tracingTargets } from "./tracing_report.ts";

const MiB = 1024 * 1024;

/** Where and how the run happened. */
export interface RunMeta {
  date: string;
  profile: "full" | "quick";
  machine: { cpu: string; cores: number; memoryGiB: number; os: string; deno: string };
  s3Endpoint: string;
  /** 1-minute load average at the start and the end of the run. */
  loadBefore: number;
  loadAfter: number;
  durationSec: number;
}

/** Scenario E's figures. */
export interface CostResult {
  /** Connector RSS after start, settled, before any request, bytes. */
  idleRss: number;
  /** Connector RSS just before scenario D, after the small-request load, bytes. */
  rssBeforeLarge: number;
  startup: StartupResult;
}

/** Every figure of one run (without the targets). */
export interface Figures {
  meta: RunMeta;
  echo: EchoResult[];
  direct: DirectResult[];
  connector: ConnectorResult[];
  /**
   * Scenario M at concurrency 1: the minimal responder (wire parse plus the plain SDK call, in
   * the echo responder's process), measured beside A, B and C. Absent in older result files.
   */
  minimal?: ConnectorResult[];
  large: LargeResult[];
  /** Scenario K: each source kind's memory for one large upload_item. Absent in older files. */
  kinds?: KindMemoryResult[];
  /** Scenario T: CPU with tracing on against off (issue 23). Absent in older files. */
  tracing?: TracingResult;
  cost: CostResult;
}

/** One target, evaluated on figures of the same run. */
export interface Target {
  id: string;
  name: string;
  /** From the medians of the run's repeats. */
  measured: number;
  comparison: ">=" | "<=" | "<";
  limit: number;
  unit: string;
  /** null when the run did not measure it. */
  met: boolean | null;
  /** The figures the measured value comes from. */
  detail: string;
  /** Lowest and highest value of the same figure computed repeat by repeat; null if one repeat. */
  range: { min: number; max: number } | null;
  /**
   * Why a target is shown for information only (an earlier target this machine cannot reach,
   * or one superseded by a stricter one); null for a target that counts.
   */
  informational: string | null;
}

/** The results file: figures plus targets. */
export interface BenchResults extends Figures {
  targets: Target[];
}

function num(n: number, digits = 1): string {
  if (!Number.isFinite(n)) return "n/a";
  return n.toFixed(digits);
}

function check(measured: number, comparison: Target["comparison"], limit: number): boolean | null {
  if (!Number.isFinite(measured)) return null;
  switch (comparison) {
    case ">=":
      return measured >= limit;
    case "<=":
      return measured <= limit;
    case "<":
      return measured < limit;
  }
}

const NaNSummary: Summary = {
  median: Number.NaN,
  min: Number.NaN,
  max: Number.NaN,
  spread: Number.NaN,
  runs: [],
};

/**
 * A figure combined from several summaries of the same run: `combine` applied to their
 * medians (the measured value), and applied repeat by repeat (run i of each) for its range.
 * Repeats are paired by index because the scenarios of one repeat ran close together.
 */
export function combined(
  parts: readonly Summary[],
  combine: (values: number[]) => number,
): { value: number; range: { min: number; max: number } | null } {
  const value = combine(parts.map((p) => p.median));
  const repeats = Math.min(...parts.map((p) => p.runs.length));
  if (!Number.isFinite(repeats) || repeats < 2) return { value, range: null };
  const perRepeat: number[] = [];
  for (let i = 0; i < repeats; i++) perRepeat.push(combine(parts.map((p) => p.runs[i]!)));
  const finite = perRepeat.filter(Number.isFinite);
  if (finite.length === 0) return { value, range: null };
  return { value, range: { min: Math.min(...finite), max: Math.max(...finite) } };
}

/** Seconds per transfer of `sizeMiB` from a MiB/s summary (per run and median). */
export function secondsOf(rate: Summary, sizeMiB: number): Summary {
  const runs = rate.runs.map((r) => sizeMiB / r);
  return runs.length === 0 ? NaNSummary : summarize(runs);
}

/** Why the issue-8 targets stay in the table only for information. */
const OLD_THROUGHPUT = "issue 8's target, kept for information: on 2 shared cores the connector " +
  "does the responder's gRPC work and the SDK script's S3 work on one thread while sender, " +
  "broker and S3 use the same cores; judged by the CPU ratio below instead";
const OLD_LARGE = "issue 8's target, kept for information: the broker leg alone (the floor) is " +
  "slower than direct S3, so this ratio cannot reach 0.5 here; judged by connector ÷ (floor + " +
  "direct) instead";
const OLD_READY = "issue 8's target, superseded by the 500 ms one";
const MINIMAL_FLOOR = "what composing A and B costs a minimal responder (M: the wire parse and " +
  "the plain SDK call, one process, no connector) on this machine; the part of C − (A + B) " +
  "that is not the connector's";
const M_IS_THE_FLOOR = "issue 15's target, kept for information: at concurrency 1 the floor " +
  "is M, the minimal responder doing the same S3 call, not A + B; judged by C − M and C ÷ M " +
  "instead (issue 20)";

/**
 * The targets of issues 15 and 20 (issue 8's and the superseded ones for information), from
 * figures of this run.
 */
export function evaluateTargets(f: Figures): Target[] {
  const echo = (c: number) => f.echo.find((e) => e.concurrency === c);
  const direct = (op: DirectResult["op"], c: number) =>
    f.direct.find((d) => d.op === op && d.concurrency === c);
  const conn = (m: ConnectorResult["method"], c: number) =>
    f.connector.find((d) => d.method === m && d.concurrency === c);
  const large = (size: number, dir: LargeResult["direction"]) =>
    f.large.find((l) => l.sizeMiB === size && l.direction === dir);
  const targets: Target[] = [];
  const add = (
    t: Omit<Target, "met" | "range" | "informational"> & {
      range?: Target["range"];
      informational?: string;
    },
  ) =>
    targets.push({
      ...t,
      met: check(t.measured, t.comparison, t.limit),
      range: t.range ?? null,
      informational: t.informational ?? null,
    });
  const pairs = [["upload_item", "PutObject"], ["get_item", "GetObject"]] as const;

  for (const size of [64, 16]) {
    for (const dir of ["upload", "download"] as const) {
      const l = large(size, dir);
      const c = secondsOf(l?.connectorMiBps ?? NaNSummary, size);
      const fl = secondsOf(l?.floorMiBps ?? NaNSummary, size);
      const d = secondsOf(l?.directMiBps ?? NaNSummary, size);
      const r = combined([c, fl, d], ([c, fl, d]) => c! / (fl! + d!));
      add({
        id: `large-${size}-${dir}`,
        name: `${size} MiB ${dir}: connector time ÷ (broker floor + direct SDK)`,
        measured: r.value,
        comparison: "<=",
        limit: 1.15,
        unit: "×",
        range: r.range,
        detail: `${num(c.median, 2)} s ÷ (${num(fl.median, 2)} + ${
          num(d.median, 2)
        }) s; median of ${c.runs.length} repeat${
          c.runs.length === 1 ? "" : "s"
        }, the three taking turns in each`,
      });
    }
  }
  for (const dir of ["upload", "download"] as const) {
    const l = large(64, dir);
    const peak = (l?.peakRss.max ?? Number.NaN) / MiB;
    const idle = f.cost.idleRss / MiB;
    const limit = 4 * 64 + idle;
    add({
      id: `memory-${dir}`,
      name: `Peak RSS during a 64 MiB ${dir} ≤ idle + 4 × 64 MiB`,
      measured: peak,
      comparison: "<=",
      limit,
      unit: "MiB",
      range: l && l.peakRss.runs.length > 1
        ? { min: l.peakRss.min / MiB, max: l.peakRss.max / MiB }
        : null,
      detail: `worst of the runs; idle ${num(idle)} MiB; the trivial responder alone peaks at ${
        num((l?.floorPeakRss.max ?? Number.NaN) / MiB)
      } MiB`,
    });
  }
  for (const c of [32, 1]) {
    for (const [method, op] of pairs) {
      const cc = conn(method, c)?.cpuMsPer1000 ?? NaNSummary;
      const dc = direct(op, c)?.cpuMsPer1000 ?? NaNSummary;
      const ec = echo(c)?.cpuMsPer1000 ?? NaNSummary;
      const r = combined([cc, dc, ec], ([cc, dc, ec]) => cc! / (dc! + ec!));
      add({
        id: `cpu-${method}-c${c}`,
        name: `CPU per 1000 ${method} ÷ (SDK script's ${op} + echo responder's), concurrency ${c}`,
        measured: r.value,
        comparison: "<=",
        limit: 1.15,
        unit: "×",
        range: r.range,
        detail: `${num(cc.median, 0)} ÷ (${num(dc.median, 0)} + ${num(ec.median, 0)}) ms`,
        ...(c === 1 ? { informational: M_IS_THE_FLOOR } : {}),
      });
    }
  }
  const minimal = (m: ConnectorResult["method"]) => f.minimal?.find((d) => d.method === m);
  for (const [method] of pairs) {
    const mr = minimal(method);
    const c = conn(method, 1)?.load.p50Ms ?? NaNSummary;
    const m = mr?.load.p50Ms ?? NaNSummary;
    const own = combined([c, m], ([c, m]) => c! - m!);
    add({
      id: `latency-own-${method}`,
      name: `The connector's own added latency at concurrency 1, p50: C − M, ${method}`,
      measured: own.value,
      comparison: "<=",
      limit: 0.3,
      unit: "ms",
      range: own.range,
      detail: `${num(c.median, 2)} − ${num(m.median, 2)} ms (M: the minimal responder)`,
    });
    const cc = conn(method, 1)?.cpuMsPer1000 ?? NaNSummary;
    const mc = mr?.cpuMsPer1000 ?? NaNSummary;
    const cpu = combined([cc, mc], ([cc, mc]) => cc! / mc!);
    add({
      id: `cpu-own-${method}`,
      name: `CPU per 1000 ${method} at concurrency 1 ÷ the minimal responder's`,
      measured: cpu.value,
      comparison: "<=",
      limit: 1.05,
      unit: "×",
      range: cpu.range,
      detail: `${num(cc.median, 0)} ÷ ${num(mc.median, 0)} ms`,
    });
  }
  for (const t of kindMemoryTargets(f.kinds ?? [])) add(t);
  for (const t of tracingTargets(f.tracing)) add(t);
  for (const [method, op] of pairs) {
    const c = conn(method, 1)?.load.p50Ms ?? NaNSummary;
    const b = direct(op, 1)?.load.p50Ms ?? NaNSummary;
    const a = echo(1)?.load.p50Ms ?? NaNSummary;
    const r = combined([c, a, b], ([c, a, b]) => c! - (a! + b!));
    add({
      id: `latency-${method}`,
      name: `Added latency at concurrency 1, p50: C − (A + B), ${method}`,
      measured: r.value,
      comparison: "<=",
      limit: 0.5,
      unit: "ms",
      range: r.range,
      detail: `${num(c.median, 2)} − (${num(a.median, 2)} + ${num(b.median, 2)}) ms`,
      informational: M_IS_THE_FLOOR,
    });
    const mr = minimal(method);
    if (!mr) continue;
    const m = mr.load.p50Ms;
    const floor = combined([m, a, b], ([m, a, b]) => m! - (a! + b!));
    add({
      id: `latency-floor-${method}`,
      name: `Composition floor at concurrency 1, p50: M − (A + B), ${method}`,
      measured: floor.value,
      comparison: "<=",
      limit: 0.5,
      unit: "ms",
      range: floor.range,
      detail: `${num(m.median, 2)} − (${num(a.median, 2)} + ${num(b.median, 2)}) ms`,
      informational: MINIMAL_FLOOR,
    });
  }
  const idle = f.cost.idleRss / MiB;
  add({
    id: "memory-idle",
    name: "Idle RSS",
    measured: idle,
    comparison: "<=",
    limit: 100,
    unit: "MiB",
    detail: "after start, settled, before any request",
  });
  const ready = f.cost.startup.readyMs;
  const readyRange = ready.runs.length > 1 ? { min: ready.min, max: ready.max } : null;
  add({
    id: "ready",
    name: "Process start to /ready 200",
    measured: ready.median,
    comparison: "<=",
    limit: 500,
    unit: "ms",
    range: readyRange,
    detail: `median of ${ready.runs.length} starts`,
  });

  // Issue 8's targets, for information.
  for (const [method, op] of pairs) {
    const cs = conn(method, 32)?.load.opsPerSec ?? NaNSummary;
    const bs = direct(op, 32)?.load.opsPerSec ?? NaNSummary;
    const r = combined([cs, bs], ([c, b]) => c! / b!);
    add({
      id: `throughput-${method}`,
      name: `Throughput C/B at concurrency 32, ${method} vs ${op}`,
      measured: r.value,
      comparison: ">=",
      limit: 0.8,
      unit: "×",
      range: r.range,
      detail: `${num(cs.median, 0)} vs ${num(bs.median, 0)} ops/s`,
      informational: OLD_THROUGHPUT,
    });
  }
  for (const dir of ["upload", "download"] as const) {
    const l = large(64, dir);
    const r = combined(
      [l?.connectorMiBps ?? NaNSummary, l?.directMiBps ?? NaNSummary],
      ([c, d]) => c! / d!,
    );
    add({
      id: `large-direct-${dir}`,
      name: `64 MiB ${dir}, connector / direct SDK`,
      measured: r.value,
      comparison: ">=",
      limit: 0.5,
      unit: "×",
      range: r.range,
      detail: `${num(l?.connectorMiBps.median ?? Number.NaN)} vs ${
        num(l?.directMiBps.median ?? Number.NaN)
      } MiB/s; the broker floor alone: ${num(l?.floorMiBps.median ?? Number.NaN)} MiB/s`,
      informational: OLD_LARGE,
    });
  }
  add({
    id: "ready-1s",
    name: "Process start to /ready 200 (1 s)",
    measured: ready.median,
    comparison: "<",
    limit: 1000,
    unit: "ms",
    range: readyRange,
    detail: `median of ${ready.runs.length} starts`,
    informational: OLD_READY,
  });
  return targets;
}

/** Met and missed counts of the targets that count (a target not measured is not met). */
export function tally(targets: readonly Target[]): { met: number; missed: number } {
  const counted = targets.filter((t) => t.informational === null);
  const met = counted.filter((t) => t.met === true).length;
  return { met, missed: counted.length - met };
}

/** The one summary line the bench ends with. */
export function summaryLine(targets: readonly Target[]): string {
  const { met, missed } = tally(targets);
  return `targets: ${met} met, ${missed} missed`;
}

function inMiB(s: Summary): Summary {
  return { ...s, median: s.median / MiB, min: s.min / MiB, max: s.max / MiB };
}

/** "median (min–max)" of a summary. */
function spread(s: Summary, digits = 1): string {
  if (s.runs.length <= 1) return num(s.median, digits);
  return `${num(s.median, digits)} (${num(s.min, digits)}–${num(s.max, digits)})`;
}

function status(t: Target): string {
  if (t.informational !== null) {
    return t.met === null
      ? "information, not measured"
      : `information (${t.met ? "met" : "missed"})`;
  }
  if (t.met === null) return "not measured";
  return t.met ? "met" : "**MISSED**";
}

/** "0.52 ms (0.40–0.61)": the value from the medians, with its range over the repeats. */
function measuredText(t: Target): string {
  const value = `${num(t.measured, 2)} ${t.unit}`;
  return t.range ? `${value} (${num(t.range.min, 2)}–${num(t.range.max, 2)})` : value;
}

/** The counted target lines that failed or were not measured, worded for the console. */
export function missedTargets(targets: readonly Target[]): string[] {
  return targets.filter((t) => t.informational === null && t.met !== true).map((t) =>
    `${t.met === null ? "NOT MEASURED" : "MISSED"}: ${t.name}: ${
      measuredText(t)
    }, target ${t.comparison} ${num(t.limit, 2)} ${t.unit} (${t.detail})`
  );
}

/** The markdown report: machine, small requests, large objects, costs and targets. */
export function renderMarkdown(r: BenchResults): string {
  const m = r.meta;
  const lines: string[] = [];
  lines.push(
    `Run ${m.date} (${m.profile} profile, ${num(m.durationSec, 0)} s) on ${m.machine.cpu}, ` +
      `${m.machine.cores} cores, ${num(m.machine.memoryGiB, 0)} GiB, ${m.machine.os}, ` +
      `Deno ${m.machine.deno}; S3 ${m.s3Endpoint}; load average ${num(m.loadBefore, 2)} → ${
        num(m.loadAfter, 2)
      }. Figures are the median of the repeats with (min–max).`,
    "",
    "**Small requests (1 KiB)**",
    "",
    "| Scenario | Operation | Concurrency | ops/s | p50 ms | p99 ms | CPU ms / 1000 |",
    "|---|---|--:|--:|--:|--:|--:|",
  );
  for (const e of r.echo) {
    lines.push(
      `| A broker echo | echo | ${e.concurrency} | ${spread(e.load.opsPerSec, 0)} | ${
        spread(e.load.p50Ms, 2)
      } | ${spread(e.load.p99Ms, 2)} | ${spread(e.cpuMsPer1000, 0)} (responder) |`,
    );
  }
  for (const d of r.direct) {
    lines.push(
      `| B direct SDK | ${d.op} | ${d.concurrency} | ${spread(d.load.opsPerSec, 0)} | ${
        spread(d.load.p50Ms, 2)
      } | ${spread(d.load.p99Ms, 2)} | ${spread(d.cpuMsPer1000, 0)} (SDK script) |`,
    );
  }
  for (const c of r.connector) {
    lines.push(
      `| C connector | ${c.method} | ${c.concurrency} | ${spread(c.load.opsPerSec, 0)} | ${
        spread(c.load.p50Ms, 2)
      } | ${spread(c.load.p99Ms, 2)} | ${spread(c.cpuMsPer1000, 0)} |`,
    );
  }
  for (const m of r.minimal ?? []) {
    lines.push(
      `| M minimal responder | ${m.method} | ${m.concurrency} | ${spread(m.load.opsPerSec, 0)} | ${
        spread(m.load.p50Ms, 2)
      } | ${spread(m.load.p99Ms, 2)} | ${spread(m.cpuMsPer1000, 0)} (responder) |`,
    );
  }
  lines.push(
    "",
    "**Large objects (D)**",
    "",
    "| Size | Direction | Connector MiB/s | Direct SDK MiB/s | Broker floor MiB/s | Time C ÷ (floor + direct) | Connector peak RSS MiB | Responder peak RSS MiB |",
    "|--:|---|--:|--:|--:|--:|--:|--:|",
  );
  for (const l of r.large) {
    const ratio = combined(
      [l.connectorMiBps, l.floorMiBps, l.directMiBps].map((x) => secondsOf(x, l.sizeMiB)),
      ([c, fl, d]) => c! / (fl! + d!),
    );
    const ratioText = ratio.range
      ? `${num(ratio.value, 2)} (${num(ratio.range.min, 2)}–${num(ratio.range.max, 2)})`
      : num(ratio.value, 2);
    lines.push(
      `| ${l.sizeMiB} MiB | ${l.direction} | ${spread(l.connectorMiBps)} | ${
        spread(l.directMiBps)
      } | ${spread(l.floorMiBps)} | ${ratioText} | ${spread(inMiB(l.peakRss), 0)} | ${
        spread(inMiB(l.floorPeakRss), 0)
      } |`,
    );
  }
  lines.push(...kindMemoryLines(r.kinds ?? []));
  lines.push(...tracingReportLines(r.tracing));
  const s = r.cost.startup;
  lines.push(
    "",
    "**The connector's own cost (E)**",
    "",
    "| Figure | Value |",
    "|---|--:|",
    `| Idle RSS after start | ${num(r.cost.idleRss / MiB)} MiB |`,
    `| RSS after the small-request load | ${num(r.cost.rssBeforeLarge / MiB)} MiB |`,
    `| Start to HTTP API listening | ${spread(s.listeningMs, 0)} ms |`,
    `| Start to /ready 200 | ${spread(s.readyMs, 0)} ms |`,
  );
  for (const c of r.connector.filter((c) => c.concurrency === 32)) {
    lines.push(`| CPU per 1000 ${c.method} at concurrency 32 | ${spread(c.cpuMsPer1000, 0)} ms |`);
  }
  lines.push(
    "",
    "**Targets**",
    "",
    "Measured values come from the medians of the run; the range in parentheses is the same",
    "figure computed repeat by repeat.",
    "",
    "| Target | Measured (range over repeats) | Target | Status | From |",
    "|---|--:|--:|---|---|",
  );
  for (const t of r.targets.filter((t) => t.informational === null)) {
    lines.push(
      `| ${t.name} | ${measuredText(t)} | ${t.comparison} ${num(t.limit, 2)} ${t.unit} | ${
        status(t)
      } | ${t.detail} |`,
    );
  }
  const info = r.targets.filter((t) => t.informational !== null);
  if (info.length > 0) {
    lines.push(
      "",
      "For information (not counted): earlier targets, and the composition floor M − (A + B):",
      "",
      "| Target | Measured (range over repeats) | Target | Status | Why information only |",
      "|---|--:|--:|---|---|",
    );
    for (const t of info) {
      lines.push(
        `| ${t.name} | ${measuredText(t)} | ${t.comparison} ${num(t.limit, 2)} ${t.unit} | ${
          status(t)
        } | ${t.detail}; ${t.informational} |`,
      );
    }
  }
  const missed = missedTargets(r.targets);
  if (missed.length > 0) lines.push("", missed.join("\n\n"));
  lines.push("", summaryLine(r.targets));
  return lines.join("\n") + "\n";
}

interface Series {
  label: string;
  color: string;
  dashed?: boolean;
  points: [number, number][];
}

function esc(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** One panel: log2 x axis over the given ticks, linear y axis from 0. */
function panel(
  x0: number,
  title: string,
  xLabel: string,
  yLabel: string,
  xTicks: number[],
  series: Series[],
): string {
  const w = 420, h = 300, left = 60, top = 40, plotW = w - left - 20, plotH = h - top - 60;
  const lx = (v: number) => Math.log2(v);
  const xMin = lx(Math.min(...xTicks)), xMax = lx(Math.max(...xTicks));
  const yMaxRaw = Math.max(1, ...series.flatMap((s) => s.points.map((p) => p[1])));
  const step = 10 ** Math.floor(Math.log10(yMaxRaw));
  const yMax = Math.ceil(yMaxRaw / step) * step;
  const px = (v: number) =>
    x0 + left + (xMax === xMin ? plotW / 2 : ((lx(v) - xMin) / (xMax - xMin)) * plotW);
  const py = (v: number) => top + plotH - (v / yMax) * plotH;
  const out: string[] = [];
  out.push(
    `<text x="${x0 + w / 2}" y="20" text-anchor="middle" font-weight="bold">${esc(title)}</text>`,
  );
  out.push(
    `<line x1="${x0 + left}" y1="${top + plotH}" x2="${x0 + left + plotW}" y2="${
      top + plotH
    }" stroke="#333"/>`,
    `<line x1="${x0 + left}" y1="${top}" x2="${x0 + left}" y2="${top + plotH}" stroke="#333"/>`,
  );
  for (const t of xTicks) {
    out.push(
      `<text x="${px(t)}" y="${top + plotH + 16}" text-anchor="middle">${t}</text>`,
    );
  }
  for (let i = 0; i <= 4; i++) {
    const v = (yMax / 4) * i;
    out.push(
      `<line x1="${x0 + left}" y1="${py(v)}" x2="${x0 + left + plotW}" y2="${
        py(v)
      }" stroke="#ddd"/>`,
      `<text x="${x0 + left - 6}" y="${py(v) + 4}" text-anchor="end">${Math.round(v)}</text>`,
    );
  }
  out.push(
    `<text x="${x0 + left + plotW / 2}" y="${top + plotH + 34}" text-anchor="middle">${
      esc(xLabel)
    }</text>`,
    `<text x="${x0 + 14}" y="${top + plotH / 2}" text-anchor="middle" transform="rotate(-90 ${
      x0 + 14
    } ${top + plotH / 2})">${esc(yLabel)}</text>`,
  );
  series.forEach((s, i) => {
    const pts = s.points.filter((p) => Number.isFinite(p[1]));
    if (pts.length === 0) return;
    const dash = s.dashed ? ` stroke-dasharray="5 4"` : "";
    out.push(
      `<polyline fill="none" stroke="${s.color}" stroke-width="2"${dash} points="${
        pts.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(" ")
      }"/>`,
    );
    for (const [x, y] of pts) {
      out.push(
        `<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="3" fill="${s.color}"/>`,
      );
    }
    // Legend: two entries per row under the x-axis label.
    const lxPos = x0 + left + (i % 2) * 180;
    const lyPos = h + 6 + 14 * Math.floor(i / 2);
    out.push(
      `<line x1="${lxPos}" y1="${lyPos - 4}" x2="${lxPos + 18}" y2="${
        lyPos - 4
      }" stroke="${s.color}" stroke-width="2"${dash}/>`,
      `<text x="${lxPos + 22}" y="${lyPos}">${esc(s.label)}</text>`,
    );
  });
  return out.join("\n");
}

/** A two-panel SVG: throughput against concurrency (A, B, C), and MiB/s against size (D). */
export function renderChart(r: BenchResults): string {
  const conn = (m: ConnectorResult["method"]) =>
    r.connector.filter((c) => c.method === m).map((c): [number, number] => [
      c.concurrency,
      c.load.opsPerSec.median,
    ]);
  const dir = (op: DirectResult["op"]) =>
    r.direct.filter((d) => d.op === op).map((d): [number, number] => [
      d.concurrency,
      d.load.opsPerSec.median,
    ]);
  const concurrencies = [
    ...new Set([...r.connector, ...r.direct, ...r.echo].map((x) => x.concurrency)),
  ].sort((a, b) => a - b);
  const large = (d: LargeResult["direction"], which: "connectorMiBps" | "directMiBps") =>
    r.large.filter((l) => l.direction === d).map((l): [number, number] => [
      l.sizeMiB,
      l[which].median,
    ]);
  const sizes = [...new Set(r.large.map((l) => l.sizeMiB))].sort((a, b) => a - b);
  const left = panel(0, "1 KiB requests: throughput", "concurrency", "ops/s", concurrencies, [
    { label: "C upload_item", color: "#1f77b4", points: conn("upload_item") },
    { label: "C get_item", color: "#d62728", points: conn("get_item") },
    { label: "B PutObject", color: "#1f77b4", dashed: true, points: dir("PutObject") },
    { label: "B GetObject", color: "#d62728", dashed: true, points: dir("GetObject") },
  ]);
  const right = panel(440, "Large objects: transfer rate", "object size, MiB", "MiB/s", sizes, [
    { label: "connector upload", color: "#2ca02c", points: large("upload", "connectorMiBps") },
    { label: "connector download", color: "#9467bd", points: large("download", "connectorMiBps") },
    {
      label: "direct upload",
      color: "#2ca02c",
      dashed: true,
      points: large("upload", "directMiBps"),
    },
    {
      label: "direct download",
      color: "#9467bd",
      dashed: true,
      points: large("download", "directMiBps"),
    },
  ]);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="880" height="340" viewBox="0 0 880 340" font-family="sans-serif" font-size="11">
<rect width="880" height="340" fill="white"/>
${left}
${right}
</svg>
`;
}
