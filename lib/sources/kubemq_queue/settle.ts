/**
 * Settling a queue message by the binding's outcome:
 * - the target succeeded: send the outcome to response_channel (if set), then ack;
 * - unparseable body, or a failure that retrying cannot fix: send it to the dead-letter queue
 *   with the error in its tags (and the outcome to response_channel), then ack;
 * - a retryable failure: wait requeue_delay_seconds (doubling per receive, at most 60 s), then
 *   reject, which puts it back at the end of the queue; once it was received more than
 *   max_requeue + 1 times it is dead-lettered instead.
 * While the source stops, a failure is rejected (back to the queue) rather than dead-lettered,
 * since the shutdown may be its cause.
 */
import type { Logger } from "@logtape/logtape";
import type {
  QueueClient,
  QueueMessageStream,
  ReceivedQueueMessage,
} from "../kubemq/queue_client.ts";
import type { HandleOutcome } from "../../kinds/source.ts";
import { restoreBody } from "../../wire.ts";
import type { KubemqQueueOptions } from "./options.ts";

/** Longest requeue delay. */
const MAX_REQUEUE_DELAY_MS = 60_000;

/** What settling needs of the source. */
export interface Settler {
  queue: QueueClient;
  options: KubemqQueueOptions;
  /** The dead-letter queue's channel. */
  deadLetter: string;
  clientId: string;
  /** SendQueueMessage deadline for dead-letter and response messages. */
  sendTimeoutMs: number;
  log: Logger;
  stopping(): boolean;
  /** Waits `ms`, or less when the source stops. */
  sleep(ms: number): Promise<void>;
}

/** Settles one message: ack, reject (requeue) or dead-letter, as its outcome says. */
export async function settle(
  s: Settler,
  stream: QueueMessageStream,
  msg: ReceivedQueueMessage,
  outcome: HandleOutcome,
  response: Uint8Array,
  responseTags?: Record<string, string>,
): Promise<void> {
  if (outcome.kind === "ok") {
    await respond(s, msg, response, responseTags);
    await stream.ack();
    return;
  }
  const exhausted = msg.receiveCount > s.options.max_requeue;
  if (outcome.kind === "retry" || s.stopping()) {
    if (s.stopping() || !exhausted) {
      const delay = Math.min(
        s.options.requeue_delay_seconds * 1000 * 2 ** (msg.receiveCount - 1),
        MAX_REQUEUE_DELAY_MS,
      );
      s.log.warn(
        "Message {messageId} failed (receive {receiveCount}), back to the queue in {delayMs} ms: {error}",
        {
          messageId: msg.id,
          receiveCount: msg.receiveCount,
          delayMs: s.stopping() ? 0 : delay,
          error: outcome.error,
        },
      );
      if (!s.stopping()) await s.sleep(delay);
      await stream.reject();
      return;
    }
  }
  const reason = outcome.kind === "invalid"
    ? "unparseable"
    : outcome.kind === "retry"
    ? "max_requeue"
    : "permanent";
  await s.queue.send(
    {
      channel: s.deadLetter,
      // The binding may have decoded a large body's data over it: the bytes as received.
      body: restoreBody(msg.body),
      metadata: msg.metadata,
      tags: {
        ...msg.tags,
        error: outcome.error,
        error_code: outcome.code,
        dead_letter_reason: reason,
        source_channel: msg.channel,
        source_message_id: msg.id,
        receive_count: String(msg.receiveCount),
      },
    },
    s.clientId,
    s.sendTimeoutMs,
  );
  s.log.error(
    "Message {messageId} sent to dead-letter queue {deadLetter} ({reason}): {error}",
    { messageId: msg.id, deadLetter: s.deadLetter, reason, error: outcome.error },
  );
  await respond(s, msg, response, responseTags);
  await stream.ack();
}

/** Sends the outcome to response_channel, when set, with the trace context in `extra`. */
async function respond(
  s: Settler,
  msg: ReceivedQueueMessage,
  response: Uint8Array,
  extra: Record<string, string> | undefined,
): Promise<void> {
  const channel = s.options.response_channel;
  if (channel === undefined) return;
  await s.queue.send(
    {
      channel,
      body: response,
      tags: { ...extra, message_id: msg.id, source_channel: msg.channel },
    },
    s.clientId,
    s.sendTimeoutMs,
  );
}
