/**
 * The cost of tracing: CPU per 1,000 small requests (1 KiB upload_item and get_item) at one
 * concurrency, for two connectors side by side on the same broker and S3, one with tracing off
 * and one with it on (OTEL_DENO=true, exporting to an OTLP receiver). Both get the same messages,
 * a `traceparent` in their tags included, in interleaved rounds (load.ts runInterleaved), so a
 * drift of the machine falls on both alike.
 */
import { decodeResponse, encodeRequest } from "../../lib/wire.ts";
import type { KubemqTestClient } from "../../testing/kubemq_client.ts";
import { payload } from "../context.ts";
import { runInterleaved, runLoad } from "../load.ts";
import { type LoadSummary, median, summarize, summarizeRuns, type Summary } from "../stats.ts";

/** One connector of the comparison. */
export interface TracedSide {
  /** "off", or how the traced one exports (e.g. "http/json"). */
  name: string;
  channel: string;
  pid: number;
}

/** The figures of one connector for one method. */
export interface SideCost {
  name: string;
  load: LoadSummary;
  cpuMsPer1000: Summary;
}

/** A traced connector's figures, with its overhead over the untraced one. */
export interface TracedCost extends SideCost {
  /** Median CPU with tracing on over off, minus 1: 0.05 is 5 % more. */
  overhead: number;
  /** The same, round by round (run i of this side over run i of off). */
  overheadRuns: number[];
}

/** The figures of one method. */
export interface TracingCost {
  method: "upload_item" | "get_item";
  concurrency: number;
  off: SideCost;
  on: TracedCost[];
}

/** What the scenario needs. */
export interface TracingBench {
  sender: KubemqTestClient;
  bucket: string;
  /** An object of 1 KiB that get_item reads. */
  smallKey: string;
  off: TracedSide;
  on: TracedSide[];
  concurrency: number;
  ops: number;
  warmup: number;
  jitWarmup: number;
  repeats: number;
  log(line: string): void;
}

function _hex(bytes: number): string {
  return [...crypto.getRandomValues(new Uint8Array(bytes))]
    .map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** The overhead of `on` over `off` from their medians: 0.05 is 5 % more. */
export function overheadOf(off: readonly number[], on: readonly number[]): number {
  return median(on) / median(off) - 1;
}

/** Runs both methods on both connectors; returns one result per method. */
export async function runTracingCost(b: TracingBench): Promise<TracingCost[]> {
  const data = payload(1024);
  const ask = async (
    side: TracedSide,
    metadata: Record<string, string>,
    body: Uint8Array | null,
  ) => {
    const res = await b.sender.sendQuery({
      channel: side.channel,
      body: encodeRequest({ metadata, data: body }),
      timeoutMs: 30_000,
      // A sender's trace context, as a traced sender sends it: the traced connector continues it.
      tags: { traceparent: `00-${_hex(16)}-${_hex(8)}-01` },
    });
    const out = decodeResponse(res.body);
    if (out.isError) throw new Error(`${metadata.method} failed: ${out.error}`);
    return out;
  };
  const ops = {
    upload_item: (side: TracedSide) => (i: number) =>
      ask(side, {
        method: "upload_item",
        bucket_name: b.bucket,
        item_name: `tracing/${side.channel}-${i}`,
      }, data).then(() => {}),
    get_item: (side: TracedSide) => async () => {
      const res = await ask(side, {
        method: "get_item",
        bucket_name: b.bucket,
        item_name: b.smallKey,
      }, null);
      if (res.data?.length !== 1024) throw new Error(`get_item: ${res.data?.length} bytes`);
    },
  };
  const sides = [b.off, ...b.on];
  for (const side of sides) {
    b.log(`tracing warm-up ${side.name}: ${b.jitWarmup} of each method`);
    await runLoad(
      (i) => i % 2 === 0 ? ops.upload_item(side)(1e9 + i) : ops.get_item(side)(),
      { concurrency: 4, ops: 2 * b.jitWarmup },
    );
  }
  const out: TracingCost[] = [];
  for (const method of ["upload_item", "get_item"] as const) {
    b.log(
      `tracing ${method} c=${b.concurrency}: ${sides.map((x) => x.name).join(", ")}, ` +
        `${b.repeats} interleaved rounds`,
    );
    const measured = await runInterleaved(
      sides.map((side) => ({ op: ops[method](side), cpuPid: side.pid })),
      {
        concurrency: b.concurrency,
        ops: b.ops,
        warmup: b.warmup,
        repeats: b.repeats,
        rotate: true,
      },
    );
    const figures = measured.map((m, i): SideCost => ({
      name: sides[i]!.name,
      load: summarizeRuns(m.runs),
      cpuMsPer1000: summarize(m.cpuMsPer1000),
    }));
    const off = figures[0]!;
    out.push({
      method,
      concurrency: b.concurrency,
      off,
      on: figures.slice(1).map((f) => ({
        ...f,
        overhead: overheadOf(off.cpuMsPer1000.runs, f.cpuMsPer1000.runs),
        overheadRuns: f.cpuMsPer1000.runs.map((v, r) => v / off.cpuMsPer1000.runs[r]! - 1),
      })),
    });
  }
  return out;
}

/** The report lines: one per method and traced connector, with the target (at most 5 % more). */
export function tracingLines(results: readonly TracingCost[], target = 0.05): string[] {
  return results.flatMap((r) =>
    r.on.map((on) => {
      const pct = (on.overhead * 100).toFixed(1);
      const verdict = on.overhead <= target ? "met" : "MISSED";
      return `CPU per 1,000 small ${r.method} at c=${r.concurrency}: tracing off ` +
        `${r.off.cpuMsPer1000.median.toFixed(0)} ms (runs ${_fmtRuns(r.off.cpuMsPer1000)}), ` +
        `on (${on.name}) ${on.cpuMsPer1000.median.toFixed(0)} ms (runs ${
          _fmtRuns(on.cpuMsPer1000)
        }): ` +
        `${on.overhead >= 0 ? "+" : ""}${pct} % (target <= ${target * 100} %: ${verdict})`;
    })
  );
}

function _fmtRuns(s: Summary): string {
  return s.runs.map((v) => v.toFixed(0)).join("/");
}
