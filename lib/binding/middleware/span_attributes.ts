/**
 * Adds the request's method to its span, once the config's metadata is merged in; the span
 * itself is the binding's (../request_span.ts), the bucket and key the target's to add (only a
 * kind knows its fields). In the chain only when tracing is on.
 */
import { trace } from "@opentelemetry/api";
import { REQUEST_SPAN } from "../request_span.ts";
import type { ResponseMiddleware } from "./compose.ts";

/** Sets the request's method on the active span and names the span by it. */
export const spanAttributes: ResponseMiddleware = (call, next) => {
  const span = trace.getActiveSpan();
  if (span !== undefined) {
    span.setAttribute(REQUEST_SPAN.method, call.method);
    // Binding and method: few distinct names, as span names should be.
    if (call.method !== "") span.updateName(`${call.fields().binding} ${call.method}`);
  }
  return next();
};
