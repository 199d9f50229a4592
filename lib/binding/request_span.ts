/**
 * The span of one request a binding handles, when tracing is on: started in the sender's trace
 * (the `traceparent` in the message's tags), active while the request runs (the runtime's HTTP
 * spans and the S3 call spans become its children), and ended with the outcome. Its context
 * goes back in the result's `tags`, and every log line written meanwhile carries its
 * `trace_id` and `span_id`.
 *
 * Attributes: the source kind, binding, channel and message id at the start; the method from the
 * request (middleware/span_attributes.ts), and what the target adds (the S3 target: bucket and
 * key); bytes in and out, outcome and error code at the end. Never the data.
 */
import {
  context,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
  TraceFlags,
} from "@opentelemetry/api";
import { withLogContext } from "../log.ts";
import type { HandleResult, MessageInfo } from "../kinds/source.ts";
import { contextTags, logFields, senderContext, tracer } from "../trace/tracer.ts";

/** The attribute names of a request span. */
export const REQUEST_SPAN = {
  sourceKind: "kubemq_s3.source.kind",
  binding: "kubemq_s3.binding",
  channel: "messaging.destination.name",
  messageId: "messaging.message.id",
  system: "messaging.system",
  method: "kubemq_s3.method",
  /** The message body's bytes, as received. */
  bytesIn: "kubemq_s3.bytes_in",
  /** The response body's bytes, as sent. */
  bytesOut: "kubemq_s3.bytes_out",
  /** ok, retry, fail or invalid (HandleOutcome.kind). */
  outcome: "kubemq_s3.outcome",
  /** The response's `error_code`, as OpenTelemetry's `error.type`. */
  errorCode: "error.type",
} as const;

/** Which binding a span belongs to. */
export interface SpanOwner {
  binding: string;
  sourceKind: string;
}

/** Handles one body; the binding's untraced handler. */
export type Handle = (body: Uint8Array, info: MessageInfo) => Promise<HandleResult>;

/**
 * Runs `handle` inside the request's span. Not async, and `body` is only passed on: a large
 * body must not stay reachable from this frame while S3 works.
 */
export function traceRequest(
  owner: SpanOwner,
  body: Uint8Array,
  info: MessageInfo,
  handle: Handle,
): Promise<HandleResult> {
  const parent = senderContext(info.tags);
  const span = tracer().startSpan(owner.binding, { kind: SpanKind.CONSUMER }, parent);
  // Deno's spans say they record even when the sampler dropped them: the trace flags tell. A
  // span that will not be exported gets no attributes and no log fields (a ratio sampler's
  // unsampled requests cost the least), but its context still goes back in the tags.
  const sampled = (span.spanContext().traceFlags & TraceFlags.SAMPLED) !== 0;
  if (sampled) {
    span.setAttributes({
      [REQUEST_SPAN.system]: "kubemq",
      [REQUEST_SPAN.sourceKind]: owner.sourceKind,
      [REQUEST_SPAN.binding]: owner.binding,
      [REQUEST_SPAN.channel]: info.channel,
      [REQUEST_SPAN.messageId]: info.requestId,
      [REQUEST_SPAN.bytesIn]: body.byteLength,
    });
  }
  let answered: Promise<HandleResult>;
  try {
    answered = sampled
      ? context.with(
        trace.setSpan(parent, span),
        _enter,
        undefined,
        logFields(span),
        handle,
        body,
        info,
      )
      : context.with(trace.setSpan(parent, span), handle, undefined, body, info);
  } catch (err) {
    answered = Promise.reject(err);
  }
  return answered.then((result) => _end(span, sampled, result, info), (err) => {
    span.recordException(err instanceof Error ? err : String(err));
    span.setStatus({ code: SpanStatusCode.ERROR, message: String(err) });
    span.end();
    throw err;
  });
}

/** Runs the handler with the span's ids in every log line. */
function _enter(
  fields: Record<string, unknown>,
  handle: Handle,
  body: Uint8Array,
  info: MessageInfo,
): Promise<HandleResult> {
  return withLogContext(fields, () => handle(body, info));
}

function _end(span: Span, sampled: boolean, result: HandleResult, info: MessageInfo): HandleResult {
  const { outcome } = result;
  if (!sampled) {
    span.end();
    result.tags = contextTags(span, info.tags);
    return result;
  }
  span.setAttributes({
    // The pieces' length when there are pieces: reading `body` would make a large one whole.
    [REQUEST_SPAN.bytesOut]: (result.pieces ?? result.body).byteLength,
    [REQUEST_SPAN.outcome]: outcome.kind,
    ...(outcome.code ? { [REQUEST_SPAN.errorCode]: outcome.code } : {}),
  });
  if (outcome.kind !== "ok") span.setStatus({ code: SpanStatusCode.ERROR, message: outcome.error });
  span.end();
  // Assigned, not spread: spreading would read the lazy `body` and make a large one whole.
  result.tags = contextTags(span, info.tags);
  return result;
}
