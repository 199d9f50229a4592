/**
 * A binding's target start-up: created once, and when that fails retried with doubling backoff
 * (1 s up to 30 s) while the binding keeps its subscription and answers `TargetUnavailable`.
 */
import { toConnectorError } from "../errors.ts";
import type { KindContext, Target, TargetKind } from "../kinds/kind.ts";

const MAX_BACKOFF_MS = 30_000;

/** Creates a binding's target, retrying in the background until it is up or stopped. */
export class TargetStarter {
  readonly #kind: TargetKind;
  readonly #options: unknown;
  readonly #ctx: () => KindContext;
  #target: Target | null = null;
  #error: string | null = null;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #stopped = false;

  constructor(kind: TargetKind, options: unknown, ctx: () => KindContext) {
    this.#kind = kind;
    this.#options = options;
    this.#ctx = ctx;
  }

  /** The running target, or null while it is not up. */
  get target(): Target | null {
    return this.#target;
  }

  /** Why the last attempt failed, or null. */
  get error(): string | null {
    return this.#error;
  }

  /** Makes the first attempt; later ones run in the background. Never rejects. */
  async start(backoffMs = 1000): Promise<void> {
    if (this.#stopped) return;
    const ctx = this.#ctx();
    try {
      this.#target = await this.#kind.create(this.#options as never, ctx);
      this.#error = null;
    } catch (err) {
      this.#error = toConnectorError(err).message;
      ctx.log.error(
        "Target of binding {binding} failed to initialise, retrying in {ms} ms: {error}",
        { binding: ctx.binding, ms: backoffMs, error: this.#error },
      );
      this.#timer = setTimeout(
        () => void this.start(Math.min(backoffMs * 2, MAX_BACKOFF_MS)),
        backoffMs,
      );
    }
  }

  /** No more attempts. */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }
}
