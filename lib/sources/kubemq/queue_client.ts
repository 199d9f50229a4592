/**
 * The queue calls of the `kubemq.queue` source: one StreamQueueMessage stream per message
 * (receive with visibility, then ack, reject or extend it) and SendQueueMessage, with the
 * server's rules as docs/broker-protocol.md lists them.
 */
import type { Connection } from "./connection.ts";
import { pbClasses } from "./connection.ts";
import type { PbStreamQueueMessagesResponse } from "./pb_types.ts";
import { StreamRequestType } from "./pb_types.ts";

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
export function createQueueClient(conn: Connection): QueueClient {
  return {
    receive({ channel, clientId, visibilitySeconds, waitSeconds }) {
      const call = conn.client.streamQueueMessage(conn.metadata());
      type Waiter = { resolve(res: PbStreamQueueMessagesResponse): void; reject(e: Error): void };
      const waiters: Waiter[] = [];
      let failure: Error | null = null;
      const failAll = (err: Error) => {
        failure ??= err;
        for (const w of waiters.splice(0)) w.reject(err);
      };
      call.on("error", () => {});
      call.on("status", (status) => {
        failAll(
          new Error(
            status.code === 0
              ? "the queue stream ended"
              : `the queue stream failed: ${conn.describe(status)}`,
          ),
        );
      });
      call.on("data", (res) => {
        if (res.getIserror() && res.getError().startsWith(VISIBILITY_EXPIRED)) {
          return failAll(new Error(`${res.getError()} (the message went back to the queue)`));
        }
        waiters.shift()?.resolve(res);
      });
      const request = (type: number, fill: (r: ReturnType<typeof build>) => void = () => {}) => {
        if (failure) return Promise.reject(failure);
        const req = build(type);
        fill(req);
        return new Promise<PbStreamQueueMessagesResponse>((resolve, reject) => {
          waiters.push({ resolve, reject });
          call.write(req);
        });
      };
      const build = (type: number) => {
        const req = new pbClasses.StreamQueueMessagesRequest();
        req.setRequestid(crypto.randomUUID());
        req.setClientid(clientId);
        req.setStreamrequesttypedata(type);
        return req;
      };
      const message = request(StreamRequestType.Receive, (r) => {
        r.setChannel(channel);
        r.setVisibilityseconds(visibilitySeconds);
        r.setWaittimeseconds(waitSeconds);
      }).then((res): ReceivedQueueMessage | null => {
        if (res.getIserror()) {
          if (res.getError().startsWith(NO_MESSAGE)) return null;
          throw new Error(`receive from queue ${channel} failed: ${res.getError()}`);
        }
        const msg = res.getMessage();
        if (!msg) throw new Error(`receive from queue ${channel} answered without a message`);
        const attrs = msg.getAttributes();
        return {
          id: msg.getMessageid(),
          clientId: msg.getClientid(),
          channel: msg.getChannel(),
          metadata: msg.getMetadata(),
          body: msg.getBody_asU8(),
          tags: Object.fromEntries(msg.getTagsMap().toArray()),
          sequence: attrs?.getSequence() ?? 0,
          receiveCount: attrs?.getReceivecount() ?? 1,
        };
      });
      // A caller that never awaits `message` (cancelled while waiting) must not leave it
      // unhandled.
      message.catch(() => {});
      const settle = async (type: number, what: string, visibility = 0) => {
        const held = await message;
        if (!held) throw new Error(`nothing to ${what}: no message was received`);
        const res = await request(type, (r) => {
          r.setRefsequence(held.sequence);
          r.setVisibilityseconds(visibility);
        });
        if (res.getIserror()) throw new Error(`${what} failed: ${res.getError()}`);
      };
      return {
        message,
        ack: () => settle(StreamRequestType.Ack, "ack"),
        reject: () => settle(StreamRequestType.Reject, "reject"),
        extend: (seconds) => settle(StreamRequestType.ModifyVisibility, "extend", seconds),
        cancel: () => call.cancel(),
      };
    },

    send(out, clientId, timeoutMs) {
      const msg = new pbClasses.QueueMessage();
      msg.setMessageid(crypto.randomUUID());
      msg.setClientid(clientId);
      msg.setChannel(out.channel);
      msg.setMetadata(out.metadata ?? "");
      msg.setBody(out.body);
      for (const [k, v] of Object.entries(out.tags ?? {})) msg.getTagsMap().set(k, v);
      return new Promise((resolve, reject) => {
        conn.client.sendQueueMessage(msg, conn.metadata(), conn.deadline(timeoutMs), (err, res) => {
          if (err || !res) {
            return reject(new Error(`send to queue ${out.channel} failed: ${conn.describe(err)}`));
          }
          if (res.getIserror()) {
            return reject(new Error(`send to queue ${out.channel} refused: ${res.getError()}`));
          }
          resolve(res.getMessageid());
        });
      });
    },
  };
}
