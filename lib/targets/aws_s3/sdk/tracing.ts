/**
 * The span of each S3 call, when tracing is on. The runtime already makes a client span for every
 * HTTP attempt the SDK sends through `node:http`, under the request's span; a second span of ours
 * per call doubled the spans per request, and each span costs the runtime ~25 µs of CPU to make
 * and export (docs/benchmark.md, "The cost of tracing"). So one SDK middleware, in the
 * `deserialize` step right around the HTTP handler (inside the retries, once per attempt), names
 * the runtime's span `S3.<Operation>` and adds what only the SDK knows: the operation, bucket,
 * key and S3's request ids (the runtime sets the HTTP status, and the error status at 4xx/5xx).
 *
 * The runtime's span is reached from the response: the SDK's body is `node:http`'s
 * IncomingMessage, whose `req` holds the span under the runtime's `kOtelSpan` symbol. Should a
 * runtime not make or keep that span, the middleware makes one of its own for the attempt, with
 * the same name and attributes, from the attempt's start to its response.
 *
 * Attribute names follow OpenTelemetry's conventions for the AWS SDK (`rpc.*`, `aws.*`).
 */
import type { S3Client } from "@aws-sdk/client-s3";
import { type Span, SpanKind, TraceFlags } from "@opentelemetry/api";
import { tracer } from "../../../trace/tracer.ts";
import { S3_BUCKET, S3_KEY } from "../span_attributes.ts";

/** The attribute names of an S3 call span. */
export const S3_SPAN = {
  system: "rpc.system",
  service: "rpc.service",
  method: "rpc.method",
  bucket: S3_BUCKET,
  key: S3_KEY,
  status: "http.response.status_code",
  /** S3's `x-amz-request-id`. */
  requestId: "aws.request_id",
  /** S3's `x-amz-id-2`. */
  extendedRequestId: "aws.extended_request_id",
} as const;

/** What the middleware reads of the SDK's HTTP response. */
interface _HttpResponse {
  statusCode?: number;
  headers?: Record<string, string | undefined>;
  body?: { req?: object };
}

let _spanSymbol: symbol | null | undefined;

/** The runtime's span of the `node:http` request behind `body`, if it has one still open. */
export function runtimeHttpSpan(body: { req?: object } | undefined): Span | undefined {
  const req = body?.req;
  if (req === undefined || req === null) return undefined;
  // Found once: the runtime's private symbol, by its description.
  _spanSymbol ??= Object.getOwnPropertySymbols(req).find((s) => s.description === "kOtelSpan") ??
    null;
  if (_spanSymbol === null) {
    // Not set on this request (yet): look again next time rather than never.
    _spanSymbol = undefined;
    return undefined;
  }
  const span = (req as Record<symbol, unknown>)[_spanSymbol];
  return span && typeof (span as Span).setAttributes === "function" ? span as Span : undefined;
}

/** The span's attributes for one attempt: the call's, then S3's answer. */
function _attributes(
  operation: string,
  input: { Bucket?: unknown; Key?: unknown },
  response: _HttpResponse | undefined,
): Record<string, string | number> {
  const out: Record<string, string | number> = {
    [S3_SPAN.system]: "aws-api",
    [S3_SPAN.service]: "S3",
    [S3_SPAN.method]: operation,
  };
  if (typeof input.Bucket === "string") out[S3_SPAN.bucket] = input.Bucket;
  if (typeof input.Key === "string") out[S3_SPAN.key] = input.Key;
  const h = response?.headers;
  const requestId = h?.["x-amz-request-id"];
  if (requestId) out[S3_SPAN.requestId] = requestId;
  const id2 = h?.["x-amz-id-2"];
  if (id2) out[S3_SPAN.extendedRequestId] = id2;
  return out;
}

/** Adds the span middleware to `client`. */
export function traceS3Calls(client: S3Client): void {
  client.middlewareStack.add(
    (next, handlerContext) => async (args) => {
      const start = performance.timeOrigin + performance.now();
      const operation = String(handlerContext.commandName ?? "").replace(/Command$/, "");
      const input = args.input as { Bucket?: unknown; Key?: unknown };
      let out;
      try {
        out = await next(args);
      } catch (err) {
        // No response (a refused connection, a timeout): the runtime's span, if any, has the error.
        const response = (err as { $response?: _HttpResponse }).$response;
        _annotate(operation, input, response, start);
        throw err;
      }
      _annotate(operation, input, out.response as _HttpResponse, start);
      return out;
    },
    { step: "deserialize", priority: "low", name: "kubemqS3Trace", override: true },
  );
}

function _annotate(
  operation: string,
  input: { Bucket?: unknown; Key?: unknown },
  response: _HttpResponse | undefined,
  start: number,
): void {
  const span = runtimeHttpSpan(response?.body);
  // Not sampled (Deno's spans say they record even then): nothing of it is exported.
  if (span !== undefined && (span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return;
  const name = `S3.${operation}`;
  const attributes = _attributes(operation, input, response);
  if (span !== undefined) {
    span.updateName(name);
    span.setAttributes(attributes);
    return;
  }
  // No runtime span to name: one of ours for the attempt, under the request's span.
  if (response?.statusCode !== undefined) attributes[S3_SPAN.status] = response.statusCode;
  const own = tracer().startSpan(name, { kind: SpanKind.CLIENT, startTime: start, attributes });
  if ((response?.statusCode ?? 0) >= 400 || response === undefined) {
    own.setStatus({ code: 2, message: response ? String(response.statusCode) : "no response" });
  }
  own.end();
}
