/**
 * The queue codec (pb_queues.ts) against kubemq-js 1.2.3's generated google-protobuf messages,
 * the source of truth for the wire format: what we send deserializes there with every field
 * equal, what the server sends (as kubemq-js serializes it) decodes here field by field.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  assertTruncations,
  body,
  record,
  RUNS,
  tags,
  tagsOf,
  text,
  uint53,
} from "./_pb_arbitraries.ts";
import { concat } from "../../../lib/sources/kubemq/pb_codec.ts";
import {
  decodeQueueMessage,
  decodeSendQueueResult,
  decodeStreamQueueResponse,
  encodeQueueMessage,
  encodeStreamQueueRequest,
} from "../../../lib/sources/kubemq/pb_queues.ts";
import { kubemqPb as gen, type PbMessage } from "../../../testing/kubemq_pb.ts";
import type { PbQueueMessage } from "../../../testing/kubemq_pb_types.ts";

const int32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });

const attributesArb = record({
  timestamp: uint53,
  sequence: uint53,
  md5OfBody: text,
  receiveCount: int32,
  rerouted: fc.boolean(),
  reroutedFromQueue: text,
  expirationAt: uint53,
  delayedTo: uint53,
});
type Attributes = typeof attributesArb extends fc.Arbitrary<infer T> ? T : never;

const queueMessageArb = record({
  messageId: text,
  clientId: text,
  channel: text,
  metadata: text,
  body,
  tags,
  attributes: fc.option(attributesArb, { nil: null }),
  // A policy is set by senders; the connector skips it as an unknown field.
  policy: fc.option(record({ expiration: int32, maxReceiveQueue: text }), { nil: null }),
});
type QueueMessage = typeof queueMessageArb extends fc.Arbitrary<infer T> ? T : never;

function genQueueMessage(q: QueueMessage): PbQueueMessage & PbMessage {
  const m = new gen.QueueMessage();
  m.setMessageid(q.messageId);
  m.setClientid(q.clientId);
  m.setChannel(q.channel);
  m.setMetadata(q.metadata);
  m.setBody(q.body);
  for (const [k, v] of Object.entries(q.tags)) m.getTagsMap().set(k, v);
  if (q.attributes) m.setAttributes(genAttributes(q.attributes));
  if (q.policy) {
    const p = new gen.QueueMessagePolicy();
    p.setExpirationseconds(q.policy.expiration);
    p.setMaxreceivequeue(q.policy.maxReceiveQueue);
    m.setPolicy(p);
  }
  return m;
}

function genAttributes(a: Attributes) {
  const m = new gen.QueueMessageAttributes();
  m.setTimestamp(a.timestamp);
  m.setSequence(a.sequence);
  m.setMd5ofbody(a.md5OfBody);
  m.setReceivecount(a.receiveCount);
  m.setRerouted(a.rerouted);
  m.setReroutedfromqueue(a.reroutedFromQueue);
  m.setExpirationat(a.expirationAt);
  m.setDelayedto(a.delayedTo);
  return m;
}

/** What decodeQueueMessage must return for `q`, Body as plain numbers. */
const expectedMessage = (q: QueueMessage) => ({
  messageId: q.messageId,
  clientId: q.clientId,
  channel: q.channel,
  metadata: q.metadata,
  body: [...q.body],
  tags: { ...q.tags },
  attributes: q.attributes,
});

Deno.test("a StreamQueueMessagesRequest we encode is kubemq-js's bytes, every field equal", () => {
  fc.assert(
    fc.property(
      record({
        requestId: text,
        clientId: text,
        type: fc.integer({ min: 0, max: 6 }),
        channel: text,
        visibilitySeconds: int32,
        waitSeconds: int32,
        refSequence: uint53,
      }),
      (r) => {
        const bytes = encodeStreamQueueRequest(r);
        const m = gen.StreamQueueMessagesRequest.deserializeBinary(bytes);
        assert.equal(m.getRequestid(), r.requestId);
        assert.equal(m.getClientid(), r.clientId);
        assert.equal(m.getStreamrequesttypedata(), r.type);
        assert.equal(m.getChannel(), r.channel);
        assert.equal(m.getVisibilityseconds(), r.visibilitySeconds);
        assert.equal(m.getWaittimeseconds(), r.waitSeconds);
        assert.equal(m.getRefsequence(), r.refSequence);
        assert.equal(m.getModifiedmessage(), undefined);
        const ref = new gen.StreamQueueMessagesRequest();
        ref.setRequestid(r.requestId);
        ref.setClientid(r.clientId);
        ref.setStreamrequesttypedata(r.type);
        ref.setChannel(r.channel);
        ref.setVisibilityseconds(r.visibilitySeconds);
        ref.setWaittimeseconds(r.waitSeconds);
        ref.setRefsequence(r.refSequence);
        assert.deepEqual(bytes, ref.serializeBinary());
      },
    ),
    RUNS,
  );
});

Deno.test("a QueueMessage we send deserializes in kubemq-js with every field, tags included", () => {
  fc.assert(
    fc.property(
      record({ messageId: text, clientId: text, channel: text, metadata: text, body, tags }),
      (q) => {
        const chunks = encodeQueueMessage(q);
        if (q.body.length >= 4096) assert.ok(chunks.includes(q.body), "a large Body: uncopied");
        const m = gen.QueueMessage.deserializeBinary(concat(chunks));
        assert.equal(m.getMessageid(), q.messageId);
        assert.equal(m.getClientid(), q.clientId);
        assert.equal(m.getChannel(), q.channel);
        assert.equal(m.getMetadata(), q.metadata);
        assert.deepEqual(m.getBody_asU8(), q.body);
        assert.deepEqual(tagsOf(m), { ...q.tags });
        assert.equal(m.getAttributes(), undefined);
        assert.equal(m.getPolicy(), undefined);
      },
    ),
    RUNS,
  );
});

Deno.test("a QueueMessage serialized by kubemq-js decodes field by field, Body as a view", () => {
  fc.assert(
    fc.property(queueMessageArb, (q) => {
      const bytes = genQueueMessage(q).serializeBinary();
      const d = decodeQueueMessage(bytes);
      assert.deepEqual({ ...d, body: [...d.body] }, expectedMessage(q));
      if (q.body.length > 0) assert.equal(d.body.buffer, bytes.buffer, "a view, not a copy");
    }),
    RUNS,
  );
});

const responseArb = record({
  requestId: text,
  type: fc.integer({ min: 0, max: 6 }),
  message: fc.option(queueMessageArb, { nil: null }),
  isError: fc.boolean(),
  error: text,
});
type Response = typeof responseArb extends fc.Arbitrary<infer T> ? T : never;

/** kubemq-js's StreamQueueMessagesResponse with the first `fields` of `r` set (all: 5). */
function genResponse(r: Response, fields = 5): Uint8Array {
  const m = new gen.StreamQueueMessagesResponse();
  if (fields >= 1) m.setRequestid(r.requestId);
  if (fields >= 2) m.setStreamrequesttypedata(r.type);
  if (fields >= 3 && r.message) m.setMessage(genQueueMessage(r.message));
  if (fields >= 4) m.setIserror(r.isError);
  if (fields >= 5) m.setError(r.error);
  return m.serializeBinary();
}

Deno.test("a StreamQueueMessagesResponse from kubemq-js decodes field by field, Body as a view", () => {
  fc.assert(
    fc.property(responseArb, (r) => {
      const bytes = genResponse(r);
      const d = decodeStreamQueueResponse(bytes);
      assert.deepEqual(
        { ...d, message: d.message && { ...d.message, body: [...d.message.body] } },
        { ...r, message: r.message && expectedMessage(r.message) },
      );
      if (r.message && r.message.body.length > 0) {
        assert.equal(d.message!.body.buffer, bytes.buffer, "a view, not a copy");
      }
    }),
    RUNS,
  );
});

Deno.test("a SendQueueMessageResult from kubemq-js decodes field by field", () => {
  fc.assert(
    fc.property(
      record({
        messageId: text,
        sentAt: uint53,
        expirationAt: uint53,
        delayedTo: uint53,
        isError: fc.boolean(),
        error: text,
      }),
      (r) => {
        const m = new gen.SendQueueMessageResult();
        m.setMessageid(r.messageId);
        m.setSentat(r.sentAt);
        m.setExpirationat(r.expirationAt);
        m.setDelayedto(r.delayedTo);
        m.setIserror(r.isError);
        m.setError(r.error);
        assert.deepEqual(decodeSendQueueResult(m.serializeBinary()), r);
      },
    ),
    RUNS,
  );
});

Deno.test("nanosecond times past 2^53 decode to the number kubemq-js reads", () => {
  fc.assert(
    fc.property(fc.bigInt({ min: 2n ** 53n, max: 2n ** 62n }).map(Number), (ns) => {
      const a = new gen.QueueMessageAttributes();
      a.setTimestamp(ns);
      a.setExpirationat(ns);
      const m = new gen.QueueMessage();
      m.setAttributes(a);
      const read = gen.QueueMessage.deserializeBinary(m.serializeBinary()).getAttributes()!;
      const d = decodeQueueMessage(m.serializeBinary()).attributes!;
      assert.equal(d.timestamp, read.getTimestamp());
      assert.equal(d.expirationAt, read.getExpirationat());
      const s = new gen.SendQueueMessageResult();
      s.setSentat(ns);
      const sent = gen.SendQueueMessageResult.deserializeBinary(s.serializeBinary()).getSentat();
      assert.equal(decodeSendQueueResult(s.serializeBinary()).sentAt, sent);
    }),
    RUNS,
  );
});

Deno.test("empty queue messages: nothing encodes to no bytes, no bytes decode to defaults", () => {
  const none = { messageId: "", clientId: "", channel: "", metadata: "", body: new Uint8Array() };
  assert.equal(concat(encodeQueueMessage({ ...none, tags: {} })).length, 0);
  assert.equal(new gen.QueueMessage().serializeBinary().length, 0);
  const request = encodeStreamQueueRequest({ requestId: "", clientId: "", type: 0 });
  assert.deepEqual(request, new gen.StreamQueueMessagesRequest().serializeBinary());
  assert.deepEqual(decodeStreamQueueResponse(new Uint8Array()), {
    requestId: "",
    type: 0,
    message: null,
    isError: false,
    error: "",
  });
  // An empty message field is a message with every field at its default.
  const withEmpty = new gen.StreamQueueMessagesResponse();
  withEmpty.setMessage(new gen.QueueMessage());
  const d = decodeStreamQueueResponse(withEmpty.serializeBinary());
  assert.deepEqual({ ...d.message, body: [...d.message!.body] }, {
    ...none,
    body: [],
    tags: {},
    attributes: null,
  });
  // Map entries with an empty key or value.
  const m = new gen.QueueMessage();
  m.getTagsMap().set("", "");
  m.getTagsMap().set("k", "");
  assert.deepEqual(decodeQueueMessage(m.serializeBinary()).tags, { "": "", k: "" });
});

Deno.test("a StreamQueueMessagesResponse cut anywhere inside a field throws; at a boundary it reads", () => {
  fc.assert(
    fc.property(responseArb, (r) => {
      const bytes = genResponse(r);
      const boundaries = new Set([0, 1, 2, 3, 4].map((i) => genResponse(r, i).length));
      assertTruncations(bytes, boundaries, decodeStreamQueueResponse);
    }),
    { numRuns: 100 },
  );
});

Deno.test("a SendQueueMessageResult cut inside a field throws", () => {
  const m = new gen.SendQueueMessageResult();
  m.setMessageid("id-1");
  m.setSentat(2 ** 40);
  m.setError("refused");
  const bytes = m.serializeBinary();
  // Field ends: after MessageID (6 bytes), SentAt (+7) and Error (+9).
  assertTruncations(bytes, new Set([0, 6, 13]), decodeSendQueueResult);
});
