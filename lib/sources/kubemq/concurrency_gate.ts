/**
 * The concurrency bound of a subscribing source: at most `limit` messages handled at once. At
 * the bound every stream is paused, so gRPC flow control keeps further messages in the
 * transport rather than in memory; the streams resume when a slot frees.
 */

/** A subscription stream that can be paused. */
export interface Pausable {
  pause(): void;
  resume(): void;
}

/** Counts messages in flight and pauses the streams at the bound. */
export class ConcurrencyGate {
  readonly #limit: number;
  readonly #streams: () => Iterable<Pausable | null>;
  #inFlight = 0;
  #paused = false;
  #open = false;
  #idleWaiters: (() => void)[] = [];

  /** `streams` lists the current streams (null for a subscription between attempts). */
  constructor(limit: number, streams: () => Iterable<Pausable | null>) {
    this.#limit = limit;
    this.#streams = streams;
  }

  /** Messages being handled now. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** True while the streams are paused; a stream opened now must start paused. */
  get paused(): boolean {
    return this.#paused;
  }

  /** One more message in flight; pauses the streams at the bound. */
  enter(): void {
    this.#inFlight++;
    if (this.#inFlight >= this.#limit && !this.#paused && !this.#open) {
      this.#paused = true;
      for (const stream of this.#streams()) stream?.pause();
    }
  }

  /** One message done; resumes the streams below the bound, wakes drain waiters at zero. */
  leave(): void {
    this.#inFlight--;
    if (this.#paused && this.#inFlight < this.#limit) {
      this.#paused = false;
      for (const stream of this.#streams()) stream?.resume();
    }
    if (this.#inFlight === 0) {
      for (const wake of this.#idleWaiters.splice(0)) wake();
    }
  }

  /**
   * Lifts the bound for good: resumes the streams and never pauses them again. For a stopping
   * source, which must read everything the server already wrote before its streams end.
   */
  open(): void {
    this.#open = true;
    if (!this.#paused) return;
    this.#paused = false;
    for (const stream of this.#streams()) stream?.resume();
  }

  /** Resolves once nothing is in flight, or after `ms`. */
  async drained(ms: number): Promise<void> {
    if (this.#inFlight === 0) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    await new Promise<void>((resolve) => {
      this.#idleWaiters.push(resolve);
      timer = setTimeout(resolve, Math.max(0, ms));
    });
    clearTimeout(timer);
  }
}
