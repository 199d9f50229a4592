/**
 * Prometheus metrics with prom-client (the de-facto Node client; it runs unchanged under Deno
 * and writes the exposition format for us). The original connector's counters keep their names
 * and labels; ours add durations, in-flight, reconnects and bytes; prom-client's default metrics
 * add the process_* series.
 */
import client from "prom-client";
import { registerProcessMetrics } from "./process_metrics.ts";

/** Labels of the original's counters. */
export interface BindingLabels {
  binding: string;
  source_name: string;
  source_kind: string;
  target_name: string;
  target_kind: string;
}

const original = ["binding", "source_name", "source_kind", "target_name", "target_kind"] as const;

/** The metric set of one process. */
export class Metrics {
  readonly registry = new client.Registry();
  readonly requests = new client.Counter({
    name: "kubemq_targets_requests_count",
    help: "Requests received, per binding (bodies that fail to parse are not counted).",
    labelNames: original,
    registers: [this.registry],
  });
  readonly requestsVolume = new client.Counter({
    name: "kubemq_targets_requests_volume",
    help: "Bytes of request data received, per binding.",
    labelNames: original,
    registers: [this.registry],
  });
  readonly responses = new client.Counter({
    name: "kubemq_targets_responses_count",
    help: "Successful responses, per binding.",
    labelNames: original,
    registers: [this.registry],
  });
  readonly responsesVolume = new client.Counter({
    name: "kubemq_targets_responses_volume",
    help: "Bytes of successful responses' data, per binding.",
    labelNames: original,
    registers: [this.registry],
  });
  readonly errors = new client.Counter({
    name: "kubemq_targets_errors_count",
    help: "Requests whose target failed (is_error), per binding.",
    labelNames: original,
    registers: [this.registry],
  });
  readonly invalidRequests = new client.Counter({
    name: "kubemq_s3_invalid_requests_total",
    help: "Query bodies that are not a valid request (answered with InvalidRequest), per binding.",
    labelNames: ["binding"] as const,
    registers: [this.registry],
  });
  readonly duration = new client.Histogram({
    name: "kubemq_s3_request_duration_seconds",
    help: "Time from receiving a request to having its response, per binding and method.",
    labelNames: ["binding", "method", "outcome"] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });
  readonly inFlight = new client.Gauge({
    name: "kubemq_s3_requests_in_flight",
    help: "Requests being handled now, per binding.",
    labelNames: ["binding"] as const,
    registers: [this.registry],
  });
  readonly reconnects = new client.Counter({
    name: "kubemq_s3_source_reconnects_total",
    help: "Resubscriptions of a binding's source after its stream failed or ended.",
    labelNames: ["binding"] as const,
    registers: [this.registry],
  });
  // Bytes out to and in from the backend (TargetResult); the exposed names stay those
  // docs/operations.md documents.
  readonly bytesOut = new client.Counter({
    name: "kubemq_s3_uploaded_bytes_total",
    help: "Bytes the target uploaded (as its methods report), per binding.",
    labelNames: ["binding"] as const,
    registers: [this.registry],
  });
  readonly bytesIn = new client.Counter({
    name: "kubemq_s3_downloaded_bytes_total",
    help: "Bytes the target downloaded (as its methods report), per binding.",
    labelNames: ["binding"] as const,
    registers: [this.registry],
  });
  readonly up = new client.Gauge({
    name: "kubemq_s3_binding_up",
    help: "1 when the binding's subscription is active, else 0.",
    labelNames: ["binding"] as const,
    registers: [this.registry],
  });

  constructor() {
    // The process_* series a dashboard of the original expects (see process_metrics.ts).
    registerProcessMetrics(this.registry);
  }

  /**
   * Creates a binding's series at 0, so a scrape right after start lists every binding and
   * `rate()` sees the first request as an increase rather than as a new series.
   */
  addBinding(labels: BindingLabels): void {
    for (const c of [this.requests, this.requestsVolume, this.responses, this.responsesVolume]) {
      c.inc(labels, 0);
    }
    this.errors.inc(labels, 0);
    const binding = { binding: labels.binding };
    this.inFlight.inc(binding, 0);
    this.invalidRequests.inc(binding, 0);
    this.reconnects.inc(binding, 0);
    this.bytesOut.inc(binding, 0);
    this.bytesIn.inc(binding, 0);
  }

  /** The exposition text. */
  async text(): Promise<string> {
    return await this.registry.metrics();
  }

  /** The exposition's content type. */
  get contentType(): string {
    return this.registry.contentType;
  }
}
