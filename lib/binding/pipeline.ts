/**
 * A binding's request pipeline: its middleware composed once around the target. Outside the
 * envelope the middleware sees responses; inside it, the target's result or its error.
 */
import type { Logger } from "@logtape/logtape";
import type { Target } from "../kinds/kind.ts";
import type { BindingLabels, Metrics } from "../metrics.ts";
import { tracingOn } from "../trace/tracer.ts";
import type { TargetRequest, TargetResponse } from "../wire.ts";
import { type Call, compose } from "./middleware/compose.ts";
import { deadline } from "./middleware/deadline.ts";
import { envelope } from "./middleware/envelope.ts";
import { logContext } from "./middleware/log_context.ts";
import { mergeMetadata } from "./middleware/merge_metadata.ts";
import { type BindingCounters, countRequests } from "./middleware/metrics.ts";
import { rateLimit } from "./middleware/rate_limit.ts";
import { logRequests } from "./middleware/request_log.ts";
import { retry } from "./middleware/retry.ts";
import { spanAttributes } from "./middleware/span_attributes.ts";
import { targetReady } from "./middleware/target_ready.ts";
import type { BindingSpec } from "./spec.ts";

/** What the pipeline needs of its binding. */
export interface PipelineDeps {
  metrics: Metrics;
  labels: BindingLabels;
  /** The binding's counters, kept by the metrics middleware. */
  counters: BindingCounters;
  /** Aborted when the drain time is over, to cut target calls still running. */
  hardStop: AbortSignal;
  /** The running target, or why there is none yet. */
  target(): { target: Target | null; why: string };
  /** The binding's logger (unexpected failures). */
  log: Logger;
  /** The binding's per-request logger. */
  requests: Logger;
}

/** Runs one parsed request: the response, and whether its failure may succeed later. Never rejects. */
export type Pipeline = (
  request: TargetRequest,
  requestId: string,
  started: number,
) => Promise<{ response: TargetResponse; retryable: boolean }>;

/** Composes the binding's middleware once. */
export function createPipeline(spec: BindingSpec, deps: PipelineDeps): Pipeline {
  const mw = spec.middleware;
  const toTarget = compose([
    deadline(mw.request_timeout_seconds, deps.hardStop),
    targetReady(deps.target, { binding: spec.name, target: spec.target.name || spec.target.kind }),
    // Inside retry, as in the original's chain: every attempt takes a token.
    retry(mw),
    rateLimit(mw.rate_per_second),
    logContext,
  ], (call) => call.target!.run(call.request, call.signal));
  const chain = compose([
    mergeMetadata(mw.metadata),
    ...(tracingOn() ? [spanAttributes] : []),
    countRequests(deps.metrics, deps.labels, deps.counters),
    logRequests(mw.log_level),
  ], envelope(toTarget, deps.log, spec.name));
  const binding = spec.name;
  return async (request, requestId, started) => {
    const call: Call = {
      request,
      method: request.metadata.method ?? "",
      requestId,
      started,
      signal: deps.hardStop,
      target: null,
      retryable: false,
      bytesOut: 0,
      bytesIn: 0,
      log: deps.requests,
      fields: () => ({ binding, method: call.method, requestId }),
    };
    const response = await chain(call);
    return { response, retryable: call.retryable };
  };
}
