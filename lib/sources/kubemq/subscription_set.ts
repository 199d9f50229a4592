/**
 * The lifecycle shared by the subscribing KubeMQ sources (query, command, events, events-store):
 * `sources` subscriptions, each with its own attempt loop (./subscription_loop.ts), one
 * concurrency gate across them, the dead notice, the last error and the reconnect count for
 * /ready and metrics, and the stop that cancels the streams and drains in-flight work. A source
 * supplies only its attempt (Ping, then its own subscribe call) and what it does per message.
 */
import type { Logger } from "@logtape/logtape";
import { delay } from "../../delay.ts";
import type { SourceState } from "../../kinds/source.ts";
import { ConcurrencyGate } from "./concurrency_gate.ts";
import { DeadNotice } from "./dead_notice.ts";
import { type ReconnectPolicy, runSubscriptionLoop, watchStream } from "./subscription_loop.ts";

/**
 * How long a stop waits for the server to end the streams after a half-close (it does once it
 * has read the FIN, a round trip) before cancelling what is still open.
 */
const STREAMS_END_MS = 2000;

/** A live subscription stream, as the set pauses, resumes and cancels it. */
export interface StreamHandle {
  pause(): void;
  resume(): void;
  cancel(): void;
}

/** One subscription of the set. */
export interface SubscriptionSlot<H extends StreamHandle> {
  index: number;
  handle: H | null;
  connected: boolean;
}

/** How a subscription stream ended: its gRPC status code (0 = OK) and details. */
export interface StreamEndInfo {
  code: number;
  message: string;
}

/** What the set needs to know of its source. */
export interface SubscriptionSetConfig {
  /** The source kind in messages: "kubemq.query", "kubemq.events", … */
  kind: string;
  channel: string;
  /** Logger with the binding and channel. */
  log: Logger;
  /** Subscriptions to run (`sources`). */
  count: number;
  /** Messages handled at once across the subscriptions (`concurrency`). */
  concurrency: number;
  policy: ReconnectPolicy;
}

/**
 * Opens one subscription and resolves when its stream ends: true if it had proven healthy. The
 * source pings, checks `over()`, then opens its stream through `set.watch`.
 */
export type Attempt<H extends StreamHandle> = (
  slot: SubscriptionSlot<H>,
  opened: () => void,
) => Promise<boolean>;

/** A source's subscriptions and their shared state. */
export class SubscriptionSet<H extends StreamHandle> {
  readonly #config: SubscriptionSetConfig;
  readonly #log: Logger;
  readonly #slots: SubscriptionSlot<H>[] = [];
  readonly #loops: Promise<void>[] = [];
  readonly #abort = new AbortController();
  readonly #dead: DeadNotice;
  /** At most `concurrency` messages in flight; at the bound every stream is paused. */
  readonly gate: ConcurrencyGate;
  #stopping = false;
  #lastError: string | null = null;
  #reconnects = 0;

  constructor(config: SubscriptionSetConfig) {
    this.#config = config;
    this.#log = config.log;
    this.#dead = new DeadNotice(config.log);
    this.gate = new ConcurrencyGate(config.concurrency, () => this.#slots.map((s) => s.handle));
  }

  /** Aborted when the source stops or dies: pass it to pings. */
  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  /** True once stop() was called. */
  get stopping(): boolean {
    return this.#stopping;
  }

  /** True once the source is stopping or dead: no new attempts, no new work. */
  over(): boolean {
    return this.#stopping || this.#dead.reason !== null;
  }

  /**
   * Starts one attempt loop per subscription; resolves once each has made its first attempt
   * (opened its stream, or failed).
   */
  async start(attempt: Attempt<H>): Promise<void> {
    const first: Promise<void>[] = [];
    for (let index = 0; index < this.#config.count; index++) {
      const slot: SubscriptionSlot<H> = { index, handle: null, connected: false };
      this.#slots.push(slot);
      const { promise, resolve } = Promise.withResolvers<void>();
      first.push(promise);
      const loop = runSubscriptionLoop(this.#config.policy, {
        attempt: (opened) => attempt(slot, opened),
        over: () => this.over(),
        lastError: () => this.#lastError,
        die: (reason) => this.#die(reason),
        // Stopping ends the wait early; it is not a failure.
        sleep: (ms) => delay(ms, { signal: this.#abort.signal }).catch(() => {}),
        resubscribing: (attemptNo) => {
          this.#reconnects++;
          this.#log.info("Resubscribing to {channel} (attempt {attempt})", {
            attempt: attemptNo,
            subscription: index,
          });
        },
      }, resolve);
      this.#loops.push(loop.finally(resolve));
    }
    await Promise.all(first);
  }

  /** Records a connection error (for /ready and the reason given when giving up) and logs it. */
  failed(error: string): void {
    this.#lastError = error;
    this.#log.warn("{error}", { error });
  }

  /**
   * Opens `slot`'s stream with `open` and resolves with whether it proved healthy (a message
   * arrived, or it stayed open `stableMs`) once it ended. `open` gets `healthy` to call per
   * message and `ended` to call with how the stream ended, and returns the stream's handle;
   * `opened` runs once the stream is registered (started paused if the gate is full).
   */
  watch(
    slot: SubscriptionSlot<H>,
    stableMs: number,
    open: (healthy: () => void, ended: (end: StreamEndInfo) => void) => H,
    opened: () => void,
  ): Promise<boolean> {
    return watchStream(stableMs, (healthy, ended) => {
      const handle = open(healthy, (end) => {
        slot.handle = null;
        slot.connected = false;
        if (!this.over()) {
          const channel = this.#config.channel;
          this.failed(
            end.code === 0
              ? `Subscription to ${channel} was ended by the server`
              : `Subscription to ${channel} failed: ${end.message}`,
          );
        }
        ended();
      });
      slot.handle = handle;
      slot.connected = true;
      if (this.gate.paused) handle.pause();
      opened();
    });
  }

  /** The source's state for /ready, /bindings and metrics. */
  state(): SourceState {
    return {
      connected: this.#dead.reason === null && !this.#stopping && this.#slots.length > 0 &&
        this.#slots.every((s) => s.connected),
      lastError: this.#lastError,
      reconnects: this.#reconnects,
      inFlight: this.gate.inFlight,
      dead: this.#dead.reason !== null,
    };
  }

  /** Registers a listener for when the source gives up. */
  onDead(listener: (reason: string) => void): void {
    this.#dead.listen(listener);
  }

  /**
   * Stops: ends every wait and stream, waits for the attempt loops, then up to `drainMs` for the
   * messages in flight; returns how many were still in flight.
   *
   * With `endStreams` (the client's half-close, which makes the server end the streams after
   * every message it already wrote), the streams are read unpaused until the server has ended
   * them, for at most STREAMS_END_MS; only what is still open then is cancelled.
   */
  async stop(drainMs: number, endStreams?: () => void): Promise<number> {
    this.#stopping = true;
    this.#abort.abort();
    if (endStreams) {
      this.gate.open();
      endStreams();
      const timeUp = new AbortController();
      await Promise.race([
        Promise.all(this.#loops),
        delay(STREAMS_END_MS, { signal: timeUp.signal }).catch(() => {}),
      ]);
      timeUp.abort();
    }
    for (const slot of this.#slots) {
      slot.handle?.cancel();
      slot.connected = false;
    }
    await Promise.all(this.#loops);
    await this.gate.drained(drainMs);
    return this.gate.inFlight;
  }

  #die(reason: string): void {
    this.#dead.declare(reason, () => {
      this.#log.error(`${this.#config.kind} source for {channel} is dead: {reason}`, { reason });
      for (const slot of this.#slots) slot.handle?.cancel();
      this.#abort.abort();
    });
  }
}
