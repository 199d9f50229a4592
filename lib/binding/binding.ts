/**
 * A binding joins one source to one target through the middleware of its `properties`:
 * metadata merge, rate limit, retry, per-request deadline and logging. Every failure stops here
 * and becomes an `is_error` response; nothing a request does can take the process down.
 */
import type { Logger } from "@logtape/logtape";
import { ConnectorError, toConnectorError } from "../errors.ts";
import type { KindContext, SourceKind, Target, TargetKind } from "../kinds/kind.ts";
import { bindingLogger, requestLogger, withLogContext } from "../log.ts";
import type { BindingLabels, Metrics } from "../metrics.ts";
import type { HandleOutcome, QueryInfo, Source, SourceState } from "../sources/source.ts";
import {
  encodeResponse,
  errorResponse,
  okResponse,
  parseRequest,
  rawRequest,
  type TargetRequest,
  type TargetResponse,
} from "../wire.ts";
import { RateLimiter } from "./rate_limiter.ts";
import { withRetry } from "./retry.ts";

/** The binding middleware settings (binding `properties`). */
export interface MiddlewareSettings {
  log_level: "debug" | "info" | "error" | "";
  retry_attempts: number;
  retry_delay_milliseconds: number;
  retry_max_jitter_milliseconds: number;
  retry_delay_type: "back-off" | "fixed" | "random";
  rate_per_second: number;
  metadata?: Record<string, string> | undefined;
  request_timeout_seconds: number;
}

/** What a binding is built from (a validated config entry). */
export interface BindingSpec {
  name: string;
  middleware: MiddlewareSettings;
  source: { kind: string; name: string; options: unknown };
  target: { kind: string; name: string; options: unknown };
}

/** Live status for /bindings and /ready (never secrets). */
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

const TARGET_INIT_MAX_BACKOFF_MS = 30_000;

/** One running binding. */
export class Binding {
  readonly name: string;
  readonly spec: BindingSpec;
  readonly #log: Logger;
  readonly #requests: Logger;
  readonly #labels: BindingLabels;
  readonly #deps: BindingDeps;
  readonly #limiter: RateLimiter;
  readonly #sourceKind: SourceKind;
  readonly #targetKind: TargetKind;
  readonly #rawPayload: boolean;
  #source: Source | null = null;
  #target: Target | null = null;
  #targetError: string | null = null;
  #initTimer: ReturnType<typeof setTimeout> | undefined;
  #stopping = false;
  /** Aborted when the drain time is over, to cut S3 calls still running. */
  readonly #hardStop = new AbortController();
  #counters = { requests: 0, errors: 0, inFlight: 0 };
  /** Whether an error response came from a retryable failure (for HandleOutcome). */
  readonly #retryable = new WeakMap<TargetResponse, boolean>();
  #lastReconnects = 0;

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
    this.#limiter = new RateLimiter(spec.middleware.rate_per_second);
    this.#labels = {
      binding: spec.name,
      source_name: spec.source.name,
      source_kind: spec.source.kind,
      target_name: spec.target.name,
      target_kind: spec.target.kind,
    };
    deps.metrics.addBinding(this.#labels);
    this.#rawPayload = kinds.source.payload(spec.source.options as never) === "raw";
  }

  #ctx(): KindContext {
    return { binding: this.name, log: this.#log, readFile: this.#deps.readFile };
  }

  /** Creates the target (retried with backoff on failure) and starts the subscription. */
  async start(): Promise<void> {
    await this.#initTarget(1000);
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
    await source.start((body, info) => this.handleQuery(body, info));
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

  async #initTarget(backoffMs: number): Promise<void> {
    if (this.#stopping) return;
    try {
      this.#target = await this.#targetKind.create(this.spec.target.options as never, this.#ctx());
      this.#targetError = null;
    } catch (err) {
      this.#targetError = toConnectorError(err).message;
      this.#log.error(
        "Target of binding {binding} failed to initialise, retrying in {ms} ms: {error}",
        {
          binding: this.name,
          ms: backoffMs,
          error: this.#targetError,
        },
      );
      this.#initTimer = setTimeout(
        () => void this.#initTarget(Math.min(backoffMs * 2, TARGET_INIT_MAX_BACKOFF_MS)),
        backoffMs,
      );
    }
  }

  /** Handles one query body from the source; never throws. */
  handleQuery(body: Uint8Array, info: QueryInfo): Promise<Uint8Array> {
    return this.#handle(body, info.requestId, this.#rawPayload, info.onOutcome);
  }

  /**
   * Handles one wire-format request body from `POST /bindings/request`: the same parsing,
   * middleware, counters and logs as a query from the source. Never throws.
   */
  handleApiRequest(body: Uint8Array, requestId: string): Promise<Uint8Array> {
    return this.#handle(body, requestId, false);
  }

  /**
   * Parses the body, then runs it. Not async on purpose: an async function keeps its
   * parameters reachable until it returns, and a large query's body (~85 MB for a 64 MiB
   * object) is garbage once parsed.
   */
  #handle(
    body: Uint8Array,
    requestId: string,
    raw: boolean,
    onOutcome?: (outcome: HandleOutcome) => void,
  ): Promise<Uint8Array> {
    const started = performance.now();
    let request: TargetRequest | null = null;
    let failure: TargetResponse | null = null;
    try {
      request = raw ? rawRequest(body) : parseRequest(body);
    } catch (err) {
      failure = this.#failure(err);
    }
    return this.#respond(request, failure, requestId, started, onOutcome);
  }

  async #respond(
    request: TargetRequest | null,
    failure: TargetResponse | null,
    requestId: string,
    started: number,
    onOutcome: ((outcome: HandleOutcome) => void) | undefined,
  ): Promise<Uint8Array> {
    const metrics = this.#deps.metrics;
    const response = failure ?? await this.execute(request!, requestId, started);
    const out = encodeResponse(response);
    if (request === null) {
      // The original never counts a body it cannot parse in its five counters (it fails before
      // its metrics middleware): our own series counts it.
      metrics.invalidRequests.inc({ binding: this.name });
      // Counted here because execute(), which counts the others, never saw it.
      this.#counters.requests++;
      this.#counters.errors++;
      this.#requests.error("Request {requestId} rejected: {error}", {
        binding: this.name,
        requestId,
        error: response.error,
      });
    }
    onOutcome?.({
      kind: !response.isError
        ? "ok"
        : request === null
        ? "invalid"
        : this.#retryable.get(response)
        ? "retry"
        : "fail",
      error: response.error,
      code: response.metadata.error_code ?? "",
    });
    return out;
  }

  /**
   * Runs a parsed request through the middleware and the target. Used by the source and by
   * `POST /bindings/request`. Never throws.
   */
  async execute(
    request: TargetRequest,
    requestId: string,
    started = performance.now(),
  ): Promise<TargetResponse> {
    const mw = this.spec.middleware;
    const metadata = mw.metadata ? { ...request.metadata, ...mw.metadata } : request.metadata;
    const method = metadata.method ?? "";
    const req = { metadata, data: request.data };
    const metrics = this.#deps.metrics;
    // The original's counters: requests and their data bytes (not the encoded body).
    metrics.requests.inc(this.#labels);
    metrics.requestsVolume.inc(this.#labels, req.data?.length ?? 0);
    this.#counters.requests++;
    this.#counters.inFlight++;
    metrics.inFlight.inc({ binding: this.name });
    const fields = { binding: this.name, method, requestId };
    if (mw.log_level === "debug") {
      this.#requests.debug("Request {requestId} {method}: {metadata}, {bytes} bytes of data", {
        ...fields,
        metadata,
        bytes: request.data?.length ?? 0,
      });
    }
    let response: TargetResponse;
    // One deadline for the whole request: rate-limit wait, every attempt and the delays between.
    const deadline = this.#deadline();
    try {
      const target = this.#target;
      if (!target) {
        throw new ConnectorError(
          "TargetUnavailable",
          `Target ${this.spec.target.name} of binding ${this.name} is not initialised: ${
            this.#targetError ?? "starting"
          }`,
          { retryable: true },
        );
      }
      await this.#limiter.take(deadline.signal);
      const result = await withRetry(
        {
          attempts: mw.retry_attempts,
          delayMs: mw.retry_delay_milliseconds,
          maxJitterMs: mw.retry_max_jitter_milliseconds,
          type: mw.retry_delay_type,
        },
        () => withLogContext(fields, () => target.run(req, deadline.signal)),
        deadline.signal,
        (attempt, err, delayMs) =>
          this.#requests.warn(
            "Request {requestId} {method} failed (attempt {attempt}), retrying in {delayMs} ms: {error}",
            {
              ...fields,
              attempt,
              delayMs,
              error: toConnectorError(err).message,
            },
          ),
      );
      response = okResponse(result.metadata ?? { result: "ok" }, result.data ?? null);
      if (method === "upload_item" && req.data) {
        metrics.uploaded.inc({ binding: this.name }, req.data.length);
      }
      if (method === "get_item" && response.data) {
        metrics.downloaded.inc({ binding: this.name }, response.data.length);
      }
    } catch (err) {
      response = this.#failure(err);
    } finally {
      deadline.clear();
    }
    const seconds = (performance.now() - started) / 1000;
    const outcome = response.isError ? "error" : "ok";
    // Method names come from senders: an unknown one gets one shared label value, so random
    // names cannot grow the histogram's series without bound.
    const methodLabel = response.metadata.error_code === "UnknownMethod" ? "unknown" : method;
    metrics.duration.observe({ binding: this.name, method: methodLabel, outcome }, seconds);
    metrics.inFlight.dec({ binding: this.name });
    this.#counters.inFlight--;
    const durationMs = Math.round(seconds * 1e4) / 10;
    if (!response.isError) {
      // As the original: responses count successes, their volume the data bytes.
      metrics.responses.inc(this.#labels);
      metrics.responsesVolume.inc(this.#labels, response.data?.length ?? 0);
    }
    if (response.isError) {
      this.#counters.errors++;
      metrics.errors.inc(this.#labels);
      this.#requests.error("Request {requestId} {method} failed in {durationMs} ms: {error}", {
        ...fields,
        durationMs,
        error: response.error,
        errorCode: response.metadata.error_code ?? "",
      });
    } else if (mw.log_level === "debug") {
      this.#requests.debug(
        "Request {requestId} {method} done in {durationMs} ms: {metadata}, {bytes} bytes of data",
        {
          ...fields,
          durationMs,
          metadata: response.metadata,
          bytes: response.data?.length ?? 0,
        },
      );
    } else {
      this.#requests.info("Request {requestId} {method} done in {durationMs} ms", {
        ...fields,
        durationMs,
      });
    }
    return response;
  }

  /**
   * The signal of one request: aborted at shutdown's hard stop and, with
   * request_timeout_seconds, when the request's time is up. Its reason is a ConnectorError, so
   * the response says which of the two it was.
   */
  #deadline(): { signal: AbortSignal; clear(): void } {
    const seconds = this.spec.middleware.request_timeout_seconds;
    if (seconds <= 0) return { signal: this.#hardStop.signal, clear: () => {} };
    const timeout = new AbortController();
    const timer = setTimeout(() =>
      timeout.abort(
        new ConnectorError(
          "Timeout",
          `Timeout: the request took longer than request_timeout_seconds (${seconds} s)`,
          { retryable: true },
        ),
      ), seconds * 1000);
    return {
      signal: AbortSignal.any([this.#hardStop.signal, timeout.signal]),
      clear: () => clearTimeout(timer),
    };
  }

  #failure(err: unknown): TargetResponse {
    const e = toConnectorError(err);
    if (e.code === "Internal") {
      this.#log.error("Unexpected failure in binding {binding}: {error}", {
        binding: this.name,
        error: e.message,
        stack: e.cause instanceof Error ? e.cause.stack ?? "" : "",
      });
    }
    const response = errorResponse(e.message, {
      error_code: e.code,
      ...(e.status !== undefined ? { http_status: String(e.status) } : {}),
    });
    this.#retryable.set(response, e.retryable);
    return response;
  }

  /** Stops taking queries, drains in-flight ones for up to `drainMs`, then closes. */
  async stop(drainMs: number): Promise<void> {
    this.#stopping = true;
    clearTimeout(this.#initTimer);
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
      this.#target?.close();
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
    if (!this.#target) return `target not initialised: ${this.#targetError ?? "starting"}`;
    try {
      await this.#target.probe(AbortSignal.timeout(probeTimeoutMs));
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

  /** Status for /bindings. */
  status(): BindingStatus {
    const state = this.#source?.state() ?? null;
    this.#syncSourceMetrics(state);
    return {
      name: this.name,
      source: { name: this.spec.source.name, kind: this.spec.source.kind, state },
      target: {
        name: this.spec.target.name,
        kind: this.spec.target.kind,
        initialised: this.#target !== null,
        lastError: this.#targetError,
      },
      counters: { ...this.#counters },
    };
  }
}
