/**
 * The sender CLI's `--trace`: a trace started by the sender, carried to the connector as a W3C
 * `traceparent` in the message's tags. When the CLI itself runs with `OTEL_DENO=true`, the
 * sender's span is a real one, exported like the connector's; otherwise it is only ids (random,
 * sampled), and the connector's span is the first one exported in the trace.
 *
 * @module
 */
import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { formatTraceParent, TRACEPARENT } from "../../lib/trace/traceparent.ts";
import { tracer, tracingOn } from "../../lib/trace/tracer.ts";

/** A started sender trace. */
export interface SendTrace {
  traceId: string;
  /** The sender's span: the parent of the connector's. */
  spanId: string;
  /** Whether the sender's span is recorded and exported (OTEL_DENO=true). */
  exported: boolean;
  /** The message tags that carry it. */
  tags: Record<string, string>;
  /** Ends the sender's span, with an error status when `error` is given. */
  end(error?: string): void;
}

function _hex(bytes: number): string {
  return [...crypto.getRandomValues(new Uint8Array(bytes))]
    .map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Starts a trace for one request named `name` (e.g. "send upload_item"). */
export function startSendTrace(name: string): SendTrace {
  if (tracingOn()) {
    const span = tracer().startSpan(name, { kind: SpanKind.PRODUCER });
    const c = span.spanContext();
    return {
      traceId: c.traceId,
      spanId: c.spanId,
      exported: true,
      tags: {
        [TRACEPARENT]: formatTraceParent({
          traceId: c.traceId,
          spanId: c.spanId,
          flags: c.traceFlags,
        }),
      },
      end(error) {
        if (error !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: error });
        span.end();
      },
    };
  }
  const traceId = _hex(16);
  const spanId = _hex(8);
  return {
    traceId,
    spanId,
    exported: false,
    // Sampled: the connector records a trace its parent says is sampled.
    tags: { [TRACEPARENT]: formatTraceParent({ traceId, spanId, flags: 1 }) },
    end() {},
  };
}
