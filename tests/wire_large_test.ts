/**
 * The wire format's large-payload paths (bodies of 1 MiB and more), which decode and encode
 * base64 slice by slice: they must give exactly what the ordinary paths give.
 */
import assert from "node:assert/strict";
import {
  decodeResponse,
  encodeRequest,
  encodeResponse,
  encodeResponsePieces,
  okResponse,
  parseRequest,
  restoreBody,
} from "../lib/wire.ts";
import { joinPieces } from "../lib/pieces.ts";

const MiB = 1024 * 1024;
const encoder = new TextEncoder();

function bytes(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 7919 + (i >> 8)) & 0xff;
  return out;
}

Deno.test("a 3 MiB request round-trips through encodeRequest and parseRequest byte for byte", () => {
  for (const n of [3 * MiB, 3 * MiB + 1, 3 * MiB + 2]) {
    const data = bytes(n);
    const body = encodeRequest({ metadata: { method: "upload_item", x: '"data":"' }, data });
    assert.equal(body.length, Math.ceil(n / 3) * 4 + body.length - Math.ceil(n / 3) * 4);
    const req = parseRequest(body);
    assert.deepEqual(req.metadata, { method: "upload_item", x: '"data":"' });
    assert.equal(req.data?.length, n);
    assert.deepEqual(req.data, data);
  }
});

Deno.test("a large body gives the same request as the ordinary JSON path", () => {
  const data = bytes(2 * MiB);
  const b64 = data.toBase64();
  // Key order, whitespace, a nested "data" key and escapes must not fool the fast path.
  const text =
    `{ "data" : "${b64}", "metadata": {"data": "not this", "k\\"ey": "v\\\\"}, "extra": [1, {"data": "x"}] }`;
  const req = parseRequest(encoder.encode(text));
  assert.deepEqual(req.metadata, { data: "not this", 'k"ey': "v\\" });
  assert.deepEqual(req.data, data);
});

Deno.test("a large body's keys in another case are read as Go's decoder reads them", () => {
  const data = bytes(MiB + 1);
  const text = `{"Metadata":{"method":"upload_item","x":null},"DATA":"${data.toBase64()}"}`;
  const req = parseRequest(encoder.encode(text));
  assert.deepEqual(req.metadata, { method: "upload_item" });
  assert.deepEqual(req.data, data);
  const exact = `{"Metadata":{"a":"b"},"data":"${data.toBase64()}","Data":null}`;
  assert.deepEqual(parseRequest(encoder.encode(exact)).data, data);
});

Deno.test("a large body with the last duplicate data key wins, as in JSON.parse", () => {
  const first = bytes(MiB);
  const last = bytes(MiB + 3);
  const text = `{"metadata":{},"data":"${first.toBase64()}","data":"${last.toBase64()}"}`;
  assert.deepEqual(parseRequest(encoder.encode(text)).data, last);
});

Deno.test("large bodies with whitespace inside the base64 still decode", () => {
  const data = bytes(MiB + 5);
  const b64 = data.toBase64();
  const spaced = b64.slice(0, 1000) + "\n" + b64.slice(1000, 777777) + " \r\n" + b64.slice(777777);
  const req = parseRequest(encoder.encode(`{"metadata":{},"data":"${spaced}"}`));
  assert.deepEqual(req.data, data);
});

Deno.test("large bodies with bad base64 or bad JSON get the ordinary error text", () => {
  const b64 = bytes(MiB).toBase64();
  const bad = b64.slice(0, 5000) + "*" + b64.slice(5001);
  assert.throws(
    () => parseRequest(encoder.encode(`{"metadata":{},"data":"${bad}"}`)),
    /invalid request format, "data" is not valid base64/,
  );
  assert.throws(
    () => parseRequest(encoder.encode(`{"metadata":{},"data":"${b64}",}`)),
    /invalid request format, body is not valid JSON/,
  );
  assert.throws(
    () => parseRequest(encoder.encode(`{"metadata":{"a":1},"data":"${b64}"}`)),
    /invalid request format, metadata "a" must be a string, got number 1/,
  );
});

Deno.test("a large response encodes to the same bytes as JSON and decodes back", () => {
  const data = bytes(2 * MiB + 1);
  const response = okResponse({ result: "ok", etag: '"abc"' }, data);
  const body = encodeResponse(response);
  const expected = JSON.stringify({
    metadata: response.metadata,
    data: data.toBase64(),
    is_error: false,
    error: "",
  });
  assert.equal(new TextDecoder().decode(body), expected);
  const back = decodeResponse(body);
  assert.deepEqual(back.metadata, response.metadata);
  assert.deepEqual(back.data, data);
  assert.equal(back.isError, false);
});

Deno.test("spendBody: the data is decoded over the body's own bytes, with the same result", () => {
  for (const n of [MiB, 3 * MiB + 1, 3 * MiB + 2]) {
    const data = bytes(n);
    const body = encodeRequest({ metadata: { method: "upload_item", x: '"data":"' }, data });
    const req = parseRequest(body, { spendBody: true });
    assert.deepEqual(req.metadata, { method: "upload_item", x: '"data":"' });
    assert.deepEqual(req.data, data);
    // A view into the body: no second buffer of the object's size.
    assert.equal(req.data!.buffer, body.buffer);
  }
  const data = bytes(MiB + 5);
  const b64 = data.toBase64();
  const spaced = b64.slice(0, 1000) + "\n" + b64.slice(1000, 777777) + " \r\n" + b64.slice(777777);
  const text =
    `{ "data" : "${spaced}", "metadata": {"data": "not this"}, "extra": [{"data": "x"}] }`;
  const req = parseRequest(encoder.encode(text), { spendBody: true });
  assert.deepEqual(req.metadata, { data: "not this" });
  assert.deepEqual(req.data, data);
});

Deno.test("spendBody: bad base64 is reported with the field, where, and the bad text", () => {
  const b64 = bytes(MiB).toBase64();
  const bad = b64.slice(0, 200_000) + "*" + b64.slice(200_001);
  assert.throws(
    () => parseRequest(encoder.encode(`{"metadata":{},"data":"${bad}"}`), { spendBody: true }),
    (err: Error) => {
      assert.match(err.message, /^invalid request format, "data" is not valid base64 \(/);
      // 200,000 falls in the slice of characters from 196,608 (3 × 65,536).
      assert.match(err.message, /in the characters from 196608: got "/);
      return true;
    },
  );
  const truncated = b64.slice(0, b64.length - 2);
  assert.throws(
    () =>
      parseRequest(encoder.encode(`{"metadata":{},"data":"${truncated}"}`), { spendBody: true }),
    /invalid request format, "data" is not valid base64/,
  );
  // A metadata error wins over the data's, as on the ordinary path.
  assert.throws(
    () => parseRequest(encoder.encode(`{"metadata":{"a":1},"data":"${bad}"}`), { spendBody: true }),
    /invalid request format, metadata "a" must be a string, got number 1/,
  );
});

Deno.test("a large response in pieces: each piece made when taken, together the same bytes", () => {
  const data = bytes(3 * MiB + 2);
  const response = okResponse({ result: "ok" }, data);
  const body = encodeResponsePieces(response);
  const whole = encodeResponse(response);
  assert.equal(body.byteLength, whole.length);
  const iterator = body.pieces()[Symbol.iterator]();
  const head = iterator.next().value!;
  assert.equal(new TextDecoder().decode(head), '{"metadata":{"result":"ok"},"data":"');
  const rest: Uint8Array[] = [];
  for (let r = iterator.next(); !r.done; r = iterator.next()) {
    // Made on demand: a new buffer per piece, none over the transport's 1 MiB slice.
    assert.ok(r.value.length <= MiB, `piece of ${r.value.length} bytes`);
    rest.push(r.value);
  }
  // 3 MiB + 2 bytes in 768 KiB slices: 4 pieces of 1 MiB of base64, one of 4 bytes, the tail.
  assert.equal(rest.length, 6);
  assert.deepEqual(joinPieces(body), whole);
  // Each call starts over.
  assert.deepEqual(joinPieces(body), whole);
  const small = encodeResponsePieces(okResponse({}, new Uint8Array([1])));
  assert.deepEqual([...small.pieces()].length, 1);
});

Deno.test("restoreBody gives a spent body its exact bytes back, in place, for every length", () => {
  for (const n of [MiB, MiB + 1, MiB + 2, 3 * MiB + 49_151, 3 * MiB + 49_153]) {
    const data = bytes(n);
    const body = encodeRequest({ metadata: { method: "upload_item" }, data });
    const original = body.slice();
    const req = parseRequest(body, { spendBody: true });
    assert.notDeepEqual(body, original, "the body was spent");
    assert.deepEqual(req.data, data);
    const back = restoreBody(body);
    assert.equal(back, body, "restored in place");
    assert.deepEqual(back, original);
  }
});

Deno.test("restoreBody: a body never spent is returned as is; restoring twice changes nothing", () => {
  const body = encodeRequest({ metadata: {}, data: bytes(2 * MiB) });
  const original = body.slice();
  parseRequest(body);
  assert.equal(restoreBody(body), body);
  assert.deepEqual(body, original);
  parseRequest(body, { spendBody: true });
  restoreBody(body);
  assert.deepEqual(restoreBody(body), original);
});

Deno.test("restoreBody: base64 with line breaks comes back as the same JSON value, without them", () => {
  const data = bytes(MiB + 5);
  const b64 = data.toBase64();
  const spaced = b64.slice(0, 1000) + "\n" + b64.slice(1000, 777777) + " \r\n" + b64.slice(777777);
  const text = `{"metadata":{"method":"upload_item"},"data":"${spaced}","x":1}`;
  const body = encoder.encode(text);
  parseRequest(body, { spendBody: true });
  const back = restoreBody(body);
  assert.notEqual(back, body);
  assert.equal(
    new TextDecoder().decode(back),
    `{"metadata":{"method":"upload_item"},"data":"${b64}","x":1}`,
  );
});

Deno.test("restoreBody: a body whose base64 failed partway is restored exactly (a dead letter)", () => {
  const b64 = bytes(MiB).toBase64();
  for (const at of [10, 200_000, b64.length - 3]) {
    const bad = b64.slice(0, at) + "*" + b64.slice(at + 1);
    const body = encoder.encode(`{"metadata":{"method":"upload_item"},"data":"${bad}"}`);
    const original = body.slice();
    assert.throws(() => parseRequest(body, { spendBody: true }), /not valid base64/);
    assert.deepEqual(restoreBody(body), original);
  }
  // Not UTF-8 in the second slice: nothing of that slice was written.
  const body = encoder.encode(`{"metadata":{},"data":"${b64}"}`);
  body[23 + 70_000] = 0xff;
  const copy = body.slice();
  assert.throws(() => parseRequest(body, { spendBody: true }), /not valid/);
  assert.deepEqual(restoreBody(body), copy);
  const truncated = encoder.encode(`{"metadata":{},"data":"${b64.slice(0, b64.length - 2)}"}`);
  const original = truncated.slice();
  assert.throws(() => parseRequest(truncated, { spendBody: true }), /not valid base64/);
  assert.deepEqual(restoreBody(truncated), original);
});
