/**
 * Scenario T in the report (issue 23): the counted target "CPU per 1,000 small requests at c=32
 * with tracing on ≤ 1.05 × off", one per method, and the report's table. Pure functions of the
 * figures, unit-tested in tests/bench/tracing_report_test.ts.
 */
import type { TracingResult } from "./scenarios/tracing_run.ts";
import type { Summary } from "./stats.ts";

/** At most 5 % more CPU with tracing on. */
export const TRACING_CPU_LIMIT = 1.05;

/** The protocol the counted target reads: the runtime's default. */
export const TRACING_COUNTED_PROTOCOL = "http/protobuf";

/** A target in the shape report.ts adds (met, range and informational are its to fill). */
export interface TracingTarget {
  id: string;
  name: string;
  measured: number;
  comparison: "<=";
  limit: number;
  unit: string;
  range: { min: number; max: number } | null;
  detail: string;
}

const METHODS = ["upload_item", "get_item"] as const;

/**
 * One counted target per method: the traced connector's (the default protocol's) median CPU per
 * 1,000 requests over the untraced one's, with the per-round ratios as range. NaN (missed) when
 * the run did not measure it.
 */
export function tracingTargets(t: TracingResult | undefined): TracingTarget[] {
  return METHODS.map((method) => {
    const m = t?.methods.find((x) => x.method === method);
    const on = m?.on.find((x) => x.name === TRACING_COUNTED_PROTOCOL);
    const w = t?.witness.find((x) => x.protocol === TRACING_COUNTED_PROTOCOL);
    const off = m?.off.cpuMsPer1000;
    const ratios = on?.overheadRuns.map((o) => 1 + o) ?? [];
    return {
      id: `tracing-cpu-${method}`,
      name:
        `CPU per 1000 ${method} at concurrency 32, tracing on (${TRACING_COUNTED_PROTOCOL}) ÷ off`,
      measured: on ? 1 + on.overhead : Number.NaN,
      comparison: "<=",
      limit: TRACING_CPU_LIMIT,
      unit: "×",
      range: ratios.length > 1 ? { min: Math.min(...ratios), max: Math.max(...ratios) } : null,
      detail: on && off
        ? `${_ms(on.cpuMsPer1000.median)} ÷ ${_ms(off.median)} ms, ${off.runs.length} ` +
          `interleaved rounds; witness: ${w?.requestSpans ?? 0} request spans exported for ` +
          `${w?.sent ?? 0} requests`
        : "not measured",
    };
  });
}

function _ms(n: number): string {
  return Number.isFinite(n) ? n.toFixed(0) : "n/a";
}

function _spread(s: Summary): string {
  return s.runs.length > 1 ? `${_ms(s.median)} (${_ms(s.min)}–${_ms(s.max)})` : _ms(s.median);
}

/** The report's table of scenario T (empty when the run did not measure it). */
export function tracingReportLines(t: TracingResult | undefined): string[] {
  if (t === undefined || t.methods.length === 0) return [];
  const lines = [
    "",
    `**The cost of tracing (T), concurrency ${t.concurrency}, ${t.repeats} interleaved rounds of ${t.ops}**`,
    "",
    "| Operation | Tracing | CPU ms / 1000 | ÷ off (range over rounds) | Request spans exported |",
    "|---|---|--:|--:|--:|",
  ];
  for (const m of t.methods) {
    lines.push(`| ${m.method} | off | ${_spread(m.off.cpuMsPer1000)} | | |`);
    for (const on of m.on) {
      const ratios = on.overheadRuns.map((o) => 1 + o);
      const range = ratios.length > 1
        ? ` (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})`
        : "";
      const w = t.witness.find((x) => x.protocol === on.name);
      lines.push(
        `| ${m.method} | on, ${on.name} | ${_spread(on.cpuMsPer1000)} | ${
          (1 + on.overhead).toFixed(2)
        }${range} | ${w ? `${w.requestSpans} of ${w.sent} sent (both methods)` : "n/a"} |`,
      );
    }
  }
  return lines;
}
