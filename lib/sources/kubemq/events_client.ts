/**
 * The events client: SubscribeToEvents (type 1 events, type 2 events-store with a start
 * position) and SendEvent, over the connection's lean transport (a received Body is a view into
 * its message; a sent one is not copied).
 */
import { type KubemqConnection, SERVICE } from "./connection.ts";
import { decodeEventReceive, decodeResult, encodeEvent, EventsSubscribeType } from "./pb_events.ts";
import type { StartPosition } from "./pb_events.ts";
import { encodeSubscribe } from "./pb_codec.ts";
import type { StreamEnd, SubscriptionHandle } from "./requests_port.ts";

/** An event as received. */
export interface ReceivedEvent {
  id: string;
  channel: string;
  metadata: string;
  body: Uint8Array;
  /** Events-store sequence (0 for plain events). */
  sequence: number;
  /** The sender's tags. */
  tags: Record<string, string>;
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
    onEnd: (end: StreamEnd) => void,
  ): SubscriptionHandle;
  /** SendEvent; rejects when the server failed it or answered Sent false. */
  send(
    event: { channel: string; body: Uint8Array; store: boolean; tags?: Record<string, string> },
    clientId: string,
    timeoutMs: number,
  ): Promise<void>;
}

/** Creates the events client. */
export function createEventsClient(conn: KubemqConnection): EventsClient {
  return {
    subscribe(opts, onData, onEnd) {
      const sub = encodeSubscribe({
        subscribeType: opts.store ? EventsSubscribeType.EventsStore : EventsSubscribeType.Events,
        clientId: opts.clientId,
        channel: opts.channel,
        group: opts.group,
        ...(opts.store && opts.start
          ? { eventsStoreType: opts.start.type, eventsStoreValue: opts.start.value }
          : {}),
      });
      let ended = false;
      const end = (e: StreamEnd) => {
        if (ended) return;
        ended = true;
        onEnd(e);
      };
      const stream = conn.channel.serverStream(
        `${SERVICE}/SubscribeToEvents`,
        [sub],
        (message) => {
          if (ended) return;
          let e;
          try {
            e = decodeEventReceive(message);
          } catch (err) {
            // A message we cannot read ends the stream, as grpc-js does on a parse failure.
            stream.cancel();
            end({ code: 13, message: `INTERNAL: Failed to parse server response: ${err}` });
            return;
          }
          onData({
            id: e.eventId,
            channel: e.channel,
            metadata: e.metadata,
            body: e.body,
            sequence: e.sequence,
            tags: e.tags,
          });
        },
        (error) =>
          end(
            error === null
              ? { code: 0, message: "OK" }
              : { code: error.code, message: conn.describe(error) },
          ),
      );
      return stream;
    },

    async send(event, clientId, timeoutMs) {
      const message = encodeEvent({
        eventId: crypto.randomUUID(),
        clientId,
        channel: event.channel,
        metadata: "",
        body: event.body,
        store: event.store,
        ...(event.tags ? { tags: event.tags } : {}),
      });
      let reply: Uint8Array;
      try {
        reply = await conn.channel.unary(`${SERVICE}/SendEvent`, message, timeoutMs);
      } catch (err) {
        throw new Error(`send event to ${event.channel} failed: ${conn.describe(err)}`);
      }
      const res = decodeResult(reply);
      if (!res.sent) throw new Error(`send event to ${event.channel} refused: ${res.error}`);
    },
  };
}
