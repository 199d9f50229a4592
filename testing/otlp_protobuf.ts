/**
 * Counts the spans of an OTLP http/protobuf `/v1/traces` body (an ExportTraceServiceRequest)
 * without a protobuf library: it walks the three nested repeated fields down to the spans and
 * reads each one's scope name and kind. Enough for a witness that a connector exporting over
 * http/protobuf traced (the bench); tests that look at spans ask for http/json instead.
 *
 * The messages (opentelemetry-proto, trace/v1/trace.proto):
 * ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
 * ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; }
 * ScopeSpans { InstrumentationScope scope = 1; repeated Span spans = 2; }
 * InstrumentationScope { string name = 1; }
 * Span { ... SpanKind kind = 6; ... }
 *
 * @module
 */

/** One span of a protobuf body: its scope's name and its kind (5 is consumer). */
export interface ProtobufSpan {
  scope: string;
  kind: number;
}

/** A field of a message: its number, and its bytes when it is length-delimited. */
interface _Field {
  field: number;
  bytes: Uint8Array | null;
  varint: number;
}

function _varint(buf: Uint8Array, at: { pos: number }): number {
  let out = 0;
  let mul = 1;
  for (;;) {
    if (at.pos >= buf.length) throw new Error("truncated varint");
    const b = buf[at.pos++]!;
    out += (b & 0x7f) * mul;
    if (b < 0x80) return out;
    mul *= 128;
  }
}

function* _fields(buf: Uint8Array): Generator<_Field> {
  const at = { pos: 0 };
  while (at.pos < buf.length) {
    const tag = _varint(buf, at);
    const field = Math.floor(tag / 8);
    switch (tag & 7) {
      case 0:
        yield { field, bytes: null, varint: _varint(buf, at) };
        break;
      case 1:
        at.pos += 8;
        break;
      case 2: {
        const len = _varint(buf, at);
        if (at.pos + len > buf.length) throw new Error("truncated field");
        yield { field, bytes: buf.subarray(at.pos, at.pos + len), varint: 0 };
        at.pos += len;
        break;
      }
      case 5:
        at.pos += 4;
        break;
      default:
        throw new Error(`unsupported wire type ${tag & 7}`);
    }
  }
}

function _children(buf: Uint8Array, field: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const f of _fields(buf)) if (f.field === field && f.bytes) out.push(f.bytes);
  return out;
}

/** The spans of an ExportTraceServiceRequest; throws on a malformed body. */
export function protobufSpans(body: Uint8Array): ProtobufSpan[] {
  const out: ProtobufSpan[] = [];
  const decoder = new TextDecoder();
  for (const resourceSpans of _children(body, 1)) {
    for (const scopeSpans of _children(resourceSpans, 2)) {
      const [scope] = _children(scopeSpans, 1);
      const [name] = scope ? _children(scope, 1) : [];
      const scopeName = name ? decoder.decode(name) : "";
      for (const span of _children(scopeSpans, 2)) {
        let kind = 0;
        for (const f of _fields(span)) if (f.field === 6 && f.bytes === null) kind = f.varint;
        out.push({ scope: scopeName, kind });
      }
    }
  }
  return out;
}
