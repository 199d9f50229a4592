/**
 * When a source gives up for good: the reason, once, told to every listener (also to one that
 * registers afterwards). A listener that throws is logged, never passed on.
 */
import type { Logger } from "@logtape/logtape";

/** The dead state of a source and its listeners. */
export class DeadNotice {
  readonly #log: Logger;
  #reason: string | null = null;
  #listeners: ((reason: string) => void)[] = [];

  constructor(log: Logger) {
    this.#log = log;
  }

  /** Why the source gave up, or null while it serves. */
  get reason(): string | null {
    return this.#reason;
  }

  /** Registers a listener; called at once (in a microtask) if the source is dead already. */
  listen(listener: (reason: string) => void): void {
    const reason = this.#reason;
    if (reason === null) this.#listeners.push(listener);
    else queueMicrotask(() => this.#notify(listener, reason));
  }

  /**
   * Records the reason, runs `settle` (the source winds down, already seen as dead), then tells
   * the listeners. Does nothing when it was dead already.
   */
  declare(reason: string, settle: () => void): void {
    if (this.#reason !== null) return;
    this.#reason = reason;
    settle();
    for (const listener of this.#listeners.splice(0)) this.#notify(listener, reason);
  }

  #notify(listener: (reason: string) => void, reason: string): void {
    try {
      listener(reason);
    } catch (err) {
      this.#log.error("onDead listener failed: {error}", {
        error: err instanceof Error ? err.message : String(err),
      });
    }
  }
}
