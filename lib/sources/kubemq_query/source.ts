/**
 * The `kubemq.query` source: `sources` parallel query subscriptions that hand each query body to
 * the binding and answer with what it returns.
 *
 * Reconnects: each subscription runs its own loop of attempts (Ping, then SubscribeToRequests),
 * with the policy of ../kubemq/subscription_loop.ts (kubemq-js neither resubscribes nor
 * resumes a stream the server ended with status OK).
 *
 * Readiness: a subscription counts as connected once Ping succeeded and its stream is open
 * (KubeMQ never acknowledges a subscription); the source is connected when all of them are.
 *
 * Concurrency: at most `concurrency` queries are handled at once across all subscriptions
 * (../kubemq/concurrency_gate.ts: at the bound every stream is paused).
 */
import type { Logger } from "@logtape/logtape";
import { delay } from "../../delay.ts";
import type { KindContext } from "../../kinds/kind.ts";
import { BURST_IDLE_COLLECTION_DELAY_MS, scheduleIdleCollection } from "../../gc.ts";
import { clientConfigFor } from "../kubemq/client_config.ts";
import { ConcurrencyGate } from "../kubemq/concurrency_gate.ts";
import { DeadNotice } from "../kubemq/dead_notice.ts";
import { MIN_RETRY_MS, runSubscriptionLoop, watchStream } from "../kubemq/subscription_loop.ts";
import type { HandleResult, QueryHandler, QueryInfo, Source, SourceState } from "../source.ts";
import type {
  KubemqClientConfig,
  KubemqQueryClient,
  ReceivedQuery,
  SubscriptionHandle,
} from "./query_client.ts";
import { createKubemqQueryH2Client } from "./h2_client.ts";
import type { KubemqQueryOptions } from "./options.ts";
import { queryReply, type ReplyContent, sendReply } from "./reply.ts";
import type { KubemqQuerySourceTuning } from "./tuning.ts";

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
  readonly #dead: DeadNotice;
  readonly #gate: ConcurrencyGate;
  #lastError: string | null = null;
  #reconnects = 0;

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
    this.#dead = new DeadNotice(this.#log);
    this.#gate = new ConcurrencyGate(options.concurrency, () => this.#subs.map((s) => s.handle));
  }

  async start(handler: QueryHandler): Promise<void> {
    if (this.#started || this.#stopping) {
      throw new Error("kubemq.query source cannot start twice or after stop");
    }
    this.#started = true;
    this.#handler = handler;
    const config = await clientConfigFor(this.#options, this.#ctx, this.#intervalMs);
    try {
      this.#client = this.#createClient(config);
    } catch (err) {
      throw new Error(`Cannot create KubeMQ client for ${this.#options.address}: ${message(err)}`);
    }
    const client = this.#client;
    const policy = { ...this.#options, intervalMs: this.#intervalMs };
    const firstAttempts: Promise<void>[] = [];
    for (let index = 0; index < this.#options.sources; index++) {
      const sub: Subscription = { index, handle: null, connected: false };
      this.#subs.push(sub);
      const { promise, resolve } = Promise.withResolvers<void>();
      firstAttempts.push(promise);
      const loop = runSubscriptionLoop(policy, {
        attempt: (opened) => this.#attempt(client, sub, opened),
        over: () => this.#over(),
        lastError: () => this.#lastError,
        die: (reason) => this.#die(reason),
        // Stopping ends the wait early; it is not a failure.
        sleep: (ms) => delay(ms, { signal: this.#abort.signal }).catch(() => {}),
        resubscribing: (attempt) => {
          this.#reconnects++;
          this.#log.info("Resubscribing to {channel} (attempt {attempt})", {
            attempt,
            subscription: sub.index,
          });
        },
      }, resolve);
      this.#loops.push(loop.finally(resolve));
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
      connected: this.#dead.reason === null && !this.#stopping && this.#subs.length > 0 &&
        this.#subs.every((s) => s.connected),
      lastError: this.#lastError,
      reconnects: this.#reconnects,
      inFlight: this.#gate.inFlight,
      dead: this.#dead.reason !== null,
    };
  }

  onDead(listener: (reason: string) => void): void {
    this.#dead.listen(listener);
  }

  #over(): boolean {
    return this.#stopping || this.#dead.reason !== null;
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
    if (this.#over()) return false;
    return watchStream(this.#tuning.stableMs, (healthy, ended) => {
      const handle = client.subscribe(
        this.#options.channel,
        this.#group,
        this.#clientId,
        (query) => {
          healthy();
          this.#onQuery(client, query);
        },
        (end) => {
          sub.handle = null;
          sub.connected = false;
          if (!this.#over()) {
            this.#failed(
              end.code === 0
                ? `Subscription to ${this.#options.channel} was ended by the server`
                : `Subscription to ${this.#options.channel} failed: ${end.message}`,
            );
          }
          ended();
        },
      );
      sub.handle = handle;
      sub.connected = true;
      if (this.#gate.paused) handle.pause();
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
    this.#dead.declare(reason, () => {
      this.#log.error("kubemq.query source for {channel} is dead: {reason}", { reason });
      for (const sub of this.#subs) sub.handle?.cancel();
      this.#abort.abort();
    });
  }

  #onQuery(client: KubemqQueryClient, query: ReceivedQuery): void {
    // Messages still buffered in a cancelled stream: the sender will time out (or another
    // replica answers); stopping means no new work.
    if (this.#stopping) return;
    this.#gate.enter();
    const to = {
      client,
      clientId: this.#clientId,
      requestId: query.requestId,
      replyChannel: query.replyChannel,
      requestBytes: query.body.byteLength,
      content: this.#reply,
      timeoutMs: this.#tuning.responseTimeoutMs,
      log: this.#log,
    };
    // The body goes to the handler and is not kept here (an async function would keep it
    // reachable until the answer is sent): once parsed, a large query's ~85 MB message can be
    // collected while S3 works.
    const answered = this.#startHandler(query.body, {
      requestId: query.requestId,
      channel: query.channel,
      clientId: query.clientId,
      // Answered from the result alone: the body may be spent while it is parsed.
      bodySpendable: true,
    });
    void sendReply(to, answered).finally(() => {
      this.#gate.leave();
      if (this.#gate.inFlight === 0) scheduleIdleCollection(BURST_IDLE_COLLECTION_DELAY_MS);
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

  async #stop(drainMs: number): Promise<void> {
    this.#stopping = true;
    this.#abort.abort();
    for (const sub of this.#subs) {
      sub.handle?.cancel();
      sub.connected = false;
    }
    await Promise.all(this.#loops);
    await this.#gate.drained(drainMs);
    if (this.#gate.inFlight > 0) {
      this.#log.warn("Stopped with {inFlight} queries unanswered after {drainMs} ms", {
        inFlight: this.#gate.inFlight,
        drainMs,
      });
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
 * await source.start(binding.handleQuery.bind(binding));
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
