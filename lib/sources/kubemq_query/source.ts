/**
 * The `kubemq.query` source: `sources` parallel query subscriptions that hand each query body to
 * the binding and answer with what it returns.
 *
 * Reconnects: each subscription runs its own loop of attempts (Ping, then SubscribeToRequests).
 * An attempt counts as healthy once its stream has delivered a query or stayed open for
 * `stableMs` (3 s); only then is the count of failed reconnects reset, so a server that accepts
 * Ping but drops every stream still reaches `max_reconnects`. The loop resubscribes when the
 * stream fails and also when the server ends it with status OK (kubemq-js does neither).
 *
 * Readiness: a subscription counts as connected once Ping succeeded and its stream is open
 * (KubeMQ never acknowledges a subscription); the source is connected when all of them are.
 *
 * Concurrency: at most `concurrency` queries are handled at once across all subscriptions. At the
 * bound every stream is paused, so gRPC flow control keeps further queries in the transport
 * rather than in memory; the streams resume when a slot frees.
 */
import type { Logger } from "@logtape/logtape";
import { delay } from "../../delay.ts";
import type { KindContext } from "../../kinds/kind.ts";
import { collectGarbage, LARGE_TRANSFER_BYTES, scheduleIdleCollection } from "../../gc.ts";
import type { HandleResult, QueryHandler, QueryInfo, Source, SourceState } from "../source.ts";
import {
  type KubemqClientConfig,
  type KubemqQueryClient,
  type QueryReply,
  type ReceivedQuery,
  type SubscriptionHandle,
} from "./client.ts";
import { createKubemqQueryH2Client } from "./h2_client.ts";
import type { KubemqQueryOptions } from "./options.ts";

/** Shortest wait between attempts: `reconnect_interval_seconds: 0` must not spin. */
export const MIN_RETRY_MS = 100;

/** What a reply carries besides its ids: the body, and for commands Executed and Error. */
export type ReplyContent = Pick<QueryReply, "body" | "executed" | "error">;

/** A query's reply: the binding's response body as is. */
export function queryReply(result: HandleResult): ReplyContent {
  return { body: result.body };
}

/** Timings and seams that tests (and the command source) may override. */
export interface KubemqQuerySourceTuning {
  /** Ping deadline per attempt (default 5000). */
  pingTimeoutMs?: number;
  /** How long an open stream must live to count as healthy (default 3000). */
  stableMs?: number;
  /** SendResponse deadline (default 30000). */
  responseTimeoutMs?: number;
  /** Replaces the gRPC client, for tests. */
  createClient?: (config: KubemqClientConfig) => KubemqQueryClient;
  /** What the reply carries (default {@link queryReply}); commands answer without a body. */
  reply?: (result: HandleResult) => ReplyContent;
}

interface Subscription {
  index: number;
  handle: SubscriptionHandle | null;
  connected: boolean;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

class KubemqQuerySource implements Source {
  readonly #options: KubemqQueryOptions;
  readonly #ctx: KindContext;
  readonly #log: Logger;
  readonly #tuning: Required<Omit<KubemqQuerySourceTuning, "createClient" | "reply">>;
  readonly #createClient: (config: KubemqClientConfig) => KubemqQueryClient;
  readonly #reply: (result: HandleResult) => ReplyContent;
  readonly #clientId: string;
  readonly #group: string;
  readonly #intervalMs: number;

  #client: KubemqQueryClient | null = null;
  #handler: QueryHandler | null = null;
  #subs: Subscription[] = [];
  #loops: Promise<void>[] = [];
  #started = false;
  #stopping = false;
  #stopped: Promise<void> | null = null;
  readonly #abort = new AbortController();
  #dead: string | null = null;
  #deadListeners: ((reason: string) => void)[] = [];
  #lastError: string | null = null;
  #reconnects = 0;
  #inFlight = 0;
  #paused = false;
  #idleWaiters: (() => void)[] = [];

  constructor(options: KubemqQueryOptions, ctx: KindContext, tuning: KubemqQuerySourceTuning) {
    this.#options = options;
    this.#ctx = ctx;
    this.#log = ctx.log.with({ binding: ctx.binding, channel: options.channel });
    this.#tuning = {
      pingTimeoutMs: tuning.pingTimeoutMs ?? 5000,
      stableMs: tuning.stableMs ?? 3000,
      responseTimeoutMs: tuning.responseTimeoutMs ?? 30_000,
    };
    this.#createClient = tuning.createClient ?? createKubemqQueryH2Client;
    this.#reply = tuning.reply ?? queryReply;
    this.#clientId = options.client_id ?? `kubemq-s3-${crypto.randomUUID().slice(0, 8)}`;
    // Copies without a group would each get every query; a shared group answers each once.
    this.#group = options.group !== "" || options.sources === 1
      ? options.group
      : `kubemq-s3-${crypto.randomUUID()}`;
    this.#intervalMs = Math.max(MIN_RETRY_MS, options.reconnect_interval_seconds * 1000);
  }

  async start(handler: QueryHandler): Promise<void> {
    if (this.#started || this.#stopping) {
      throw new Error("kubemq.query source cannot start twice or after stop");
    }
    this.#started = true;
    this.#handler = handler;
    const tls = this.#options.tls ? await this.#readTls() : undefined;
    const config: KubemqClientConfig = {
      address: this.#options.address,
      authToken: this.#options.auth_token,
      maxMessageBytes: this.#options.max_message_bytes,
      reconnectBackoffMs: this.#intervalMs,
      ...(tls ? { tls } : {}),
    };
    try {
      this.#client = this.#createClient(config);
    } catch (err) {
      throw new Error(`Cannot create KubeMQ client for ${this.#options.address}: ${message(err)}`);
    }
    const client = this.#client;
    const firstAttempts: Promise<void>[] = [];
    for (let index = 0; index < this.#options.sources; index++) {
      const sub: Subscription = { index, handle: null, connected: false };
      this.#subs.push(sub);
      const { promise, resolve } = Promise.withResolvers<void>();
      firstAttempts.push(promise);
      this.#loops.push(this.#run(client, sub, resolve).finally(resolve));
    }
    await Promise.all(firstAttempts);
    // Start-up garbage (module loading, SDK set-up) goes before the first request comes.
    scheduleIdleCollection();
  }

  stop(drainMs: number): Promise<void> {
    this.#stopped ??= this.#stop(drainMs);
    return this.#stopped;
  }

  state(): SourceState {
    return {
      connected: this.#dead === null && !this.#stopping && this.#subs.length > 0 &&
        this.#subs.every((s) => s.connected),
      lastError: this.#lastError,
      reconnects: this.#reconnects,
      inFlight: this.#inFlight,
      dead: this.#dead !== null,
    };
  }

  onDead(listener: (reason: string) => void): void {
    const reason = this.#dead;
    if (reason === null) this.#deadListeners.push(listener);
    else queueMicrotask(() => this.#notify(listener, reason));
  }

  async #readTls(): Promise<NonNullable<KubemqClientConfig["tls"]>> {
    const read = async (key: "ca_cert" | "client_cert" | "client_key") => {
      const path = this.#options[key];
      if (path === undefined) return undefined;
      try {
        return await this.#ctx.readFile(path);
      } catch (err) {
        throw new Error(`Cannot read ${key} ${JSON.stringify(path)}: ${message(err)}`);
      }
    };
    return {
      ca: await read("ca_cert"),
      cert: await read("client_cert"),
      key: await read("client_key"),
    };
  }

  /** One subscription's attempt loop; ends when stopping, dead, or out of retries. */
  async #run(client: KubemqQueryClient, sub: Subscription, opened: () => void): Promise<void> {
    // Reconnect attempts since the last healthy stream.
    let retries = 0;
    while (!this.#stopping && this.#dead === null) {
      const healthy = await this.#attempt(client, sub, opened);
      opened();
      if (this.#stopping || this.#dead !== null) return;
      if (healthy) retries = 0;
      if (!this.#options.auto_reconnect) {
        return this.#die(`${this.#lastError}; auto_reconnect is false, so the source gives up`);
      }
      const max = this.#options.max_reconnects;
      if (max > 0 && retries >= max) {
        return this.#die(
          `Gave up after ${max} failed reconnect attempt(s) (max_reconnects): ${this.#lastError}`,
        );
      }
      await this.#sleep(this.#intervalMs);
      if (this.#stopping || this.#dead !== null) return;
      retries++;
      this.#reconnects++;
      this.#log.info("Resubscribing to {channel} (attempt {attempt})", {
        attempt: retries,
        subscription: sub.index,
      });
    }
  }

  /** Pings, subscribes and resolves when the stream ends: true if it had proven healthy. */
  async #attempt(
    client: KubemqQueryClient,
    sub: Subscription,
    opened: () => void,
  ): Promise<boolean> {
    try {
      await client.ping(this.#tuning.pingTimeoutMs, this.#abort.signal);
    } catch (err) {
      if (!this.#stopping) this.#failed(`Ping to ${this.#options.address} failed: ${message(err)}`);
      return false;
    }
    if (this.#stopping || this.#dead !== null) return false;
    return new Promise<boolean>((resolve) => {
      let healthy = false;
      const timer = setTimeout(() => healthy = true, this.#tuning.stableMs);
      const handle = client.subscribe(
        this.#options.channel,
        this.#group,
        this.#clientId,
        (query) => {
          healthy = true;
          this.#onQuery(client, query);
        },
        (end) => {
          clearTimeout(timer);
          sub.handle = null;
          sub.connected = false;
          if (!this.#stopping && this.#dead === null) {
            this.#failed(
              end.code === 0
                ? `Subscription to ${this.#options.channel} was ended by the server`
                : `Subscription to ${this.#options.channel} failed: ${end.message}`,
            );
          }
          resolve(healthy);
        },
      );
      sub.handle = handle;
      sub.connected = true;
      if (this.#paused) handle.pause();
      this.#log.info("Subscribed to queries on {channel} at {address}", {
        address: this.#options.address,
        group: this.#group,
        subscription: sub.index,
      });
      opened();
    });
  }

  #failed(error: string): void {
    this.#lastError = error;
    this.#log.warn("{error}", { error });
  }

  #die(reason: string): void {
    if (this.#dead !== null) return;
    this.#dead = reason;
    this.#log.error("kubemq.query source for {channel} is dead: {reason}", { reason });
    for (const sub of this.#subs) sub.handle?.cancel();
    this.#abort.abort();
    const listeners = this.#deadListeners;
    this.#deadListeners = [];
    for (const listener of listeners) this.#notify(listener, reason);
  }

  #notify(listener: (reason: string) => void, reason: string): void {
    try {
      listener(reason);
    } catch (err) {
      this.#log.error("onDead listener failed: {error}", { error: message(err) });
    }
  }

  #onQuery(client: KubemqQueryClient, query: ReceivedQuery): void {
    // Messages still buffered in a cancelled stream: the sender will time out (or another
    // replica answers); stopping means no new work.
    if (this.#stopping) return;
    this.#inFlight++;
    if (this.#inFlight >= this.#options.concurrency && !this.#paused) {
      this.#paused = true;
      for (const sub of this.#subs) sub.handle?.pause();
    }
    const reply = {
      requestId: query.requestId,
      replyChannel: query.replyChannel,
      requestBytes: query.body.byteLength,
    };
    // The body goes to the handler and is not kept here (an async function would keep it
    // reachable until the answer is sent): once parsed, a large query's ~85 MB message can be
    // collected while S3 works.
    const answered = this.#startHandler(query.body, {
      requestId: query.requestId,
      channel: query.channel,
      clientId: query.clientId,
    });
    void this.#answer(client, reply, answered).finally(() => {
      this.#inFlight--;
      if (this.#paused && this.#inFlight < this.#options.concurrency) {
        this.#paused = false;
        for (const sub of this.#subs) sub.handle?.resume();
      }
      if (this.#inFlight === 0) {
        scheduleIdleCollection();
        const waiters = this.#idleWaiters;
        this.#idleWaiters = [];
        for (const wake of waiters) wake();
      }
    });
  }

  /** Starts the handler; a synchronous throw becomes a rejection. */
  #startHandler(body: Uint8Array, info: QueryInfo): Promise<HandleResult> {
    const handler = this.#handler;
    try {
      if (handler === null) throw new Error("no handler");
      return handler(body, info);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /**
   * Waits for the handler's answer and sends it; never rejects. A handler that breaks its
   * contract and rejects gets no answer sent (the sender times out): the binding builds every
   * response, so there is none to send.
   */
  async #answer(
    client: KubemqQueryClient,
    reply: { requestId: string; replyChannel: string; requestBytes: number },
    answered: Promise<HandleResult>,
  ): Promise<void> {
    let content: ReplyContent;
    let answeredBytes: number;
    try {
      const result = await answered;
      answeredBytes = result.body.byteLength;
      content = this.#reply(result);
    } catch (err) {
      this.#log.error("Query {requestId} failed in the handler, not answered: {error}", {
        requestId: reply.requestId,
        error: message(err),
      });
      return;
    }
    try {
      await client.sendResponse({
        ...content,
        requestId: reply.requestId,
        replyChannel: reply.replyChannel,
        clientId: this.#clientId,
      }, this.#tuning.responseTimeoutMs);
    } catch (err) {
      this.#log.warn("SendResponse for query {requestId} failed: {error}", {
        requestId: reply.requestId,
        error: message(err),
      });
    }
    if (Math.max(reply.requestBytes, answeredBytes) >= LARGE_TRANSFER_BYTES) {
      // The transfer's buffers (message, object, S3 and transport chunks) are garbage now:
      // collect them once the answer is out, so the next transfer does not start on top.
      setTimeout(collectGarbage, 0);
    }
  }

  /** Resolves after `ms` or at once when stopping or dead. */
  #sleep(ms: number): Promise<void> {
    const signal = this.#abort.signal;
    if (signal.aborted) return Promise.resolve();
    // Stopping ends the wait early; it is not a failure.
    return delay(ms, { signal }).catch(() => {});
  }

  async #stop(drainMs: number): Promise<void> {
    this.#stopping = true;
    this.#abort.abort();
    for (const sub of this.#subs) {
      sub.handle?.cancel();
      sub.connected = false;
    }
    await Promise.all(this.#loops);
    if (this.#inFlight > 0) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await new Promise<void>((resolve) => {
        this.#idleWaiters.push(resolve);
        timer = setTimeout(resolve, Math.max(0, drainMs));
      });
      clearTimeout(timer);
      if (this.#inFlight > 0) {
        this.#log.warn("Stopped with {inFlight} queries unanswered after {drainMs} ms", {
          inFlight: this.#inFlight,
          drainMs,
        });
      }
    }
    this.#client?.close();
    this.#log.info("kubemq.query source for {channel} stopped", {});
  }
}

/**
 * Creates a `kubemq.query` source from parsed options.
 *
 * @example
 * ```ts
 * const source = createKubemqQuerySource(options, ctx);
 * await source.start(async (body) => body); // echo
 * await source.stop(5000);
 * ```
 */
export function createKubemqQuerySource(
  options: KubemqQueryOptions,
  ctx: KindContext,
  tuning: KubemqQuerySourceTuning = {},
): Source {
  return new KubemqQuerySource(options, ctx, tuning);
}
