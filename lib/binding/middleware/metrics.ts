/**
 * The binding's counters: the original's five (requests, their volume, responses, their volume,
 * errors) and ours (duration per method and outcome, in flight, bytes the target moved).
 */
import type { BindingLabels, Metrics } from "../../metrics.ts";
import type { ResponseMiddleware } from "./compose.ts";

/** A binding's own counts, for /bindings/state. */
export interface BindingCounters {
  requests: number;
  errors: number;
  inFlight: number;
}

/** Counts each request and how it ended. */
export function countRequests(
  metrics: Metrics,
  labels: BindingLabels,
  counters: BindingCounters,
): ResponseMiddleware {
  const binding = { binding: labels.binding };
  return async (call, next) => {
    // The original's counters: requests and their data bytes (not the encoded body).
    metrics.requests.inc(labels);
    metrics.requestsVolume.inc(labels, call.request.data?.length ?? 0);
    counters.requests++;
    counters.inFlight++;
    metrics.inFlight.inc(binding);
    const response = await next();
    if (!response.isError) {
      metrics.bytesOut.inc(binding, call.bytesOut);
      metrics.bytesIn.inc(binding, call.bytesIn);
    }
    const seconds = (performance.now() - call.started) / 1000;
    const outcome = response.isError ? "error" : "ok";
    // Method names come from senders: an unknown one gets one shared label value, so random
    // names cannot grow the histogram's series without bound.
    const method = response.metadata.error_code === "UnknownMethod" ? "unknown" : call.method;
    metrics.duration.observe({ ...binding, method, outcome }, seconds);
    metrics.inFlight.dec(binding);
    counters.inFlight--;
    if (!response.isError) {
      // As the original: responses count successes, their volume the data bytes.
      metrics.responses.inc(labels);
      metrics.responsesVolume.inc(labels, response.data?.length ?? 0);
    } else {
      counters.errors++;
      metrics.errors.inc(labels);
    }
    return response;
  };
}
