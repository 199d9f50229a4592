/**
 * A span for each S3 call, when tracing is on: one SDK middleware, first in the `initialize`
 * step, so it spans the whole command (signing and retries) and every command sent through the
 * client (the multipart upload's parts and the waiters' polls too). The runtime traces each
 * HTTP attempt (node:http) as a child of it; this span adds what only the SDK knows: the
 * operation, S3's request ids and the final HTTP status.
 *
 * Attribute names follow OpenTelemetry's conventions for the AWS SDK (`rpc.*`, `aws.*`).
 */
import type { S3Client } from "@aws-sdk/client-s3";
import { context, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
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
  /** The SDK's error name (NoSuchKey, AccessDenied, ...). */
  errorType: "error.type",
} as const;

interface Metadata {
  httpStatusCode?: number;
  requestId?: string;
  extendedRequestId?: string;
}

function _metadataAttributes(m: Metadata | undefined): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  if (m?.httpStatusCode !== undefined) out[S3_SPAN.status] = m.httpStatusCode;
  if (m?.requestId) out[S3_SPAN.requestId] = m.requestId;
  if (m?.extendedRequestId) out[S3_SPAN.extendedRequestId] = m.extendedRequestId;
  return out;
}

/** Adds the span middleware to `client`. */
export function traceS3Calls(client: S3Client): void {
  client.middlewareStack.add(
    (next, handlerContext) => async (args) => {
      const operation = String(handlerContext.commandName ?? "").replace(/Command$/, "");
      const input = args.input as { Bucket?: unknown; Key?: unknown };
      const span = tracer().startSpan(`S3.${operation}`, {
        kind: SpanKind.CLIENT,
        attributes: {
          [S3_SPAN.system]: "aws-api",
          [S3_SPAN.service]: "S3",
          [S3_SPAN.method]: operation,
          ...(typeof input.Bucket === "string" ? { [S3_SPAN.bucket]: input.Bucket } : {}),
          ...(typeof input.Key === "string" ? { [S3_SPAN.key]: input.Key } : {}),
        },
      });
      try {
        const out = await context.with(trace.setSpan(context.active(), span), () => next(args));
        span.setAttributes(
          _metadataAttributes((out.output as { $metadata?: Metadata }).$metadata),
        );
        return out;
      } catch (err) {
        const e = err as { name?: string; message?: string; $metadata?: Metadata };
        span.setAttributes({
          ..._metadataAttributes(e.$metadata),
          [S3_SPAN.errorType]: e.name ?? "Error",
        });
        // The SDK names an error without a body (a HEAD or GET 404) "UnknownError": its name
        // (NoSuchKey, NotFound) says more.
        const message = e.message && e.message !== "UnknownError" ? e.message : e.name;
        span.setStatus({ code: SpanStatusCode.ERROR, message: message ?? String(err) });
        throw err;
      } finally {
        span.end();
      }
    },
    { step: "initialize", priority: "high", name: "kubemqS3Trace", override: true },
  );
}
