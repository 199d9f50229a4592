/**
 * The events calls of the `kubemq.events` and `kubemq.events-store` sources: SubscribeToEvents
 * (type 1 events, type 2 events-store with a start position) and SendEvent for results.
 */
import type { Connection } from "./connection.ts";
import { pbClasses } from "./connection.ts";
import { EventsSubscribeType, type StartPosition } from "./pb_types.ts";

/** An event as received. */
export interface ReceivedEvent {
  id: string;
  channel: string;
  metadata: string;
  body: Uint8Array;
  /** Events-store sequence (0 for plain events). */
  sequence: number;
}

/** How a subscription stream ended. */
export interface EventsStreamEnd {
  code: number;
  message: string;
}

/** A live subscription. */
export interface EventsSubscriptionHandle {
  pause(): void;
  resume(): void;
  cancel(): void;
}

/** Events operations over a connection. */
export interface EventsClient {
  subscribe(
    opts: {
      store: boolean;
      channel: string;
      group: string;
      clientId: string;
      start?: StartPosition;
    },
    onData: (event: ReceivedEvent) => void,
    onEnd: (end: EventsStreamEnd) => void,
  ): EventsSubscriptionHandle;
  /** SendEvent; rejects when the server failed it or answered Sent false. */
  send(
    event: { channel: string; body: Uint8Array; store: boolean; tags?: Record<string, string> },
    clientId: string,
    timeoutMs: number,
  ): Promise<void>;
}

/** Creates the events client. */
export function createEventsClient(conn: Connection): EventsClient {
  return {
    subscribe(opts, onData, onEnd) {
      const sub = new pbClasses.Subscribe();
      sub.setSubscribetypedata(
        opts.store ? EventsSubscribeType.EventsStore : EventsSubscribeType.Events,
      );
      sub.setClientid(opts.clientId);
      sub.setChannel(opts.channel);
      sub.setGroup(opts.group);
      if (opts.store && opts.start) {
        sub.setEventsstoretypedata(opts.start.type);
        sub.setEventsstoretypevalue(opts.start.value);
      }
      const stream = conn.client.subscribeToEvents(sub, conn.metadata());
      stream.on("error", () => {});
      stream.on("status", (s) => onEnd({ code: s.code, message: conn.describe(s) }));
      stream.on("data", (e) =>
        onData({
          id: e.getEventid(),
          channel: e.getChannel(),
          metadata: e.getMetadata(),
          body: e.getBody_asU8(),
          sequence: e.getSequence(),
        }));
      return {
        pause: () => stream.pause(),
        resume: () => stream.resume(),
        cancel: () => stream.cancel(),
      };
    },

    send(event, clientId, timeoutMs) {
      const ev = new pbClasses.Event();
      ev.setEventid(crypto.randomUUID());
      ev.setClientid(clientId);
      ev.setChannel(event.channel);
      ev.setMetadata("");
      ev.setBody(event.body);
      ev.setStore(event.store);
      for (const [k, v] of Object.entries(event.tags ?? {})) ev.getTagsMap().set(k, v);
      return new Promise((resolve, reject) => {
        conn.client.sendEvent(ev, conn.metadata(), conn.deadline(timeoutMs), (err, res) => {
          if (err || !res) {
            return reject(
              new Error(`send event to ${event.channel} failed: ${conn.describe(err)}`),
            );
          }
          if (!res.getSent()) {
            return reject(new Error(`send event to ${event.channel} refused: ${res.getError()}`));
          }
          resolve();
        });
      });
    },
  };
}
