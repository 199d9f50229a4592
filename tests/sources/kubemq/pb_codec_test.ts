/**
 * The hand-rolled protobuf codec (pb_codec.ts) against kubemq-js 1.2.3's generated
 * google-protobuf messages, which stay the source of truth for the wire format.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  concat,
  decodePingResult,
  decodeRequest,
  encodeResponse,
  encodeSubscribe,
} from "../../../lib/sources/kubemq/pb_codec.ts";
import { kubemqPb as gen } from "../../../testing/kubemq_pb.ts";

const text = fc.string({ unit: "binary", maxLength: 40 });
const int32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });

Deno.test("a Request serialized by kubemq-js decodes field by field, Body as a view", () => {
  fc.assert(
    fc.property(
      fc.record({
        requestId: text,
        requestType: fc.integer({ min: 0, max: 2 }),
        clientId: text,
        channel: text,
        metadata: text,
        body: fc.uint8Array({ maxLength: 5000 }),
        replyChannel: text,
        timeout: int32,
        cacheKey: text,
        cacheTtl: int32,
        tags: fc.dictionary(text, text, { maxKeys: 3 }),
      }),
      (r) => {
        const m = new gen.Request();
        m.setRequestid(r.requestId);
        m.setRequesttypedata(r.requestType);
        m.setClientid(r.clientId);
        m.setChannel(r.channel);
        m.setMetadata(r.metadata);
        m.setBody(r.body);
        m.setReplychannel(r.replyChannel);
        m.setTimeout(r.timeout);
        (m as unknown as { setCachekey(v: string): void }).setCachekey(r.cacheKey);
        (m as unknown as { setCachettl(v: number): void }).setCachettl(r.cacheTtl);
        for (const [k, v] of Object.entries(r.tags)) m.getTagsMap().set(k, v);
        const bytes = m.serializeBinary();
        const d = decodeRequest(bytes);
        assert.deepEqual({ ...d, body: [...d.body], span: [...d.span] }, {
          ...r,
          body: [...r.body],
          span: [],
          tags: { ...r.tags },
        });
        if (r.body.length > 0) assert.equal(d.body.buffer, bytes.buffer, "a view, not a copy");
      },
    ),
    { numRuns: 300 },
  );
});

Deno.test("a Response we encode deserializes in kubemq-js with every field, tags included", () => {
  fc.assert(
    fc.property(
      fc.record({
        clientId: text,
        requestId: text,
        replyChannel: text,
        metadata: text,
        body: fc.uint8Array({ maxLength: 10000 }),
        cacheHit: fc.boolean(),
        timestamp: fc.integer({ min: 0, max: 2 ** 52 }),
        executed: fc.boolean(),
        error: text,
        tags: fc.dictionary(text, text, { maxKeys: 3 }),
      }),
      (r) => {
        const chunks = encodeResponse(r);
        const m = gen.Response.deserializeBinary(concat(chunks));
        assert.equal(m.getClientid(), r.clientId);
        assert.equal(m.getRequestid(), r.requestId);
        assert.equal(m.getReplychannel(), r.replyChannel);
        assert.equal(m.getMetadata(), r.metadata);
        assert.deepEqual([...m.getBody_asU8()], [...r.body]);
        assert.equal(m.getCachehit(), r.cacheHit);
        assert.equal(m.getTimestamp(), r.timestamp);
        assert.equal(m.getExecuted(), r.executed);
        assert.equal(m.getError(), r.error);
        assert.deepEqual(Object.fromEntries(m.getTagsMap().toArray()), { ...r.tags });
      },
    ),
    { numRuns: 300 },
  );
});

Deno.test("a Response's large Body is its own chunk, not copied; the bytes match kubemq-js's", () => {
  const body = new Uint8Array(1 << 20).map((_, i) => i * 7);
  const fields = {
    clientId: "c",
    requestId: "r",
    replyChannel: "inbox",
    metadata: "",
    body,
    cacheHit: false,
    timestamp: 1_700_000_000,
    executed: true,
    error: "",
  };
  const chunks = encodeResponse(fields);
  assert.ok(chunks.includes(body), "the body itself is one of the chunks");
  const m = new gen.Response();
  m.setClientid("c");
  m.setRequestid("r");
  m.setReplychannel("inbox");
  m.setBody(body);
  m.setTimestamp(1_700_000_000);
  m.setExecuted(true);
  assert.deepEqual(concat(chunks), m.serializeBinary());
});

Deno.test("a Subscribe we encode, events-store start included, is kubemq-js's bytes, every field equal", () => {
  // The start value: a sequence, unix nanoseconds (past 2^53) or seconds back.
  const int64 = fc.oneof(
    fc.integer({ min: -(2 ** 53) + 1, max: 2 ** 53 - 1 }),
    fc.bigInt({ min: 2n ** 53n, max: 2n ** 62n }).map(Number),
  );
  fc.assert(
    fc.property(
      fc.record({
        subscribeType: fc.integer({ min: 0, max: 4 }),
        clientId: text,
        channel: text,
        group: text,
        start: fc.option(
          fc.record({ type: fc.integer({ min: 0, max: 6 }), value: int64 }),
          { nil: null },
        ),
      }),
      (s) => {
        const bytes = encodeSubscribe({
          subscribeType: s.subscribeType,
          clientId: s.clientId,
          channel: s.channel,
          group: s.group,
          ...(s.start ? { eventsStoreType: s.start.type, eventsStoreValue: s.start.value } : {}),
        });
        const m = gen.Subscribe.deserializeBinary(bytes);
        assert.equal(m.getSubscribetypedata(), s.subscribeType);
        assert.equal(m.getClientid(), s.clientId);
        assert.equal(m.getChannel(), s.channel);
        assert.equal(m.getGroup(), s.group);
        assert.equal(m.getEventsstoretypedata(), s.start?.type ?? 0);
        assert.equal(m.getEventsstoretypevalue(), s.start?.value ?? 0);
        const ref = new gen.Subscribe();
        ref.setSubscribetypedata(s.subscribeType);
        ref.setClientid(s.clientId);
        ref.setChannel(s.channel);
        ref.setGroup(s.group);
        if (s.start) {
          ref.setEventsstoretypedata(s.start.type);
          ref.setEventsstoretypevalue(s.start.value);
        }
        assert.deepEqual(bytes, ref.serializeBinary());
      },
    ),
    { numRuns: 300 },
  );
});

Deno.test("Subscribe bytes equal kubemq-js's; PingResult decodes", () => {
  const s = new gen.Subscribe();
  s.setSubscribetypedata(4);
  s.setClientid("client-1");
  s.setChannel("s3.queries");
  s.setGroup("");
  assert.deepEqual(
    encodeSubscribe({ subscribeType: 4, clientId: "client-1", channel: "s3.queries", group: "" }),
    s.serializeBinary(),
  );
  const p = new gen.PingResult();
  p.setHost("broker-0");
  p.setVersion("2.4.0");
  p.setServerstarttime(1_700_000_000);
  p.setServeruptimeseconds(42);
  assert.deepEqual(decodePingResult(p.serializeBinary()), {
    host: "broker-0",
    version: "2.4.0",
    serverStartTime: 1_700_000_000,
    serverUpTimeSeconds: 42,
  });
});

Deno.test("truncated or malformed Request bytes throw instead of reading past the end", () => {
  const m = new gen.Request();
  m.setRequestid("abc");
  m.setBody(new Uint8Array(100).fill(1));
  const bytes = m.serializeBinary();
  assert.throws(() => decodeRequest(bytes.subarray(0, bytes.length - 1)), /truncated field/);
  assert.throws(() => decodeRequest(new Uint8Array([0x08, 0xff])), /truncated varint/);
  assert.throws(() => decodeRequest(new Uint8Array([0x0b])), /unsupported wire type 3/);
  // Unknown fields of every wire type are skipped.
  const unknown = new Uint8Array([0x68, 0x01, 0x71, 1, 2, 3, 4, 5, 6, 7, 8, 0x7d, 1, 2, 3, 4]);
  assert.equal(decodeRequest(unknown).requestId, "");
});
