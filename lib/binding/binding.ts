/**
 * A binding joins one source to one target: its lifecycle (target start-up with backoff,
 * subscription, drain), its status, and the envelope of each request (parse, run through the
 * middleware in middleware/, encode). Every failure stops here and becomes an `is_error`
 * response; nothing a request does can take the process down.
 */
import type { Logger } from "@logtape/logtape";
import { ConnectorError, toConnectorError } from "../errors.ts";
import type { KindContext, ResponseLimit, SourceKind, TargetKind } from "../kinds/kind.ts";
import { bindingLogger, requestLogger } from "../log.ts";
import type { BindingLabels, Metrics } from "../metrics.ts";
import type { HandleResult, MessageInfo, Source, SourceState } from "../kinds/source.ts";
import { joinPieces } from "../pieces.ts";
import { tracingOn } from "../trace/tracer.ts";
import {
  encodeResponsePieces,
  parseRequest,
  rawRequest,
  type TargetRequest,
  type TargetResponse,
} from "../wire.ts";
import { failureResponse, internalFailure, limitResponse } from "./middleware/envelope.ts";
import type { BindingCounters } from "./middleware/metrics.ts";
import { createPipeline, type Pipeline } from "./pipeline.ts";
import { type SpanOwner, traceRequest } from "./request_span.ts";
import { TargetStarter } from "./target_starter.ts";
import type { BindingSpec } from "./spec.ts";

export type { BindingSpec, MiddlewareSettings } from "./spec.ts";
/** Live status for /bindings/state and /ready (never secrets). */
export interface BindingStatus {
  name: string;
  source: { name: string; kind: string; state: SourceState | null };
  target: { name: string; kind: string; initialised: boolean; lastError: string | null };
  counters: { requests: number; errors: number; inFlight: number };
}

/** Services a binding needs from the process. */
export interface BindingDeps {
  metrics: Metrics;
  readFile(path: string): Promise<Uint8Array>;
  /** Told when the source gives up for good. */
  onDead(binding: string, reason: string): void;
}

/** One running binding. */
export class Binding {
  readonly name: string;
  readonly spec: BindingSpec;
  readonly #log: Logger;
  readonly #requests: Logger;
  readonly #labels: BindingLabels;
  readonly #deps: BindingDeps;
  /** The middleware chain, composed once. */
  readonly #pipeline: Pipeline;
  readonly #sourceKind: SourceKind;
  readonly #targetKind: TargetKind;
  readonly #rawPayload: boolean;
  readonly #responseLimit: ResponseLimit | undefined;
  #source: Source | null = null;
  readonly #target: TargetStarter;
  /** Aborted when the drain time is over, to cut S3 calls still running. */
  readonly #hardStop = new AbortController();
  readonly #counters: BindingCounters = { requests: 0, errors: 0, inFlight: 0 };
  #lastReconnects = 0;
  /** Whose request spans this binding starts; null when tracing is off. */
  readonly #spanOwner: SpanOwner | null;

  constructor(
    spec: BindingSpec,
    kinds: { source: SourceKind; target: TargetKind },
    deps: BindingDeps,
  ) {
    this.name = spec.name;
    this.spec = spec;
    this.#deps = deps;
    this.#sourceKind = kinds.source;
    this.#targetKind = kinds.target;
    this.#log = bindingLogger(spec.name);
    this.#requests = requestLogger(spec.name);
    this.#labels = {
      binding: spec.name,
      source_name: spec.source.name,
      source_kind: spec.source.kind,
      target_name: spec.target.name,
      target_kind: spec.target.kind,
    };
    deps.metrics.addBinding(this.#labels);
    this.#rawPayload = kinds.source.payload(spec.source.options as never) === "raw";
    this.#responseLimit = kinds.source.responseLimit?.(spec.source.options as never);
    this.#spanOwner = tracingOn() ? { binding: spec.name, sourceKind: spec.source.kind } : null;
    this.#target = new TargetStarter(kinds.target, spec.target.options, () => this.#ctx());
    this.#pipeline = createPipeline(spec, {
      metrics: deps.metrics,
      labels: this.#labels,
      counters: this.#counters,
      hardStop: this.#hardStop.signal,
      target: () => ({ target: this.#target.target, why: this.#target.error ?? "starting" }),
      log: this.#log,
      requests: this.#requests,
    });
  }

  #ctx(): KindContext {
    return { binding: this.name, log: this.#log, readFile: this.#deps.readFile };
  }

  /** Creates the target (retried with backoff on failure) and starts the subscription. */
  async start(): Promise<void> {
    await this.#target.start();
    const source = await this.#sourceKind.create(this.spec.source.options as never, this.#ctx());
    this.#source = source;
    source.onDead((reason) => {
      this.#log.error("Binding {binding} stopped serving: {reason}", {
        binding: this.name,
        reason,
      });
      this.#deps.metrics.up.set({ binding: this.name }, 0);
      this.#deps.onDead(this.name, reason);
    });
    await source.start((body, info) => this.handleMessage(body, info));
    this.#log.info(
      "Binding {binding} started: {sourceKind} {sourceName} -> {targetKind} {targetName}",
      {
        binding: this.name,
        sourceKind: this.spec.source.kind,
        sourceName: this.spec.source.name,
        targetKind: this.spec.target.kind,
        targetName: this.spec.target.name,
      },
    );
  }

  /**
   * Handles one message body from the source (of any kind): the response body, within the source's limit, and
   * the outcome. Never rejects: a failure of the binding itself is answered `Internal`.
   */
  handleMessage(body: Uint8Array, info: MessageInfo): Promise<HandleResult> {
    return this.#spanOwner === null
      ? this.#handleMessage(body, info)
      : traceRequest(this.#spanOwner, body, info, this.#handleMessage);
  }

  /** handleMessage without the span (an arrow, so it is passed on without a new closure). */
  readonly #handleMessage = (body: Uint8Array, info: MessageInfo): Promise<HandleResult> => {
    const fail = (err: unknown) => {
      this.#log.error("Request {requestId} failed in binding {binding}: {error}", {
        binding: this.name,
        requestId: info.requestId,
        error: err instanceof Error ? err.message : String(err),
        stack: err instanceof Error ? err.stack ?? "" : "",
      });
      return internalFailure(err);
    };
    try {
      return this.#handle(body, info, this.#rawPayload).then(
        (result) => limitResponse(result, this.#responseLimit),
        fail,
      );
    } catch (err) {
      return Promise.resolve(fail(err));
    }
  };

  /**
   * Runs a request from `POST /bindings/request` (parsed there, once): the same middleware,
   * counters and logs as a message from the source. Never throws.
   */
  async handleApiRequest(request: TargetRequest, requestId: string): Promise<Uint8Array> {
    return (await this.#respond(request, null, requestId, performance.now())).body;
  }

  /**
   * Parses the body, then runs it. Not async on purpose: an async function keeps its
   * parameters reachable until it returns, and a large query's body (~85 MB for a 64 MiB
   * object) is garbage once parsed.
   */
  #handle(body: Uint8Array, info: MessageInfo, raw: boolean): Promise<HandleResult> {
    const started = performance.now();
    let request: TargetRequest | null = null;
    let failure: TargetResponse | null = null;
    try {
      request = raw
        ? rawRequest(body)
        : parseRequest(body, { spendBody: info.bodySpendable === true });
    } catch (err) {
      failure = failureResponse(err, this.#log, this.name).response;
    }
    return this.#respond(request, failure, info.requestId, started);
  }

  async #respond(
    request: TargetRequest | null,
    failure: TargetResponse | null,
    requestId: string,
    started: number,
  ): Promise<HandleResult> {
    let retryable = false;
    let response: TargetResponse;
    if (failure) response = failure;
    else ({ response, retryable } = await this.#pipeline(request!, requestId, started));
    const pieces = encodeResponsePieces(response);
    let whole: Uint8Array | null = null;
    if (request === null) {
      // The original never counts a body it cannot parse in its five counters (it fails before
      // its metrics middleware): our own series counts it.
      this.#deps.metrics.invalidRequests.inc({ binding: this.name });
      // Counted here because the middleware, which counts the others, never saw it.
      this.#counters.requests++;
      this.#counters.errors++;
      this.#requests.error("Request {requestId} rejected: {error}", {
        binding: this.name,
        requestId,
        error: response.error,
      });
    }
    return {
      get body() {
        return whole ??= joinPieces(pieces);
      },
      pieces,
      outcome: {
        kind: !response.isError
          ? "ok"
          : request === null
          ? "invalid"
          : retryable
          ? "retry"
          : "fail",
        error: response.error,
        code: response.metadata.error_code ?? "",
      },
    };
  }

  /**
   * Runs a parsed request through the middleware and the target. Used by the source and by
   * `POST /bindings/request`. Never throws.
   */
  execute(
    request: TargetRequest,
    requestId: string,
    started = performance.now(),
  ): Promise<TargetResponse> {
    return this.#pipeline(request, requestId, started).then((r) => r.response);
  }

  /** Stops taking messages, drains in-flight ones for up to `drainMs`, then closes. */
  async stop(drainMs: number): Promise<void> {
    this.#target.stop();
    const cut = setTimeout(
      () =>
        this.#hardStop.abort(
          new ConnectorError("Timeout", "Timeout: the connector is shutting down"),
        ),
      drainMs,
    );
    try {
      await this.#source?.stop(drainMs);
    } finally {
      clearTimeout(cut);
      this.#target.target?.close();
      this.#deps.metrics.up.set({ binding: this.name }, 0);
    }
  }

  /** Why this binding is not ready, or null when it is. Probes the target. */
  async notReady(probeTimeoutMs = 3000): Promise<string | null> {
    const state = this.#source?.state() ?? null;
    this.#syncSourceMetrics(state);
    if (!state) return "source not started";
    if (state.dead) return `source gave up: ${state.lastError ?? "unknown"}`;
    if (!state.connected) return `source not subscribed: ${state.lastError ?? "connecting"}`;
    const target = this.#target.target;
    if (!target) return `target not initialised: ${this.#target.error ?? "starting"}`;
    try {
      await target.probe(AbortSignal.timeout(probeTimeoutMs));
      return null;
    } catch (err) {
      return `target probe failed: ${toConnectorError(err).message}`;
    }
  }

  #syncSourceMetrics(state: SourceState | null): void {
    if (!state) return;
    this.#deps.metrics.up.set({ binding: this.name }, state.connected ? 1 : 0);
    if (state.reconnects > this.#lastReconnects) {
      this.#deps.metrics.reconnects.inc(
        { binding: this.name },
        state.reconnects - this.#lastReconnects,
      );
      this.#lastReconnects = state.reconnects;
    }
  }

  /** Status for /bindings/state. */
  status(): BindingStatus {
    const state = this.#source?.state() ?? null;
    this.#syncSourceMetrics(state);
    return {
      name: this.name,
      source: { name: this.spec.source.name, kind: this.spec.source.kind, state },
      target: {
        name: this.spec.target.name,
        kind: this.spec.target.kind,
        initialised: this.#target.target !== null,
        lastError: this.#target.error,
      },
      counters: { ...this.#counters },
    };
  }
}
