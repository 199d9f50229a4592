/**
 * The `kubemq.queue` source: at-least-once processing of a KubeMQ queue.
 *
 * Receivers: min(sources x batch_size, concurrency) loops, each holding at most one message on
 * its own StreamQueueMessage stream (the server allows one message per stream). A loop asks for
 * a message (waiting up to wait_timeout), hands it to the binding, extending its visibility
 * meanwhile (visibility.ts), and settles it by the outcome (settle.ts: ack, requeue or
 * dead-letter). An ack comes only after the target succeeded or the message is safely in the dead-letter
 * queue; a crash before it returns the message to the queue (the server requeues the message
 * of a stream that goes away), so nothing is lost and a message may be processed twice.
 *
 * Stop (drain): no new receives; streams waiting for a message are cancelled; messages in
 * flight finish and are settled for up to the drain time. A failure while stopping is rejected
 * (back to the queue) rather than dead-lettered, since the shutdown may be its cause.
 */
import type { Logger } from "@logtape/logtape";
import { delay } from "../../delay.ts";
import { afterMessage } from "../../gc.ts";
import type { KindContext } from "../../kinds/kind.ts";
import { clientConfigFor } from "../kubemq/client_config.ts";
import { type KubemqConnection, openConnection } from "../kubemq/connection.ts";
import {
  createQueueClient,
  type QueueClient,
  type QueueMessageStream,
  type ReceivedQueueMessage,
} from "../kubemq/queue_client.ts";
import type { HandleResult, MessageHandler, Source, SourceState } from "../../kinds/source.ts";
import { deadLetterQueue, type KubemqQueueOptions } from "./options.ts";
import { settle, type Settler } from "./settle.ts";
import { extendVisibility } from "./visibility.ts";

/** The server's longest single wait (MaxWaitTimeoutSeconds). */
const SERVER_MAX_WAIT_SECONDS = 3600;
/** Wait between attempts after the broker failed a stream. */
const RETRY_MS = 1000;

/** Timings that tests may override. */
export interface KubemqQueueSourceTuning {
  /** SendQueueMessage deadline for dead-letter and response messages (default 30000). */
  sendTimeoutMs?: number;
  /** Extra time stop() gives settles after the drain time (default 3000). */
  settleGraceMs?: number;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

class KubemqQueueSource implements Source {
  readonly #options: KubemqQueueOptions;
  readonly #ctx: KindContext;
  readonly #log: Logger;
  readonly #clientId: string;
  readonly #deadLetter: string;
  readonly #sendTimeoutMs: number;
  readonly #settleGraceMs: number;
  #conn: KubemqConnection | null = null;
  #queue: QueueClient | null = null;
  #handler: MessageHandler | null = null;
  #loops: Promise<void>[] = [];
  #waiting = new Set<QueueMessageStream>();
  #started = false;
  #stopping = false;
  #stopped: Promise<void> | null = null;
  readonly #abort = new AbortController();
  #connected = false;
  #lastError: string | null = null;
  #reconnects = 0;
  #inFlight = 0;

  constructor(options: KubemqQueueOptions, ctx: KindContext, tuning: KubemqQueueSourceTuning) {
    this.#options = options;
    this.#ctx = ctx;
    this.#log = ctx.log.with({ binding: ctx.binding, channel: options.channel });
    this.#clientId = options.client_id ?? `kubemq-s3-${crypto.randomUUID().slice(0, 8)}`;
    this.#deadLetter = deadLetterQueue(options);
    this.#sendTimeoutMs = tuning.sendTimeoutMs ?? 30_000;
    this.#settleGraceMs = tuning.settleGraceMs ?? 3000;
  }

  async start(handler: MessageHandler): Promise<void> {
    if (this.#started || this.#stopping) {
      throw new Error("kubemq.queue source cannot start twice or after stop");
    }
    this.#started = true;
    this.#handler = handler;
    const config = await clientConfigFor(this.#options, this.#ctx);
    try {
      this.#conn = openConnection(config);
    } catch (err) {
      throw new Error(`Cannot create KubeMQ client for ${this.#options.address}: ${message(err)}`);
    }
    this.#queue = createQueueClient(this.#conn);
    try {
      await this.#conn.ping(5000, this.#abort.signal);
      this.#connected = true;
    } catch (err) {
      this.#failed(`Ping to ${this.#options.address} failed: ${message(err)}`);
    }
    const receivers = Math.min(
      this.#options.sources * this.#options.batch_size,
      this.#options.concurrency,
    );
    for (let i = 0; i < receivers; i++) this.#loops.push(this.#run(i));
    this.#log.info(
      "Receiving from queue {channel} at {address} with {receivers} receiver(s); dead letters to {deadLetter}",
      { address: this.#options.address, receivers, deadLetter: this.#deadLetter },
    );
  }

  stop(drainMs: number): Promise<void> {
    this.#stopped ??= this.#stop(drainMs);
    return this.#stopped;
  }

  state(): SourceState {
    return {
      connected: this.#connected && !this.#stopping,
      lastError: this.#lastError,
      reconnects: this.#reconnects,
      inFlight: this.#inFlight,
      dead: false,
    };
  }

  onDead(_listener: (reason: string) => void): void {
    // A queue source never gives up: it retries the broker for as long as it runs.
  }

  #failed(error: string): void {
    this.#lastError = error;
    this.#log.warn("{error}", { error });
  }

  /** One receiver: receive, process, settle, until stopping. */
  async #run(index: number): Promise<void> {
    const queue = this.#queue!;
    const waitSeconds = Math.min(this.#options.wait_timeout, SERVER_MAX_WAIT_SECONDS);
    let failing = false;
    while (!this.#stopping) {
      if (failing) {
        // A receive can wait up to wait_timeout before it proves anything: Ping first, so
        // readiness follows the broker's return at once.
        try {
          await this.#conn!.ping(5000, this.#abort.signal);
          this.#connected = true;
        } catch (err) {
          if (this.#stopping) return;
          this.#failed(`Ping to ${this.#options.address} failed: ${message(err)}`);
          await this.#sleep(RETRY_MS);
          continue;
        }
      }
      const stream = queue.receive({
        channel: this.#options.channel,
        clientId: this.#clientId,
        visibilitySeconds: this.#options.visibility_timeout_seconds,
        waitSeconds,
      });
      this.#waiting.add(stream);
      let received: ReceivedQueueMessage | null;
      try {
        received = await stream.message;
      } catch (err) {
        this.#waiting.delete(stream);
        stream.cancel();
        if (this.#stopping) return;
        this.#connected = false;
        this.#failed(`Receiving from queue ${this.#options.channel} failed: ${message(err)}`);
        if (!failing) this.#reconnects++;
        failing = true;
        await this.#sleep(RETRY_MS);
        continue;
      }
      this.#waiting.delete(stream);
      this.#connected = true;
      if (failing) {
        failing = false;
        this.#log.info("Receiving from queue {channel} again", { receiver: index });
      }
      if (received === null) continue;
      if (this.#stopping) {
        // Taken just as the source stopped: give it straight back.
        stream.cancel();
        return;
      }
      await this.#process(stream, received);
    }
  }

  /** Runs one message through the binding and settles it; never rejects. */
  async #process(stream: QueueMessageStream, msg: ReceivedQueueMessage): Promise<void> {
    this.#inFlight++;
    const stopExtending = extendVisibility(
      stream,
      this.#options.visibility_timeout_seconds,
      (err) =>
        this.#log.warn("Extending the visibility of message {messageId} failed: {error}", {
          messageId: msg.id,
          error: message(err),
        }),
    );
    let result: HandleResult;
    try {
      result = await this.#handler!(msg.body, {
        requestId: msg.id,
        channel: msg.channel,
        clientId: msg.clientId,
        tags: msg.tags,
        // Read again only to dead-letter it, through restoreBody (settle.ts).
        bodySpendable: true,
      });
    } catch (err) {
      // The handler broke its contract (it never rejects): nothing to settle with, so the
      // message goes back to the queue.
      this.#inFlight--;
      stream.cancel();
      this.#log.error("Message {messageId} failed in the handler, back to the queue: {error}", {
        messageId: msg.id,
        error: message(err),
      });
      return;
    } finally {
      stopExtending();
    }
    try {
      await settle(this.#settler(), stream, msg, result.outcome, result.body, result.tags);
    } catch (err) {
      // Not acknowledged: the server puts it back (now, or when its visibility runs out).
      stream.cancel();
      this.#log.warn("Message {messageId} goes back to the queue: {error}", {
        messageId: msg.id,
        error: message(err),
      });
    } finally {
      this.#inFlight--;
      afterMessage(msg.body.byteLength, this.#inFlight);
    }
  }

  /** What settling a message needs of this source. */
  #settler(): Settler {
    return {
      queue: this.#queue!,
      options: this.#options,
      deadLetter: this.#deadLetter,
      clientId: this.#clientId,
      sendTimeoutMs: this.#sendTimeoutMs,
      log: this.#log,
      stopping: () => this.#stopping,
      sleep: (ms) => this.#sleep(ms),
    };
  }

  /** Resolves after `ms` or at once when stopping. */
  #sleep(ms: number): Promise<void> {
    const signal = this.#abort.signal;
    if (signal.aborted) return Promise.resolve();
    // Stopping ends the wait early; it is not a failure.
    return delay(ms, { signal }).catch(() => {});
  }

  async #stop(drainMs: number): Promise<void> {
    this.#stopping = true;
    this.#abort.abort();
    // Receivers waiting for a message stop waiting; one delivered in this instant is returned
    // to the queue by the server when its stream goes away.
    for (const stream of this.#waiting) stream.cancel();
    this.#waiting.clear();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const drained = await Promise.race([
      Promise.all(this.#loops).then(() => true),
      new Promise<false>((r) => timer = setTimeout(() => r(false), drainMs + this.#settleGraceMs)),
    ]);
    clearTimeout(timer);
    if (!drained) {
      this.#log.warn(
        "Stopped with {inFlight} message(s) unsettled after {drainMs} ms; they go back to the queue",
        { inFlight: this.#inFlight, drainMs },
      );
    }
    this.#conn?.close();
    this.#log.info("kubemq.queue source for {channel} stopped", {});
  }
}

/**
 * Creates a `kubemq.queue` source from parsed options.
 *
 * @example
 * ```ts
 * const source = createKubemqQueueSource(options, ctx);
 * await source.start(handler);
 * await source.stop(30_000);
 * ```
 */
export function createKubemqQueueSource(
  options: KubemqQueueOptions,
  ctx: KindContext,
  tuning: KubemqQueueSourceTuning = {},
): Source {
  return new KubemqQueueSource(options, ctx, tuning);
}
