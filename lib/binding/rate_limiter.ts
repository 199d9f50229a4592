import { delay } from "../delay.ts";

/** Spaces calls evenly at `rate` per second; 0 means unlimited. */
export class RateLimiter {
  #next = 0;
  readonly #interval: number;

  constructor(rate: number) {
    this.#interval = rate > 0 ? 1000 / rate : 0;
  }

  /** Resolves when the caller may proceed; callers are served in arrival order. */
  async take(signal?: AbortSignal): Promise<void> {
    if (this.#interval === 0) return;
    const now = performance.now();
    const at = Math.max(now, this.#next);
    this.#next = at + this.#interval;
    const wait = at - now;
    if (wait <= 0) return;
    await delay(wait, { signal });
  }
}
