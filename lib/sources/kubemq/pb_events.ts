/**
 * Hand-rolled protobuf encoding and decoding of the KubeMQ events messages the events client
 * carries: Event out, EventReceive and Result in, and the events values of Subscribe. Field
 * numbers are kubemq-js 1.2.3's generated messages, the reference that
 * tests/sources/kubemq/pb_events_test.ts round-trips every field against. A received Body is a
 * view into the received message; a large Body to send is its own chunk, not copied.
 */
import { decodeMapEntry, readFields, text } from "./_pb_reader.ts";
import { LEN, VARINT } from "./_pb_wire_types.ts";
import { Writer, writeTags } from "./_pb_writer.ts";

/** Subscribe.SubscribeTypeData values for events. */
export const EventsSubscribeType = { Events: 1, EventsStore: 2 } as const;

/** Subscribe.EventsStoreTypeData values: where an events-store subscription starts. */
export const EventsStoreType = {
  StartNewOnly: 1,
  StartFromFirst: 2,
  StartFromLast: 3,
  StartAtSequence: 4,
  StartAtTime: 5,
  StartAtTimeDelta: 6,
} as const;

/** Where an events-store subscription starts (Subscribe.EventsStoreTypeData and value). */
export interface StartPosition {
  type: number;
  /** Sequence, unix time in nanoseconds, or seconds back, depending on `type`. */
  value: number;
}

/** kubemq.Event fields the connector sends. */
export interface EventFields {
  eventId: string;
  clientId: string;
  channel: string;
  metadata: string;
  body: Uint8Array;
  store: boolean;
  tags?: Record<string, string>;
}

/** kubemq.EventReceive as received; Body is a view into the received message. */
export interface DecodedEventReceive {
  eventId: string;
  channel: string;
  metadata: string;
  body: Uint8Array;
  timestamp: number;
  sequence: number;
  tags: Record<string, string>;
}

/** kubemq.Result as received. */
export interface DecodedResult {
  eventId: string;
  sent: boolean;
  error: string;
}

/** kubemq.Event as protobuf chunks: a large Body is one of them, not copied. */
export function encodeEvent(e: EventFields): Uint8Array[] {
  const w = new Writer();
  w.string(1, e.eventId);
  w.string(2, e.clientId);
  w.string(3, e.channel);
  w.string(4, e.metadata);
  if (e.body.length > 0) w.bytes(5, e.body);
  w.bool(6, e.store);
  writeTags(w, 7, e.tags);
  return w.finish() as Uint8Array[];
}

/** kubemq.EventReceive from protobuf bytes; Body is a view into `bytes`. */
export function decodeEventReceive(bytes: Uint8Array): DecodedEventReceive {
  const out: DecodedEventReceive = {
    eventId: "",
    channel: "",
    metadata: "",
    body: new Uint8Array(0),
    timestamp: 0,
    sequence: 0,
    tags: {},
  };
  readFields(bytes, (field, type, r) => {
    if (type === VARINT && field === 5) out.timestamp = r.varint();
    else if (type === VARINT && field === 6) out.sequence = r.varint();
    else if (type !== LEN) return false;
    else {
      const v = r.lengthDelimited();
      if (field === 1) out.eventId = text(v);
      else if (field === 2) out.channel = text(v);
      else if (field === 3) out.metadata = text(v);
      else if (field === 4) out.body = v;
      else if (field === 7) {
        const [key, value] = decodeMapEntry(v);
        out.tags[key] = value;
      }
    }
    return true;
  });
  return out;
}

/** kubemq.Result from protobuf bytes. */
export function decodeResult(bytes: Uint8Array): DecodedResult {
  const out: DecodedResult = { eventId: "", sent: false, error: "" };
  readFields(bytes, (field, type, r) => {
    if (type === LEN && field === 1) out.eventId = text(r.lengthDelimited());
    else if (type === LEN && field === 3) out.error = text(r.lengthDelimited());
    else if (type === VARINT && field === 2) out.sent = r.varint() !== 0;
    else return false;
    return true;
  });
  return out;
}
