/**
 * Hand-rolled protobuf encoding and decoding of the KubeMQ messages of the requests pattern and
 * the shared ones: Subscribe and Response out, Request and PingResult in (the queue and events
 * messages are in pb_queues.ts and pb_events.ts). Field numbers are kubemq-js 1.2.3's generated
 * messages (lib/protos/kubemq_pb.js), which stay the source of truth:
 * tests/sources/kubemq/pb_codec_test.ts round-trips every field against them.
 *
 * Why by hand: google-protobuf copies a bytes field on encode (one more ~85 MB buffer for a
 * 64 MiB object) and its message objects keep the whole buffer reachable. Here a received Body
 * is a view into the received message, and a Response's Body is written as its own chunk.
 *
 * The messages are here; the field reader and writer are private to the codec files
 * (`_pb_reader.ts`, `_pb_writer.ts`).
 */

import type { Pieces } from "../../pieces.ts";
import { decodeMapEntry, Reader, text } from "./_pb_reader.ts";
import { LEN, VARINT } from "./_pb_wire_types.ts";
import { concat, Writer, writeTags } from "./_pb_writer.ts";

export { concat } from "./_pb_writer.ts";

/** A received kubemq.Request (a query). Body is a view into the received message. */
export interface DecodedRequest {
  requestId: string;
  requestType: number;
  clientId: string;
  channel: string;
  metadata: string;
  body: Uint8Array;
  replyChannel: string;
  /** Milliseconds. */
  timeout: number;
  cacheKey: string;
  cacheTtl: number;
  span: Uint8Array;
  tags: Record<string, string>;
}

/** A received kubemq.PingResult. */
export interface DecodedPingResult {
  host: string;
  version: string;
  serverStartTime: number;
  serverUpTimeSeconds: number;
}

/** kubemq.Subscribe fields the connector sends. */
export interface SubscribeFields {
  subscribeType: number;
  clientId: string;
  channel: string;
  group: string;
  /** Events-store start position: EventsStoreTypeData and its value (pb_events.ts). */
  eventsStoreType?: number;
  eventsStoreValue?: number;
}

/** kubemq.Response fields the connector sends. */
export interface ResponseFields {
  clientId: string;
  requestId: string;
  replyChannel: string;
  metadata: string;
  /** Pieces are produced as the message is written. */
  body: Uint8Array | Pieces;
  cacheHit: boolean;
  /** int64, unix seconds as kubemq-go sets it. */
  timestamp: number;
  executed: boolean;
  error: string;
  tags?: Record<string, string>;
}

/** kubemq.Subscribe as protobuf bytes. */
export function encodeSubscribe(s: SubscribeFields): Uint8Array {
  const w = new Writer();
  w.uint(1, s.subscribeType);
  w.string(2, s.clientId);
  w.string(3, s.channel);
  w.string(4, s.group);
  w.uint(5, s.eventsStoreType ?? 0);
  w.uint(6, s.eventsStoreValue ?? 0);
  return concat(w.finish());
}

/**
 * kubemq.Response as protobuf bytes, in chunks: a large Body is one of them, not copied.
 * Fields are written in field-number order, as google-protobuf does.
 */
export function encodeResponse(r: ResponseFields): (Uint8Array | Pieces)[] {
  const w = new Writer();
  w.string(1, r.clientId);
  w.string(2, r.requestId);
  w.string(3, r.replyChannel);
  w.string(4, r.metadata);
  if (r.body instanceof Uint8Array) {
    if (r.body.length > 0) w.bytes(5, r.body);
  } else if (r.body.byteLength > 0) w.pieces(5, r.body);
  w.bool(6, r.cacheHit);
  w.uint(7, r.timestamp);
  w.bool(8, r.executed);
  w.string(9, r.error);
  writeTags(w, 11, r.tags);
  return w.finish();
}

/** kubemq.Request from protobuf bytes; Body and Span are views into `bytes`. */
export function decodeRequest(bytes: Uint8Array): DecodedRequest {
  const out: DecodedRequest = {
    requestId: "",
    requestType: 0,
    clientId: "",
    channel: "",
    metadata: "",
    body: new Uint8Array(0),
    replyChannel: "",
    timeout: 0,
    cacheKey: "",
    cacheTtl: 0,
    span: new Uint8Array(0),
    tags: {},
  };
  const r = new Reader(bytes);
  while (!r.done) {
    const tag = r.varint();
    const field = Math.floor(tag / 8);
    const type = tag & 7;
    if (type === LEN) {
      const v = r.lengthDelimited();
      switch (field) {
        case 1:
          out.requestId = text(v);
          break;
        case 3:
          out.clientId = text(v);
          break;
        case 4:
          out.channel = text(v);
          break;
        case 5:
          out.metadata = text(v);
          break;
        case 6:
          out.body = v;
          break;
        case 7:
          out.replyChannel = text(v);
          break;
        case 9:
          out.cacheKey = text(v);
          break;
        case 11:
          out.span = v;
          break;
        case 12: {
          const [key, value] = decodeMapEntry(v);
          out.tags[key] = value;
          break;
        }
      }
    } else if (type === VARINT && (field === 2 || field === 8 || field === 10)) {
      const v = r.varint() | 0;
      if (field === 2) out.requestType = v;
      else if (field === 8) out.timeout = v;
      else out.cacheTtl = v;
    } else r.skip(type);
  }
  return out;
}

/** kubemq.PingResult from protobuf bytes. */
export function decodePingResult(bytes: Uint8Array): DecodedPingResult {
  const out: DecodedPingResult = {
    host: "",
    version: "",
    serverStartTime: 0,
    serverUpTimeSeconds: 0,
  };
  const r = new Reader(bytes);
  while (!r.done) {
    const tag = r.varint();
    const field = Math.floor(tag / 8);
    const type = tag & 7;
    if (type === LEN && (field === 1 || field === 2)) {
      const v = text(r.lengthDelimited());
      if (field === 1) out.host = v;
      else out.version = v;
    } else if (type === VARINT && (field === 3 || field === 4)) {
      const v = r.varint();
      if (field === 3) out.serverStartTime = v;
      else out.serverUpTimeSeconds = v;
    } else r.skip(type);
  }
  return out;
}
