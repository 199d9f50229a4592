/**
 * What the S3 target adds to a request's span when tracing is on: the bucket and key the request
 * names (never the data). The binding owns the span; only this kind knows which of its metadata
 * fields name a bucket and a key.
 */
import { trace } from "@opentelemetry/api";
import { tracingOn } from "../../trace/tracer.ts";

/** OpenTelemetry's attribute names for an S3 bucket and key. */
export const S3_BUCKET = "aws.s3.bucket";
export const S3_KEY = "aws.s3.key";

/** Sets the request's bucket and key on the active span; nothing when tracing is off. */
export function annotateRequestSpan(args: Readonly<Record<string, unknown>>): void {
  if (!tracingOn()) return;
  const span = trace.getActiveSpan();
  if (span === undefined) return;
  const { bucket_name: bucket, item_name: key } = args;
  if (typeof bucket === "string" && bucket !== "") span.setAttribute(S3_BUCKET, bucket);
  if (typeof key === "string" && key !== "") span.setAttribute(S3_KEY, key);
}
