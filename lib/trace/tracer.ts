/**
 * The connector's tracer, on `@opentelemetry/api`. Deno registers its own providers with that
 * package when the process starts with `OTEL_DENO=true` (the runtime exports over OTLP as the
 * standard `OTEL_*` variables say); without it the API hands out spans that record nothing.
 * Deno reads the variable at process start, for the main isolate and every worker alike, so the
 * sandboxed worker traces exactly when the launcher's process was started with it.
 *
 * This module is loaded in the worker only (the launcher must not load the package: see
 * tests/sandbox/launcher_graph_test.ts).
 */
import {
  type Context,
  createTraceState,
  ROOT_CONTEXT,
  type Span,
  trace,
  type Tracer,
} from "@opentelemetry/api";
import { formatTraceParent, parseTraceParent, TRACEPARENT, TRACESTATE } from "./traceparent.ts";

/** The instrumentation scope of the connector's own spans. */
export const SCOPE = "kubemq-s3";

let _tracer: Tracer | null = null;
let _on: boolean | null = null;

/** The connector's tracer. */
export function tracer(): Tracer {
  return _tracer ??= trace.getTracer(SCOPE);
}

/**
 * Whether spans are recorded and exported (the process started with `OTEL_DENO=true`). Asked of
 * the runtime once: a span that records says so. The probe is never ended, so never exported.
 */
export function tracingOn(): boolean {
  return _on ??= tracer().startSpan("kubemq-s3.probe").isRecording();
}

/**
 * The context a request's span starts in: the sender's trace when its tags carry a valid
 * `traceparent` (and its `tracestate`), else a new trace.
 */
export function senderContext(tags: Readonly<Record<string, string>> | undefined): Context {
  const parent = parseTraceParent(tags?.[TRACEPARENT]);
  if (parent === null) return ROOT_CONTEXT;
  const state = tags?.[TRACESTATE];
  return trace.setSpanContext(ROOT_CONTEXT, {
    traceId: parent.traceId,
    spanId: parent.spanId,
    traceFlags: parent.flags,
    isRemote: true,
    ...(state ? { traceState: createTraceState(state) } : {}),
  });
}

/**
 * The tags that carry `span`'s context to whoever reads the response (W3C Trace Context). The
 * sender's `tracestate` is passed on as the spec asks: Deno's spans do not inherit their
 * parent's trace state, so it is taken from the sender's tags when the span has none.
 */
export function contextTags(
  span: Span,
  senderTags?: Readonly<Record<string, string>>,
): Record<string, string> {
  const c = span.spanContext();
  const tags: Record<string, string> = {
    [TRACEPARENT]: formatTraceParent({ traceId: c.traceId, spanId: c.spanId, flags: c.traceFlags }),
  };
  const state = c.traceState?.serialize() ||
    (parseTraceParent(senderTags?.[TRACEPARENT]) ? senderTags?.[TRACESTATE] : undefined);
  if (state) tags[TRACESTATE] = state;
  return tags;
}

/** The fields that tie a log line to `span`. */
export function logFields(span: Span): { trace_id: string; span_id: string } {
  const c = span.spanContext();
  return { trace_id: c.traceId, span_id: c.spanId };
}
