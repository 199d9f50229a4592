/**
 * A small OTLP receiver (http/json) for tests: it listens on a free local port, accepts what an
 * OpenTelemetry exporter posts to `/v1/traces`, `/v1/logs` and `/v1/metrics`, and keeps every
 * span it receives, flattened. Every POST is counted, whatever its path or encoding, so a test
 * can also prove that nothing was exported at all.
 *
 * @module
 */
import { type ProtobufSpan, protobufSpans } from "./otlp_protobuf.ts";

/** An OTLP attribute value, as the JSON encoding writes it. */
interface AnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string | number;
  doubleValue?: number;
  arrayValue?: { values?: AnyValue[] };
}

interface JsonSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  traceState?: string;
  name: string;
  kind?: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes?: { key: string; value: AnyValue }[];
  status?: { code?: number; message?: string };
}

interface TracesRequest {
  resourceSpans?: {
    resource?: { attributes?: { key: string; value: AnyValue }[] };
    scopeSpans?: { scope?: { name?: string }; spans?: JsonSpan[] }[];
  }[];
}

/** One received span, flattened. */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  /** "" for a root span. */
  parentSpanId: string;
  traceState: string;
  name: string;
  /** OTLP SpanKind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  /** The instrumentation scope's name ("deno" for the runtime's own spans). */
  scope: string;
  /** The resource's `service.name`. */
  service: string;
  attributes: Record<string, string | number | boolean | unknown[]>;
  /** OTLP StatusCode: 0 unset, 1 ok, 2 error. */
  status: { code: number; message: string };
  startNs: bigint;
  endNs: bigint;
}

/** One POST the receiver got. */
export interface ReceivedExport {
  path: string;
  contentType: string;
}

/** How the receiver treats bodies. */
export interface OtlpReceiverOptions {
  /**
   * Accept http/protobuf bodies too (answered 200; a `/v1/traces` body's spans counted by
   * scope and kind, see otlp_protobuf.ts). By default they are refused with 415.
   */
  protobuf?: boolean;
}

/** A running receiver. */
export interface OtlpReceiver {
  /** `http://127.0.0.1:<port>`: the value for OTEL_EXPORTER_OTLP_ENDPOINT. */
  readonly endpoint: string;
  readonly port: number;
  /** Every POST so far, in order. */
  exports(): ReceivedExport[];
  /** Every span so far, in order of arrival. */
  spans(): ReceivedSpan[];
  /** Every span of the http/protobuf bodies so far (with `protobuf: true`), scope and kind. */
  protobufSpans(): ProtobufSpan[];
  /** Resolves with the spans once `ready(spans)` holds; rejects after `timeoutMs`. */
  waitFor(ready: (spans: ReceivedSpan[]) => boolean, timeoutMs?: number): Promise<ReceivedSpan[]>;
  close(): Promise<void>;
}

function _value(v: AnyValue): string | number | boolean | unknown[] {
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.arrayValue !== undefined) return (v.arrayValue.values ?? []).map(_value);
  return "";
}

function _attributes(list: { key: string; value: AnyValue }[] | undefined) {
  const out: ReceivedSpan["attributes"] = {};
  for (const a of list ?? []) out[a.key] = _value(a.value);
  return out;
}

/** The spans of one `/v1/traces` JSON body. */
export function flattenTraces(body: TracesRequest): ReceivedSpan[] {
  const out: ReceivedSpan[] = [];
  for (const rs of body.resourceSpans ?? []) {
    const service = String(_attributes(rs.resource?.attributes)["service.name"] ?? "");
    for (const ss of rs.scopeSpans ?? []) {
      for (const s of ss.spans ?? []) {
        out.push({
          traceId: s.traceId,
          spanId: s.spanId,
          parentSpanId: s.parentSpanId ?? "",
          traceState: s.traceState ?? "",
          name: s.name,
          kind: s.kind ?? 0,
          scope: ss.scope?.name ?? "",
          service,
          attributes: _attributes(s.attributes),
          status: { code: s.status?.code ?? 0, message: s.status?.message ?? "" },
          startNs: BigInt(s.startTimeUnixNano),
          endNs: BigInt(s.endTimeUnixNano),
        });
      }
    }
  }
  return out;
}

async function _text(req: Request): Promise<string> {
  if (req.headers.get("content-encoding") === "gzip" && req.body) {
    return await new Response(req.body.pipeThrough(new DecompressionStream("gzip"))).text();
  }
  return await req.text();
}

/**
 * Starts a receiver on a free port of 127.0.0.1.
 *
 * @example
 * ```ts
 * const otlp = await startOtlpReceiver();
 * // run a process with OTEL_EXPORTER_OTLP_ENDPOINT=otlp.endpoint and
 * // OTEL_EXPORTER_OTLP_PROTOCOL=http/json, then:
 * const spans = await otlp.waitFor((s) => s.some((x) => x.name === "kubemq.query"));
 * await otlp.close();
 * ```
 */
export function startOtlpReceiver(options: OtlpReceiverOptions = {}): Promise<OtlpReceiver> {
  const exports: ReceivedExport[] = [];
  const spans: ReceivedSpan[] = [];
  const binarySpans: ProtobufSpan[] = [];
  const waiters = new Set<() => void>();
  let onListen!: (port: number) => void;
  const listening = new Promise<number>((r) => (onListen = r));
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: ({ port }) => onListen(port) },
    async (req) => {
      const path = new URL(req.url).pathname;
      const contentType = req.headers.get("content-type") ?? "";
      exports.push({ path, contentType });
      if (req.method !== "POST") return new Response("POST only", { status: 405 });
      if (options.protobuf && contentType.startsWith("application/x-protobuf")) {
        const body = new Uint8Array(await req.arrayBuffer());
        if (path === "/v1/traces") {
          try {
            binarySpans.push(...protobufSpans(body));
          } catch (err) {
            return new Response(`bad traces body: ${err}`, { status: 400 });
          }
        }
        // An empty Export*ServiceResponse: every item accepted.
        return new Response(new Uint8Array(0), {
          headers: { "content-type": "application/x-protobuf" },
        });
      }
      if (!contentType.startsWith("application/json")) {
        // Recorded above; not decoded (tests ask for http/json).
        await req.body?.cancel();
        return new Response("http/json only", { status: 415 });
      }
      const text = await _text(req);
      if (path === "/v1/traces") {
        try {
          spans.push(...flattenTraces(JSON.parse(text) as TracesRequest));
        } catch (err) {
          return new Response(`bad traces body: ${err}`, { status: 400 });
        }
        for (const wake of waiters) wake();
      }
      return Response.json({});
    },
  );
  return listening.then((port) => ({
    endpoint: `http://127.0.0.1:${port}`,
    port,
    exports: () => [...exports],
    spans: () => [...spans],
    protobufSpans: () => [...binarySpans],
    waitFor(ready, timeoutMs = 15_000) {
      if (ready(spans)) return Promise.resolve([...spans]);
      return new Promise((resolve, reject) => {
        const wake = () => {
          if (!ready(spans)) return;
          cleanup();
          resolve([...spans]);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no matching spans after ${timeoutMs} ms; got ${spans.length}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(wake);
        };
        waiters.add(wake);
      });
    },
    close: () => server.shutdown(),
  }));
}
