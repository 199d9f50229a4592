/**
 * W3C Trace Context (https://www.w3.org/TR/trace-context/) in KubeMQ tags: a sender puts
 * `traceparent` (and optionally `tracestate`) in its message's tags, as an HTTP client puts them
 * in its headers; the connector continues that trace and answers with its own span's context
 * under the same keys. Pure text handling: no OpenTelemetry import, so anything may use it.
 */

/** The tag names, as the HTTP header names of W3C Trace Context. */
export const TRACEPARENT = "traceparent";
export const TRACESTATE = "tracestate";

/** A parsed `traceparent`. */
export interface TraceParent {
  /** 32 lowercase hex digits, not all zero. */
  traceId: string;
  /** The sender's span: 16 lowercase hex digits, not all zero. */
  spanId: string;
  /** Trace flags; bit 0 is "sampled". */
  flags: number;
}

const FORMAT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-[^]*)?$/;

/**
 * Parses a `traceparent` value, or returns null when it is not a valid one (the trace then
 * starts here, as the spec asks of an invalid header).
 *
 * @example
 * ```ts
 * parseTraceParent("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
 * // { traceId: "0af7651916cd43dd8448eb211c80319c", spanId: "b7ad6b7169203331", flags: 1 }
 * ```
 */
export function parseTraceParent(value: string | undefined): TraceParent | null {
  if (value === undefined) return null;
  const m = FORMAT.exec(value.trim());
  if (!m) return null;
  const [, version, traceId, spanId, flags, rest] = m as unknown as [
    string,
    string,
    string,
    string,
    string,
    string | undefined,
  ];
  // Version ff is invalid; version 00 has exactly four fields. A later version may add fields.
  if (version === "ff" || (version === "00" && rest !== undefined)) return null;
  if (/^0+$/.test(traceId) || /^0+$/.test(spanId)) return null;
  return { traceId, spanId, flags: parseInt(flags, 16) };
}

/** Formats a `traceparent` value (version 00). */
export function formatTraceParent(p: TraceParent): string {
  return `00-${p.traceId}-${p.spanId}-${(p.flags & 0xff).toString(16).padStart(2, "0")}`;
}
