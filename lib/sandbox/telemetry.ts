/**
 * Where the runtime sends traces, for the launcher's start-up line. Deno's OpenTelemetry is on
 * when the process starts with `OTEL_DENO=true`, for the launcher and its sandboxed worker alike
 * (a worker cannot turn it on by itself: the runtime reads the variable once, at process start).
 * The runtime's exporter runs outside the JavaScript permission checks, so the worker's
 * allow-list needs no entry for the collector: it stays the same with tracing on or off.
 */

/** The standard OTLP variables the runtime reads, and their meaning for traces. */
export interface TracesExport {
  /** The URL spans are posted to. */
  endpoint: string;
  /** http/protobuf (Deno's default) or http/json. */
  protocol: string;
}

/**
 * The traces endpoint and protocol as the OTLP specification derives them from the environment:
 * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` as is, else `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/traces`,
 * else `http://localhost:4318/v1/traces`.
 */
export function tracesExport(env: (name: string) => string | undefined): TracesExport {
  const signal = env("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")?.trim();
  const base = env("OTEL_EXPORTER_OTLP_ENDPOINT")?.trim();
  const endpoint = signal
    ? signal
    : `${(base || "http://localhost:4318").replace(/\/+$/, "")}/v1/traces`;
  const protocol = env("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL")?.trim() ||
    env("OTEL_EXPORTER_OTLP_PROTOCOL")?.trim() || "http/protobuf";
  return { endpoint, protocol };
}

/**
 * Whether the runtime records spans. Asked only when OTEL_DENO is set at all: the answer comes
 * from the tracer (lib/trace/tracer.ts), which the launcher otherwise never loads.
 */
export async function tracingOnInProcess(
  env: (name: string) => string | undefined,
): Promise<boolean> {
  if (!env("OTEL_DENO")) return false;
  const { tracingOn } = await import("../trace/tracer.ts");
  return tracingOn();
}
