/**
 * The queues client: one StreamQueueMessage stream per message (receive with visibility, then
 * ack, reject or extend it) and SendQueueMessage, with the server's rules as
 * docs/broker-protocol.md lists them, over the connection's lean transport (a received Body is a
 * view into its message; a sent one is not copied).
 */
import { type KubemqConnection, SERVICE } from "./connection.ts";
import {
  type DecodedStreamQueueResponse,
  decodeSendQueueResult,
  decodeStreamQueueResponse,
  encodeQueueMessage,
  encodeStreamQueueRequest,
  type StreamQueueRequestFields,
  StreamRequestType,
} from "./pb_queues.ts";

/** A message received from a queue. */
export interface ReceivedQueueMessage {
  id: string;
  clientId: string;
  channel: string;
  metadata: string;
  body: Uint8Array;
  tags: Record<string, string>;
  /** The server's sequence, needed to ack or reject. */
  sequence: number;
  /** How many times the server has handed this message out, this time included. */
  receiveCount: number;
}

/** A message to send. */
export interface QueueMessageOut {
  channel: string;
  body: Uint8Array;
  metadata?: string;
  tags?: Record<string, string>;
}

/** One StreamQueueMessage stream holding at most one message. */
export interface QueueMessageStream {
  /** The received message, or null when the wait ran out with none (Error 138). */
  readonly message: Promise<ReceivedQueueMessage | null>;
  /** Removes the message from the queue. */
  ack(): Promise<void>;
  /** Puts the message back at the end of the queue (the server counts the receive). */
  reject(): Promise<void>;
  /** Restarts the visibility timer with `seconds`. */
  extend(seconds: number): Promise<void>;
  /** Ends the stream; a held message goes back to the queue at once. */
  cancel(): void;
}

/** The server's answer when a receive found nothing within its wait. */
const NO_MESSAGE = "Error 138";
/** The server's notice that the visibility timer ran out (the message is back in the queue). */
const VISIBILITY_EXPIRED = "Error 129";

/** Queue operations over a connection. */
export interface QueueClient {
  /** Opens a stream and asks for one message. */
  receive(
    opts: { channel: string; clientId: string; visibilitySeconds: number; waitSeconds: number },
  ): QueueMessageStream;
  /** SendQueueMessage; rejects when the server refused it (the result's Error) or failed. */
  send(msg: QueueMessageOut, clientId: string, timeoutMs: number): Promise<string>;
}

/** Creates the queue client. */
export function createQueueClient(conn: KubemqConnection): QueueClient {
  return {
    receive({ channel, clientId, visibilitySeconds, waitSeconds }) {
      type Waiter = { resolve(res: DecodedStreamQueueResponse): void; reject(e: Error): void };
      const waiters: Waiter[] = [];
      let failure: Error | null = null;
      const failAll = (err: Error) => {
        failure ??= err;
        for (const w of waiters.splice(0)) w.reject(err);
      };
      const call = conn.channel.duplex(
        `${SERVICE}/StreamQueueMessage`,
        (bytes) => {
          let res: DecodedStreamQueueResponse;
          try {
            res = decodeStreamQueueResponse(bytes);
          } catch (err) {
            failAll(new Error(`the queue stream sent a message we cannot read: ${err}`));
            call.cancel();
            return;
          }
          if (res.isError && res.error.startsWith(VISIBILITY_EXPIRED)) {
            return failAll(new Error(`${res.error} (the message went back to the queue)`));
          }
          waiters.shift()?.resolve(res);
        },
        (error) => {
          failAll(
            new Error(
              error === null
                ? "the queue stream ended"
                : `the queue stream failed: ${conn.describe(error)}`,
            ),
          );
        },
      );
      const request = (fields: Omit<StreamQueueRequestFields, "requestId" | "clientId">) => {
        if (failure) return Promise.reject(failure);
        return new Promise<DecodedStreamQueueResponse>((resolve, reject) => {
          waiters.push({ resolve, reject });
          const bytes = encodeStreamQueueRequest({
            requestId: crypto.randomUUID(),
            clientId,
            ...fields,
          });
          if (!call.write(bytes)) failAll(failure ?? new Error("the queue stream ended"));
        });
      };
      const message = request({
        type: StreamRequestType.Receive,
        channel,
        visibilitySeconds,
        waitSeconds,
      }).then((res): ReceivedQueueMessage | null => {
        if (res.isError) {
          if (res.error.startsWith(NO_MESSAGE)) return null;
          throw new Error(`receive from queue ${channel} failed: ${res.error}`);
        }
        const msg = res.message;
        if (!msg) throw new Error(`receive from queue ${channel} answered without a message`);
        return {
          id: msg.messageId,
          clientId: msg.clientId,
          channel: msg.channel,
          metadata: msg.metadata,
          body: msg.body,
          tags: msg.tags,
          sequence: msg.attributes?.sequence ?? 0,
          receiveCount: msg.attributes?.receiveCount ?? 1,
        };
      });
      // A caller that never awaits `message` (cancelled while waiting) must not leave it
      // unhandled.
      message.catch(() => {});
      const settle = async (type: number, what: string, visibility = 0) => {
        const held = await message;
        if (!held) throw new Error(`nothing to ${what}: no message was received`);
        const res = await request({
          type,
          refSequence: held.sequence,
          visibilitySeconds: visibility,
        });
        if (res.isError) throw new Error(`${what} failed: ${res.error}`);
      };
      return {
        message,
        ack: () => settle(StreamRequestType.Ack, "ack"),
        reject: () => settle(StreamRequestType.Reject, "reject"),
        extend: (seconds) => settle(StreamRequestType.ModifyVisibility, "extend", seconds),
        cancel: () => call.cancel(),
      };
    },

    async send(out, clientId, timeoutMs) {
      const message = encodeQueueMessage({
        messageId: crypto.randomUUID(),
        clientId,
        channel: out.channel,
        metadata: out.metadata ?? "",
        body: out.body,
        ...(out.tags ? { tags: out.tags } : {}),
      });
      let reply: Uint8Array;
      try {
        reply = await conn.channel.unary(`${SERVICE}/SendQueueMessage`, message, timeoutMs);
      } catch (err) {
        throw new Error(`send to queue ${out.channel} failed: ${conn.describe(err)}`);
      }
      const res = decodeSendQueueResult(reply);
      if (res.isError) throw new Error(`send to queue ${out.channel} refused: ${res.error}`);
      return res.messageId;
    },
  };
}
