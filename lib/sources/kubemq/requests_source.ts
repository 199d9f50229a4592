/**
 * A request-answering source (`kubemq.query`, `kubemq.command`): `sources` parallel
 * subscriptions that hand each request body to the binding and answer with what it returns (the
 * kind says how: a query's body as is, a command's Executed and Error).
 *
 * Reconnects: each subscription runs its own loop of attempts (Ping, then SubscribeToRequests),
 * with the policy of subscription_loop.ts (kubemq-js neither resubscribes nor resumes a stream
 * the server ended with status OK).
 *
 * Readiness: a subscription counts as connected once Ping succeeded and its stream is open
 * (KubeMQ never acknowledges a subscription); the source is connected when all of them are.
 *
 * Concurrency: at most `concurrency` requests are handled at once across all subscriptions
 * (concurrency_gate.ts: at the bound every stream is paused).
 */
import type { Logger } from "@logtape/logtape";
import type { KindContext } from "../../kinds/kind.ts";
import { afterMessage, scheduleIdleCollection } from "../../gc.ts";
import type {
  HandleResult,
  MessageHandler,
  MessageInfo,
  Source,
  SourceState,
} from "../../kinds/source.ts";
import { clientConfigFor, type KubemqClientConfig } from "./client_config.ts";
import type { KubemqSubscriberOptions } from "./options.ts";
import { type ReplyContent, sendReply } from "./reply.ts";
import { createKubemqRequestsClient, type SubscribeRequests } from "./requests_client.ts";
import type { KubemqRequestsClient, ReceivedRequest, SubscriptionHandle } from "./requests_port.ts";
import type { RequestsSourceTuning } from "./requests_tuning.ts";
import { subscriberOf } from "./subscriber.ts";
import { SubscriptionSet, type SubscriptionSlot } from "./subscription_set.ts";

/** What a request kind adds to the shared source. */
export interface RequestsKind {
  /** The kind's name, for logs and errors. */
  kind: string;
  /** What it receives, for logs: "queries" or "commands". */
  requests: string;
  /** Queries or commands. */
  subscribeType: (typeof SubscribeRequests)[keyof typeof SubscribeRequests];
  /** What the reply carries, from the binding's result. */
  reply: (result: HandleResult) => ReplyContent;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

class RequestsSource implements Source {
  readonly #kind: RequestsKind;
  readonly #options: KubemqSubscriberOptions;
  readonly #ctx: KindContext;
  readonly #log: Logger;
  readonly #tuning: Required<Omit<RequestsSourceTuning, "createClient">>;
  readonly #createClient: (config: KubemqClientConfig) => KubemqRequestsClient;
  readonly #clientId: string;
  readonly #group: string;
  readonly #intervalMs: number;
  readonly #subs: SubscriptionSet<SubscriptionHandle>;

  #client: KubemqRequestsClient | null = null;
  #handler: MessageHandler | null = null;
  #started = false;
  #stopped: Promise<void> | null = null;

  constructor(
    kind: RequestsKind,
    options: KubemqSubscriberOptions,
    ctx: KindContext,
    tuning: RequestsSourceTuning,
  ) {
    this.#kind = kind;
    this.#options = options;
    this.#ctx = ctx;
    this.#log = ctx.log.with({ binding: ctx.binding, channel: options.channel });
    this.#tuning = {
      pingTimeoutMs: tuning.pingTimeoutMs ?? 5000,
      stableMs: tuning.stableMs ?? 3000,
      responseTimeoutMs: tuning.responseTimeoutMs ?? 30_000,
    };
    this.#createClient = tuning.createClient ??
      ((config) => createKubemqRequestsClient(config, kind.subscribeType));
    ({ clientId: this.#clientId, group: this.#group, intervalMs: this.#intervalMs } = subscriberOf(
      options,
    ));
    this.#subs = new SubscriptionSet({
      kind: kind.kind,
      channel: options.channel,
      log: this.#log,
      count: options.sources,
      concurrency: options.concurrency,
      policy: { ...options, intervalMs: this.#intervalMs },
    });
  }

  async start(handler: MessageHandler): Promise<void> {
    if (this.#started || this.#subs.stopping) {
      throw new Error(`${this.#kind.kind} source cannot start twice or after stop`);
    }
    this.#started = true;
    this.#handler = handler;
    const config = await clientConfigFor(this.#options, this.#ctx);
    try {
      this.#client = this.#createClient(config);
    } catch (err) {
      throw new Error(`Cannot create KubeMQ client for ${this.#options.address}: ${message(err)}`);
    }
    const client = this.#client;
    await this.#subs.start((slot, opened) => this.#attempt(client, slot, opened));
    // Start-up garbage (module loading, SDK set-up) goes before the first request comes.
    scheduleIdleCollection();
  }

  stop(drainMs: number): Promise<void> {
    this.#stopped ??= this.#stop(drainMs);
    return this.#stopped;
  }

  state(): SourceState {
    return this.#subs.state();
  }

  onDead(listener: (reason: string) => void): void {
    this.#subs.onDead(listener);
  }

  /** Pings, subscribes and resolves when the stream ends: true if it had proven healthy. */
  async #attempt(
    client: KubemqRequestsClient,
    slot: SubscriptionSlot<SubscriptionHandle>,
    opened: () => void,
  ): Promise<boolean> {
    try {
      await client.ping(this.#tuning.pingTimeoutMs, this.#subs.signal);
    } catch (err) {
      if (!this.#subs.stopping) {
        this.#subs.failed(`Ping to ${this.#options.address} failed: ${message(err)}`);
      }
      return false;
    }
    if (this.#subs.over()) return false;
    return this.#subs.watch(
      slot,
      this.#tuning.stableMs,
      (healthy, ended) =>
        client.subscribe(
          this.#options.channel,
          this.#group,
          this.#clientId,
          (request) => {
            healthy();
            this.#onRequest(client, request);
          },
          ended,
        ),
      () => {
        this.#log.info(`Subscribed to ${this.#kind.requests} on {channel} at {address}`, {
          kind: this.#kind.kind,
          address: this.#options.address,
          group: this.#group,
          subscription: slot.index,
        });
        opened();
      },
    );
  }

  #onRequest(client: KubemqRequestsClient, request: ReceivedRequest): void {
    // Delivered, even while stopping (a request the stream had already brought in, or held
    // while paused): the broker gave it to this subscriber alone, in a group too, so it is
    // answered within the drain rather than left to time out.
    const gate = this.#subs.gate;
    gate.enter();
    const to = {
      client,
      clientId: this.#clientId,
      requestId: request.requestId,
      replyChannel: request.replyChannel,
      requestBytes: request.body.byteLength,
      content: this.#kind.reply,
      timeoutMs: this.#tuning.responseTimeoutMs,
      log: this.#log,
    };
    // The body goes to the handler and is not kept here (an async function would keep it
    // reachable until the answer is sent): once parsed, a large query's ~85 MB message can be
    // collected while S3 works.
    const answered = this.#startHandler(request.body, {
      requestId: request.requestId,
      channel: request.channel,
      clientId: request.clientId,
      // Answered from the result alone: the body may be spent while it is parsed.
      bodySpendable: true,
      tags: request.tags,
    });
    void sendReply(to, answered).finally(() => {
      gate.leave();
      afterMessage(0, gate.inFlight);
    });
  }

  /** Starts the handler; a synchronous throw becomes a rejection. */
  #startHandler(body: Uint8Array, info: MessageInfo): Promise<HandleResult> {
    const handler = this.#handler;
    try {
      if (handler === null) throw new Error("no handler");
      return handler(body, info);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  async #stop(drainMs: number): Promise<void> {
    // A half-close rather than a cancel where the client can (KubeMQ has no unsubscribe): a
    // request the broker wrote to this member just before the end is still read and answered.
    const client = this.#client;
    const endStreams = client?.endSubscriptions ? () => client.endSubscriptions?.() : undefined;
    const unanswered = await this.#subs.stop(drainMs, endStreams);
    if (unanswered > 0) {
      this.#log.warn("Stopped with {inFlight} queries unanswered after {drainMs} ms", {
        inFlight: unanswered,
        drainMs,
      });
    }
    this.#client?.close();
    this.#log.info("{kind} source for {channel} stopped", { kind: this.#kind.kind });
  }
}

/**
 * Creates a request-answering source of `kind` from parsed options.
 *
 * @example
 * ```ts
 * const source = createRequestsSource(kind, options, ctx);
 * await source.start(binding.handleMessage.bind(binding));
 * await source.stop(5000);
 * ```
 */
export function createRequestsSource(
  kind: RequestsKind,
  options: KubemqSubscriberOptions,
  ctx: KindContext,
  tuning: RequestsSourceTuning = {},
): Source {
  return new RequestsSource(kind, options, ctx, tuning);
}
