/**
 * The events codec (pb_events.ts) against kubemq-js 1.2.3's generated google-protobuf messages,
 * the source of truth for the wire format: an Event we send deserializes there with every field
 * equal; an EventReceive and a Result as kubemq-js serializes them decode here field by field.
 * (The events values of Subscribe are in pb_codec_test.ts, with Subscribe.)
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
  decodeEventReceive,
  decodeResult,
  encodeEvent,
} from "../../../lib/sources/kubemq/pb_events.ts";
import { kubemqPb as gen } from "../../../testing/kubemq_pb.ts";

const receiveArb = record({
  eventId: text,
  channel: text,
  metadata: text,
  body,
  timestamp: uint53,
  sequence: uint53,
  tags,
});
type Receive = typeof receiveArb extends fc.Arbitrary<infer T> ? T : never;

/** kubemq-js's EventReceive with the first `fields` of `e` set (all: 7). */
function genReceive(e: Receive, fields = 7): Uint8Array {
  const m = new gen.EventReceive();
  if (fields >= 1) m.setEventid(e.eventId);
  if (fields >= 2) m.setChannel(e.channel);
  if (fields >= 3) m.setMetadata(e.metadata);
  if (fields >= 4) m.setBody(e.body);
  if (fields >= 5) m.setTimestamp(e.timestamp);
  if (fields >= 6) m.setSequence(e.sequence);
  if (fields >= 7) { for (const [k, v] of Object.entries(e.tags)) m.getTagsMap().set(k, v); }
  return m.serializeBinary();
}

Deno.test("an Event we send deserializes in kubemq-js with every field, tags included", () => {
  fc.assert(
    fc.property(
      record({
        eventId: text,
        clientId: text,
        channel: text,
        metadata: text,
        body,
        store: fc.boolean(),
        tags,
      }),
      (e) => {
        const chunks = encodeEvent(e);
        if (e.body.length >= 4096) assert.ok(chunks.includes(e.body), "a large Body: uncopied");
        const bytes = concat(chunks);
        const m = gen.Event.deserializeBinary(bytes);
        assert.equal(m.getEventid(), e.eventId);
        assert.equal(m.getClientid(), e.clientId);
        assert.equal(m.getChannel(), e.channel);
        assert.equal(m.getMetadata(), e.metadata);
        assert.deepEqual(m.getBody_asU8(), e.body);
        assert.equal(m.getStore(), e.store);
        assert.deepEqual(tagsOf(m), { ...e.tags });
        if (Object.keys(e.tags).length === 0) {
          // Without a map (whose entry order may differ), the very bytes kubemq-js writes.
          assert.deepEqual(bytes, m.serializeBinary());
        }
      },
    ),
    RUNS,
  );
});

Deno.test("an EventReceive from kubemq-js decodes field by field, Body as a view", () => {
  fc.assert(
    fc.property(receiveArb, (e) => {
      const bytes = genReceive(e);
      const d = decodeEventReceive(bytes);
      assert.deepEqual({ ...d, body: [...d.body] }, {
        ...e,
        body: [...e.body],
        tags: { ...e.tags },
      });
      if (e.body.length > 0) assert.equal(d.body.buffer, bytes.buffer, "a view, not a copy");
    }),
    RUNS,
  );
});

Deno.test("a Result from kubemq-js decodes field by field", () => {
  fc.assert(
    fc.property(record({ eventId: text, sent: fc.boolean(), error: text }), (r) => {
      const m = new gen.Result();
      m.setEventid(r.eventId);
      m.setSent(r.sent);
      m.setError(r.error);
      assert.deepEqual(decodeResult(m.serializeBinary()), r);
    }),
    RUNS,
  );
});

Deno.test("an EventReceive's nanosecond Timestamp past 2^53 decodes to the number kubemq-js reads", () => {
  fc.assert(
    fc.property(fc.bigInt({ min: 2n ** 53n, max: 2n ** 62n }).map(Number), (ns) => {
      const m = new gen.EventReceive();
      m.setTimestamp(ns);
      m.setSequence(ns);
      const bytes = m.serializeBinary();
      const read = gen.EventReceive.deserializeBinary(bytes);
      const d = decodeEventReceive(bytes);
      assert.equal(d.timestamp, read.getTimestamp());
      assert.equal(d.sequence, read.getSequence());
    }),
    RUNS,
  );
});

Deno.test("empty events: nothing encodes to no bytes, no bytes decode to defaults", () => {
  const none = { eventId: "", clientId: "", channel: "", metadata: "", body: new Uint8Array() };
  assert.equal(concat(encodeEvent({ ...none, store: false, tags: {} })).length, 0);
  assert.equal(new gen.Event().serializeBinary().length, 0);
  assert.deepEqual(decodeResult(new Uint8Array()), { eventId: "", sent: false, error: "" });
  const d = decodeEventReceive(new Uint8Array());
  assert.deepEqual({ ...d, body: [...d.body] }, {
    eventId: "",
    channel: "",
    metadata: "",
    body: [],
    timestamp: 0,
    sequence: 0,
    tags: {},
  });
  const m = new gen.EventReceive();
  m.getTagsMap().set("", "");
  m.getTagsMap().set("k", "");
  assert.deepEqual(decodeEventReceive(m.serializeBinary()).tags, { "": "", k: "" });
});

Deno.test("an EventReceive cut anywhere inside a field throws; at a boundary it reads", () => {
  fc.assert(
    fc.property(receiveArb, (e) => {
      const bytes = genReceive(e);
      // Each tag is a field of its own: the boundaries between entries come from the whole.
      const boundaries = new Set([0, 1, 2, 3, 4, 5, 6].map((i) => genReceive(e, i).length));
      let at = genReceive(e, 6).length;
      const entries = Object.keys(e.tags).length;
      for (let i = 0; i < entries; i++) {
        // Walk the map entries: tag byte, length varint, entry.
        let len = 0;
        let shift = 0;
        let p = at + 1;
        for (;;) {
          const b = bytes[p++]!;
          len += (b & 0x7f) * 2 ** shift;
          shift += 7;
          if ((b & 0x80) === 0) break;
        }
        at = p + len;
        boundaries.add(at);
      }
      assertTruncations(bytes, boundaries, decodeEventReceive);
    }),
    { numRuns: 100 },
  );
});

Deno.test("a Result cut inside a field throws", () => {
  const m = new gen.Result();
  m.setEventid("e-1");
  m.setSent(true);
  m.setError("no");
  // Field ends: after EventID (5 bytes), Sent (+2) and Error (+4).
  assertTruncations(m.serializeBinary(), new Set([0, 5, 7]), decodeResult);
});
