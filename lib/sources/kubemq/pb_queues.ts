/**
 * Hand-rolled protobuf encoding and decoding of the KubeMQ queue messages the queue client
 * carries: StreamQueueMessagesRequest out and its Response in, QueueMessage both ways and
 * SendQueueMessageResult in. Field numbers are kubemq-js 1.2.3's generated messages
 * (lib/protos/kubemq_pb.js), the reference that tests/sources/kubemq/pb_queues_test.ts
 * round-trips every field against. A received Body is a view into the received message; a
 * large Body to send is its own chunk, not copied (as in pb_codec.ts).
 */
import { decodeMapEntry, readFields, text } from "./_pb_reader.ts";
import { LEN, VARINT } from "./_pb_wire_types.ts";
import { concat, Writer, writeTags } from "./_pb_writer.ts";

/** StreamQueueMessagesRequest.StreamRequestTypeData values. */
export const StreamRequestType = {
  Receive: 1,
  Ack: 2,
  Reject: 3,
  ModifyVisibility: 4,
  Resend: 5,
  SendModified: 6,
} as const;

/** kubemq.StreamQueueMessagesRequest fields the connector sends. */
export interface StreamQueueRequestFields {
  requestId: string;
  clientId: string;
  type: number;
  channel?: string;
  visibilitySeconds?: number;
  waitSeconds?: number;
  refSequence?: number;
}

/** kubemq.QueueMessageAttributes as received. */
export interface DecodedQueueAttributes {
  timestamp: number;
  sequence: number;
  md5OfBody: string;
  receiveCount: number;
  rerouted: boolean;
  reroutedFromQueue: string;
  expirationAt: number;
  delayedTo: number;
}

/** kubemq.QueueMessage as received; Body is a view into the received message. */
export interface DecodedQueueMessage {
  messageId: string;
  clientId: string;
  channel: string;
  metadata: string;
  body: Uint8Array;
  tags: Record<string, string>;
  attributes: DecodedQueueAttributes | null;
}

/** kubemq.StreamQueueMessagesResponse as received. */
export interface DecodedStreamQueueResponse {
  requestId: string;
  type: number;
  message: DecodedQueueMessage | null;
  isError: boolean;
  error: string;
}

/** kubemq.QueueMessage fields the connector sends (no attributes or policy). */
export interface QueueMessageFields {
  messageId: string;
  clientId: string;
  channel: string;
  metadata: string;
  body: Uint8Array;
  tags?: Record<string, string>;
}

/** kubemq.SendQueueMessageResult as received. */
export interface DecodedSendQueueResult {
  messageId: string;
  sentAt: number;
  expirationAt: number;
  delayedTo: number;
  isError: boolean;
  error: string;
}

/** kubemq.StreamQueueMessagesRequest as protobuf bytes. */
export function encodeStreamQueueRequest(f: StreamQueueRequestFields): Uint8Array {
  const w = new Writer();
  w.string(1, f.requestId);
  w.string(2, f.clientId);
  w.uint(3, f.type);
  w.string(4, f.channel ?? "");
  w.uint(5, f.visibilitySeconds ?? 0);
  w.uint(6, f.waitSeconds ?? 0);
  w.uint(7, f.refSequence ?? 0);
  return concat(w.finish());
}

/** kubemq.QueueMessage as protobuf chunks: a large Body is one of them, not copied. */
export function encodeQueueMessage(m: QueueMessageFields): Uint8Array[] {
  const w = new Writer();
  w.string(1, m.messageId);
  w.string(2, m.clientId);
  w.string(3, m.channel);
  w.string(4, m.metadata);
  if (m.body.length > 0) w.bytes(5, m.body);
  writeTags(w, 6, m.tags);
  return w.finish() as Uint8Array[];
}

/** kubemq.StreamQueueMessagesResponse from protobuf bytes. */
export function decodeStreamQueueResponse(bytes: Uint8Array): DecodedStreamQueueResponse {
  const out: DecodedStreamQueueResponse = {
    requestId: "",
    type: 0,
    message: null,
    isError: false,
    error: "",
  };
  readFields(bytes, (field, type, r) => {
    if (type === LEN && field === 1) out.requestId = text(r.lengthDelimited());
    else if (type === LEN && field === 3) out.message = decodeQueueMessage(r.lengthDelimited());
    else if (type === LEN && field === 5) out.error = text(r.lengthDelimited());
    else if (type === VARINT && field === 2) out.type = r.varint();
    else if (type === VARINT && field === 4) out.isError = r.varint() !== 0;
    else return false;
    return true;
  });
  return out;
}

/** kubemq.QueueMessage from protobuf bytes; Body is a view into `bytes`. */
export function decodeQueueMessage(bytes: Uint8Array): DecodedQueueMessage {
  const out: DecodedQueueMessage = {
    messageId: "",
    clientId: "",
    channel: "",
    metadata: "",
    body: new Uint8Array(0),
    tags: {},
    attributes: null,
  };
  readFields(bytes, (field, type, r) => {
    if (type !== LEN) return false;
    const v = r.lengthDelimited();
    if (field === 1) out.messageId = text(v);
    else if (field === 2) out.clientId = text(v);
    else if (field === 3) out.channel = text(v);
    else if (field === 4) out.metadata = text(v);
    else if (field === 5) out.body = v;
    else if (field === 6) {
      const [key, value] = decodeMapEntry(v);
      out.tags[key] = value;
    } else if (field === 7) out.attributes = decodeAttributes(v);
    return true;
  });
  return out;
}

function decodeAttributes(bytes: Uint8Array): DecodedQueueAttributes {
  const out: DecodedQueueAttributes = {
    timestamp: 0,
    sequence: 0,
    md5OfBody: "",
    receiveCount: 0,
    rerouted: false,
    reroutedFromQueue: "",
    expirationAt: 0,
    delayedTo: 0,
  };
  readFields(bytes, (field, type, r) => {
    if (type === LEN && field === 3) out.md5OfBody = text(r.lengthDelimited());
    else if (type === LEN && field === 6) out.reroutedFromQueue = text(r.lengthDelimited());
    else if (type !== VARINT) return false;
    else {
      const v = r.varint();
      if (field === 1) out.timestamp = v;
      else if (field === 2) out.sequence = v;
      else if (field === 4) out.receiveCount = v;
      else if (field === 5) out.rerouted = v !== 0;
      else if (field === 7) out.expirationAt = v;
      else if (field === 8) out.delayedTo = v;
    }
    return true;
  });
  return out;
}

/** kubemq.SendQueueMessageResult from protobuf bytes. */
export function decodeSendQueueResult(bytes: Uint8Array): DecodedSendQueueResult {
  const out: DecodedSendQueueResult = {
    messageId: "",
    sentAt: 0,
    expirationAt: 0,
    delayedTo: 0,
    isError: false,
    error: "",
  };
  readFields(bytes, (field, type, r) => {
    if (type === LEN && field === 1) out.messageId = text(r.lengthDelimited());
    else if (type === LEN && field === 6) out.error = text(r.lengthDelimited());
    else if (type !== VARINT) return false;
    else {
      const v = r.varint();
      if (field === 2) out.sentAt = v;
      else if (field === 3) out.expirationAt = v;
      else if (field === 4) out.delayedTo = v;
      else if (field === 5) out.isError = v !== 0;
    }
    return true;
  });
  return out;
}
