/**
 * The `kubemq.events` and `kubemq.events-store` sources: fire-and-forget. Each event is handed
 * to the binding; its outcome is logged and counted by the binding and, with response_channel,
 * published as an event of the same kind. Nothing is acknowledged and nothing is retried: an
 * event whose processing fails is not seen again (use kubemq.queue when that matters).
 *
 * Subscriptions: `sources` of them, each with its own attempt loop (Ping, then
 * SubscribeToEvents), with the query source's policy (../kubemq/subscription_loop.ts): an
 * attempt counts as healthy once it delivered an event or stayed open for 3 s; `max_reconnects`
 * failed attempts in a row, or a failure with `auto_reconnect` false, make the source give up.
 * Copies without a group get a made-up shared group (as the original does), so each event is
 * handled once.
 *
 * Events-store: the first subscription starts at start_position; a resubscription continues at
 * the sequence after the highest one seen, so a broker restart or network loss neither skips
 * stored events nor replays handled ones.
 *
 * Concurrency: at most `concurrency` events are handled at once; at the bound the streams are
 * paused (../kubemq/concurrency_gate.ts). The server drops events for a consumer that falls too
 * far behind.
 */
import type { Logger } from "@logtape/logtape";
import type { KindContext } from "../../kinds/kind.ts";
import { clientConfigFor } from "../kubemq/client_config.ts";
import { type KubemqConnection, openConnection } from "../kubemq/connection.ts";
import {
  createEventsClient,
  type EventsClient,
  type ReceivedEvent,
} from "../kubemq/events_client.ts";
import type { SubscriptionHandle } from "../kubemq/requests_port.ts";
import { EventsStoreType, type StartPosition } from "../kubemq/pb_events.ts";
import { subscriberOf } from "../kubemq/subscriber.ts";
import { SubscriptionSet, type SubscriptionSlot } from "../kubemq/subscription_set.ts";
import { afterMessage } from "../../gc.ts";
import type { HandleResult, MessageHandler, Source, SourceState } from "../../kinds/source.ts";
import type { KubemqEventsOptions } from "./options.ts";
import { publishOutcome } from "./publish_outcome.ts";

/** How long an open stream must live to count as healthy. */
const STABLE_MS = 3000;

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

class KubemqEventsSource implements Source {
  readonly #options: KubemqEventsOptions;
  readonly #ctx: KindContext;
  readonly #log: Logger;
  readonly #kind: string;
  readonly #store: boolean;
  readonly #start: StartPosition | undefined;
  readonly #clientId: string;
  readonly #group: string;
  readonly #intervalMs: number;
  readonly #subs: SubscriptionSet<SubscriptionHandle>;
  #conn: KubemqConnection | null = null;
  /** The subscriptions' own connection, which a stop half-closes (grpc_half_close.ts). */
  #subsConn: KubemqConnection | null = null;
  #events: EventsClient | null = null;
  /** The events client over #subsConn: subscribes only. */
  #subscriber: EventsClient | null = null;
  #handler: MessageHandler | null = null;
  #started = false;
  #stopped: Promise<void> | null = null;
  /** Highest events-store sequence seen, where a resubscription continues. */
  #lastSequence = 0;

  constructor(
    options: KubemqEventsOptions,
    ctx: KindContext,
    store: { start: StartPosition } | null,
  ) {
    this.#options = options;
    this.#ctx = ctx;
    this.#store = store !== null;
    this.#start = store?.start;
    this.#kind = this.#store ? "kubemq.events-store" : "kubemq.events";
    this.#log = ctx.log.with({ binding: ctx.binding, channel: options.channel });
    ({ clientId: this.#clientId, group: this.#group, intervalMs: this.#intervalMs } = subscriberOf(
      options,
    ));
    this.#subs = new SubscriptionSet({
      kind: this.#kind,
      channel: options.channel,
      log: this.#log,
      count: options.sources,
      concurrency: options.concurrency,
      policy: { ...options, intervalMs: this.#intervalMs },
    });
  }

  async start(handler: MessageHandler): Promise<void> {
    if (this.#started || this.#subs.stopping) {
      throw new Error(`${this.#kind} source cannot start twice or after stop`);
    }
    this.#started = true;
    this.#handler = handler;
    const config = await clientConfigFor(this.#options, this.#ctx);
    try {
      this.#conn = openConnection(config);
      this.#subsConn = openConnection(config, { halfClose: true });
    } catch (err) {
      throw new Error(`Cannot create KubeMQ client for ${this.#options.address}: ${message(err)}`);
    }
    this.#events = createEventsClient(this.#conn);
    this.#subscriber = createEventsClient(this.#subsConn);
    await this.#subs.start((slot, opened) => this.#attempt(slot, opened));
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

  /** Where this subscription starts: configured, or after the last stored event seen. */
  #startPosition(): StartPosition | undefined {
    if (!this.#store) return undefined;
    if (this.#lastSequence > 0) {
      return { type: EventsStoreType.StartAtSequence, value: this.#lastSequence + 1 };
    }
    return this.#start;
  }

  async #attempt(
    slot: SubscriptionSlot<SubscriptionHandle>,
    opened: () => void,
  ): Promise<boolean> {
    try {
      await this.#conn!.ping(5000, this.#subs.signal);
    } catch (err) {
      if (!this.#subs.stopping) {
        this.#subs.failed(`Ping to ${this.#options.address} failed: ${message(err)}`);
      }
      return false;
    }
    if (this.#subs.over()) return false;
    const start = this.#startPosition();
    return this.#subs.watch(
      slot,
      STABLE_MS,
      (healthy, ended) =>
        this.#subscriber!.subscribe(
          {
            store: this.#store,
            channel: this.#options.channel,
            group: this.#group,
            clientId: this.#clientId,
            ...(start ? { start } : {}),
          },
          (event) => {
            healthy();
            this.#onEvent(event);
          },
          ended,
        ),
      () => {
        this.#log.info("Subscribed to {kind} on {channel} at {address}", {
          kind: this.#kind,
          address: this.#options.address,
          group: this.#group,
          subscription: slot.index,
          ...(start ? { startType: start.type, startValue: start.value } : {}),
        });
        opened();
      },
    );
  }

  #onEvent(event: ReceivedEvent): void {
    // Delivered, even while stopping: handled within the drain (in a group, no other member
    // gets it).
    if (event.sequence > this.#lastSequence) this.#lastSequence = event.sequence;
    const gate = this.#subs.gate;
    gate.enter();
    const { id, body, tags } = event;
    // The body goes to the handler and is not kept here (an async function would keep it
    // reachable until the outcome is published): an event is never read again, so a large
    // body's data is decoded over its own bytes.
    let answered: Promise<HandleResult>;
    try {
      answered = this.#handler!(body, {
        requestId: id,
        channel: event.channel,
        clientId: this.#clientId,
        tags,
        bodySpendable: true,
      });
    } catch (err) {
      answered = Promise.reject(err);
    }
    const bytes = body.byteLength;
    void this.#publish(id, answered).finally(() => {
      gate.leave();
      afterMessage(bytes, gate.inFlight);
    });
  }

  /** Publishes the handler's answer to response_channel; never rejects. */
  async #publish(eventId: string, answered: Promise<HandleResult>): Promise<void> {
    let response: Uint8Array;
    let tags: Record<string, string> | undefined;
    try {
      ({ body: response, tags } = await answered);
    } catch (err) {
      this.#log.error("Event {eventId} failed in the handler: {error}", {
        eventId,
        error: message(err),
      });
      return;
    }
    const channel = this.#options.response_channel;
    if (channel === undefined) return;
    await publishOutcome(
      this.#events!,
      {
        channel,
        store: this.#store,
        clientId: this.#clientId,
        eventId,
        log: this.#log,
      },
      response,
      tags,
    );
  }

  async #stop(drainMs: number): Promise<void> {
    // A half-close rather than a cancel (KubeMQ has no unsubscribe): an event the broker wrote
    // to this member of a group just before the end is still read and handled.
    const subsConn = this.#subsConn;
    await this.#subs.stop(drainMs, subsConn ? () => subsConn.channel.endWrites() : undefined);
    subsConn?.close();
    this.#conn?.close();
    this.#log.info("{kind} source for {channel} stopped", { kind: this.#kind });
  }
}

/** Creates a `kubemq.events` source. */
export function createKubemqEventsSource(options: KubemqEventsOptions, ctx: KindContext): Source {
  return new KubemqEventsSource(options, ctx, null);
}

/** Creates a `kubemq.events-store` source starting at `start`. */
export function createKubemqEventsStoreSource(
  options: KubemqEventsOptions,
  ctx: KindContext,
  start: StartPosition,
): Source {
  return new KubemqEventsSource(options, ctx, { start });
}
