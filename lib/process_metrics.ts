/**
 * prom-client's default metrics, which carry the `process_*` series under the names of
 * Prometheus' process collector (the original serves them from promhttp's default registry), as
 * far as the sandbox lets them be true. Deno refuses every read of `/proc/self` short of
 * `--allow-all`, which the connector never has, so the series prom-client reads from there would
 * all be 0: those are removed, and the resident memory comes from `Deno.memoryUsage()` instead.
 */
import client from "prom-client";

/**
 * Default series that cannot be measured here: read from /proc/self (forbidden), or, for the
 * event-loop lag, from a histogram Deno does not fill (its mean is written "Nan", which a
 * Prometheus scrape rejects).
 */
const UNMEASURABLE = [
  "process_resident_memory_bytes",
  "process_virtual_memory_bytes",
  "process_heap_bytes",
  "process_open_fds",
  "process_max_fds",
  "nodejs_eventloop_lag_seconds",
  "nodejs_eventloop_lag_min_seconds",
  "nodejs_eventloop_lag_max_seconds",
  "nodejs_eventloop_lag_mean_seconds",
  "nodejs_eventloop_lag_stddev_seconds",
  "nodejs_eventloop_lag_p50_seconds",
  "nodejs_eventloop_lag_p90_seconds",
  "nodejs_eventloop_lag_p99_seconds",
] as const;

/**
 * Registers the default metrics in `registry`: process_cpu_seconds_total (and its user and
 * system parts), process_start_time_seconds, process_resident_memory_bytes, and the nodejs_*
 * heap, handle and GC series.
 */
export function registerProcessMetrics(registry: client.Registry): void {
  client.collectDefaultMetrics({ register: registry });
  for (const name of UNMEASURABLE) registry.removeSingleMetric(name);
  new client.Gauge({
    name: "process_resident_memory_bytes",
    help: "Resident memory size in bytes.",
    registers: [registry],
    collect() {
      this.set(Deno.memoryUsage().rss);
    },
  });
}
