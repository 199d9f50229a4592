/**
 * The original's two JSON views of the bindings, field for field: `GET /bindings` (its
 * binding/status.go: the config of each binding, here with secrets redacted) and
 * `GET /bindings/stats` (its pkg/metrics/report.go: the five counters per binding).
 */
import type { AppConfig } from "../config/config.ts";
import type { Metrics } from "../metrics.ts";

/** One element of `GET /bindings`, as the original's `Status` struct marshals. */
export interface OriginalStatus {
  binding: string;
  ready: boolean;
  source_type: string;
  /** `address/channel` of the source's properties, as the original builds it. */
  source_connection: string;
  source_config: Record<string, string>;
  target_type: string;
  target_config: Record<string, string>;
}

/** One element of `GET /bindings/stats`, as the original's `Report` struct marshals. */
export interface OriginalReport {
  binding: string;
  source_name: string;
  source_kind: string;
  target_name: string;
  target_kind: string;
  request_count: number;
  request_volume: number;
  response_count: number;
  response_volume: number;
  errors_count: number;
}

/** Go marshals a map with its keys sorted. */
function sorted(record: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/**
 * `GET /bindings`: each configured binding (config order), `ready` from `isReady`. `config`
 * must already be redacted: this view shows the properties as they are.
 */
export async function bindingsView(
  config: AppConfig,
  isReady: (binding: string) => Promise<boolean>,
): Promise<OriginalStatus[]> {
  return await Promise.all(config.bindings.map(async (b) => ({
    binding: b.name,
    ready: await isReady(b.name),
    source_type: b.source.kind,
    source_connection: `${b.source.properties["address"] ?? ""}/${
      b.source.properties["channel"] ?? ""
    }`,
    source_config: sorted(b.source.properties),
    target_type: b.target.kind,
    target_config: sorted(b.target.properties),
  })));
}

const COUNTERS = [
  ["request_count", "requests"],
  ["request_volume", "requestsVolume"],
  ["response_count", "responses"],
  ["response_volume", "responsesVolume"],
  ["errors_count", "errors"],
] as const;

/** `GET /bindings/stats`: the original's five counters per binding, read from the metrics. */
export async function statsView(metrics: Metrics): Promise<OriginalReport[]> {
  const reports = new Map<string, OriginalReport>();
  for (const [field, counter] of COUNTERS) {
    for (const { labels, value } of (await metrics[counter].get()).values) {
      const l = labels as Record<string, string>;
      const key = JSON.stringify([
        l["binding"],
        l["source_name"],
        l["source_kind"],
        l["target_name"],
        l["target_kind"],
      ]);
      let r = reports.get(key);
      if (!r) {
        r = {
          binding: l["binding"] ?? "",
          source_name: l["source_name"] ?? "",
          source_kind: l["source_kind"] ?? "",
          target_name: l["target_name"] ?? "",
          target_kind: l["target_kind"] ?? "",
          request_count: 0,
          request_volume: 0,
          response_count: 0,
          response_volume: 0,
          errors_count: 0,
        };
        reports.set(key, r);
      }
      r[field] = value;
    }
  }
  return [...reports.values()];
}
