/**
 * Where the runtime sends traces, for the launcher's start-up line. Deno's OpenTelemetry is on
 * when the process starts with `OTEL_DENO=true`, for the launcher and its sandboxed worker alike
 * (a worker cannot turn it on by itself: the runtime reads the variable once, at process start).
 *
 * With tracing on, the worker's allow-list gets the collector's `host:port`, derived from the
 * standard variables as the other endpoints are from the config: the operator sees every place
 * the process may reach in one list. Deno 2.9's exporter does not need it (it runs outside the
 * JavaScript permission checks), but a runtime that checks it will find it there. With tracing
 * off the list is unchanged.
 */
import { formatHostPort } from "../host_port.ts";

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
 * The collector's `host:port` for the allow-list, from the traces endpoint's URL (the scheme's
 * port when the URL has none). Throws, naming the variable and its value, when it is not an
 * http or https URL: the runtime could not export to it either.
 */
export function collectorHostPort(env: (name: string) => string | undefined): string {
  const { endpoint } = tracesExport(env);
  const from = env("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")?.trim()
    ? "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"
    : "OTEL_EXPORTER_OTLP_ENDPOINT";
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new Error(`${from}: not a URL: ${JSON.stringify(endpoint)}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new Error(`${from}: expected an http or https URL, got ${JSON.stringify(endpoint)}`);
  }
  const port = url.port ? Number(url.port) : url.protocol === "https:" ? 443 : 80;
  // URL keeps IPv6 hosts in brackets; formatHostPort adds them back.
  return formatHostPort({ host: url.hostname.replace(/^\[|\]$/g, ""), port });
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
