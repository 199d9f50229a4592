import assert from "node:assert/strict";
import { ConnectorError } from "../lib/errors.ts";
import {
  decodeBase64,
  decodeResponse,
  encodeBase64,
  encodeRequest,
  encodeResponse,
  errorResponse,
  okResponse,
  parseMetadataObject,
  parseRequest,
  rawRequest,
} from "../lib/wire.ts";

const enc = (s: string) => new TextEncoder().encode(s);
const allBytes = Uint8Array.from({ length: 256 }, (_, i) => i);

/** Parses a body that must be rejected; returns the error. */
function rejected(body: string | Uint8Array): ConnectorError {
  try {
    parseRequest(typeof body === "string" ? enc(body) : body);
  } catch (err) {
    assert.ok(err instanceof ConnectorError, String(err));
    assert.equal(err.code, "InvalidRequest");
    assert.equal(err.retryable, false);
    return err;
  }
  throw new Error(`expected ${JSON.stringify(body)} to be rejected`);
}

Deno.test("parseRequest reads string metadata and base64 data", () => {
  const req = parseRequest(
    enc(`{"metadata":{"method":"get_item","bucket_name":"b"},"data":"bXkgaXRlbSBoZXJl"}`),
  );
  assert.deepEqual(req, {
    metadata: { method: "get_item", bucket_name: "b" },
    data: enc("my item here"),
  });
});

Deno.test("parseRequest reads absent or null data as null and empty data as empty bytes", () => {
  assert.equal(parseRequest(enc(`{"metadata":{}}`)).data, null);
  assert.equal(parseRequest(enc(`{"metadata":{},"data":null}`)).data, null);
  assert.deepEqual(parseRequest(enc(`{"metadata":{},"data":""}`)).data, new Uint8Array(0));
});

Deno.test("parseRequest reads absent or null metadata as empty", () => {
  assert.deepEqual(parseRequest(enc(`{}`)), { metadata: {}, data: null });
  assert.deepEqual(parseRequest(enc(`{"metadata":null}`)).metadata, {});
});

Deno.test("parseRequest ignores unknown top-level keys", () => {
  assert.deepEqual(parseRequest(enc(`{"metadata":{"a":"1"},"extra":[1,2]}`)), {
    metadata: { a: "1" },
    data: null,
  });
});

Deno.test("parseRequest keeps unicode and empty metadata values", () => {
  const req = parseRequest(enc(`{"metadata":{"item_name":"naïve ☃ 文件","prefix":""}}`));
  assert.deepEqual(req.metadata, { item_name: "naïve ☃ 文件", prefix: "" });
});

Deno.test("parseRequest rejects invalid JSON with the original's prefix", () => {
  for (const body of ["", "{", "not json", `{"metadata":}`, "{'a':1}"]) {
    const err = rejected(body);
    assert.ok(
      err.message.startsWith("invalid request format, body is not valid JSON: "),
      err.message,
    );
  }
});

Deno.test("parseRequest rejects JSON that is not an object", () => {
  for (const body of ["[]", `"text"`, "5", "null", "true", `[{"metadata":{}}]`]) {
    assert.equal(
      rejected(body).message,
      `invalid request format, body must be a JSON object, got ${JSON.stringify(body)}`,
    );
  }
});

Deno.test("parseRequest rejects a non-string metadata value and names the key", () => {
  const cases: [string, string][] = [
    [`true`, `boolean true`],
    [`5`, `number 5`],
    [`{"a":"b"}`, `an object`],
    [`["x"]`, `an array`],
  ];
  for (const [value, shown] of cases) {
    assert.equal(
      rejected(`{"metadata":{"method":"get_item","wait_for_completion":${value}}}`).message,
      `invalid request format, metadata "wait_for_completion" must be a string, got ${shown}`,
    );
  }
});

Deno.test('parseRequest reads a null metadata value as absent, as Go\'s "" is unset', () => {
  assert.deepEqual(
    parseRequest(enc(`{"metadata":{"method":"get_item","wait_for_completion":null}}`)).metadata,
    { method: "get_item" },
  );
});

Deno.test("parseRequest matches top-level keys case-insensitively when the exact key is missing", () => {
  const req = parseRequest(enc(`{"Metadata":{"method":"get_item"},"DATA":"aGk="}`));
  assert.deepEqual(req.metadata, { method: "get_item" });
  assert.deepEqual(req.data, enc("hi"));
  // The exact key wins over a case variant, wherever each is.
  const both = parseRequest(enc(`{"METADATA":{"method":"x"},"metadata":{"method":"y"}}`));
  assert.deepEqual(both.metadata, { method: "y" });
  assert.deepEqual(parseRequest(enc(`{"mEtAdAtA":{"a":"b"},"Data":null}`)), {
    metadata: { a: "b" },
    data: null,
  });
});

Deno.test("parseRequest rejects metadata that is an array, a string or a number", () => {
  assert.equal(
    rejected(`{"metadata":["method"]}`).message,
    `invalid request format, "metadata" must be an object of strings, got "[\\"method\\"]"`,
  );
  assert.equal(
    rejected(`{"metadata":"method=get_item"}`).message,
    `invalid request format, "metadata" must be an object of strings, got "method=get_item"`,
  );
  assert.equal(
    rejected(`{"metadata":7}`).message,
    `invalid request format, "metadata" must be an object of strings, got "7"`,
  );
});

Deno.test("parseRequest rejects data that is not base64", () => {
  const err = rejected(`{"metadata":{},"data":"!!!"}`);
  assert.match(
    err.message,
    /^invalid request format, "data" is not valid base64 \(.+\): got "!!!"$/,
  );
});

Deno.test("parseRequest rejects base64 with missing or bad padding, as Go does", () => {
  for (const data of ["YQ", "YQ=", "YWI", "Y===", "YQ==YQ=="]) {
    const err = rejected(`{"metadata":{},"data":"${data}"}`);
    assert.ok(err.message.startsWith(`invalid request format, "data" is not valid base64 (`));
    assert.ok(err.message.endsWith(`: got "${data}"`), err.message);
  }
  assert.deepEqual(parseRequest(enc(`{"data":"YQ=="}`)).data, enc("a"));
  assert.deepEqual(parseRequest(enc(`{"data":"YWI="}`)).data, enc("ab"));
});

Deno.test("parseRequest rejects URL-safe base64, which Go's []byte does not accept", () => {
  const err = rejected(`{"data":"-_8="}`);
  assert.ok(err.message.startsWith(`invalid request format, "data" is not valid base64 (`));
  assert.deepEqual(parseRequest(enc(`{"data":"+/8="}`)).data, Uint8Array.of(0xfb, 0xff));
});

Deno.test("parseRequest rejects data that is a number, boolean, object or array", () => {
  const cases: [string, string][] = [
    ["5", `"5"`],
    ["true", `"true"`],
    [`{"a":1}`, `"{\\"a\\":1}"`],
    ["[1,2]", `"[1,2]"`],
  ];
  for (const [value, shown] of cases) {
    assert.equal(
      rejected(`{"metadata":{},"data":${value}}`).message,
      `invalid request format, "data" must be a base64 string or null, got ${shown}`,
    );
  }
});

Deno.test("parseRequest rejects a body that is not UTF-8", () => {
  const head = enc(`{"metadata":{"item_name":"`);
  const tail = enc(`"}}`);
  for (const bad of [[0xff], [0xc3], [0xed, 0xa0, 0x80], [0xc0, 0xaf]]) {
    const body = new Uint8Array([...head, ...bad, ...tail]);
    assert.equal(rejected(body).message, "invalid request format, body is not valid UTF-8");
  }
});

Deno.test("parseRequest shortens a long non-object body in its error", () => {
  const body = `"${"x".repeat(500)}"`;
  const err = rejected(body);
  assert.equal(
    err.message,
    `invalid request format, body must be a JSON object, got ${
      JSON.stringify(body.slice(0, 200) + `…(${body.length} chars)`)
    }`,
  );
});

Deno.test("all 256 byte values round-trip through encodeRequest and parseRequest", () => {
  const request = {
    metadata: { method: "upload_item", "key ☃": 'value "quoted"' },
    data: allBytes,
  };
  const body = encodeRequest(request);
  assert.deepEqual(parseRequest(body), request);
  const json = JSON.parse(new TextDecoder().decode(body));
  assert.equal(json.data, encodeBase64(allBytes));
});

Deno.test("each single byte value round-trips through a request", () => {
  for (let i = 0; i < 256; i++) {
    const data = Uint8Array.of(i);
    assert.deepEqual(parseRequest(encodeRequest({ metadata: {}, data })).data, data, String(i));
  }
});

Deno.test("encodeRequest writes null data as null", () => {
  assert.equal(
    new TextDecoder().decode(encodeRequest({ metadata: { method: "list_buckets" }, data: null })),
    `{"metadata":{"method":"list_buckets"},"data":null}`,
  );
});

Deno.test("all 256 byte values round-trip through encodeResponse and decodeResponse", () => {
  const response = okResponse({ result: "ok", etag: `"abc"` }, allBytes);
  assert.deepEqual(decodeResponse(encodeResponse(response)), response);
});

Deno.test("a 1 MiB payload round-trips through request and response", () => {
  const data = new Uint8Array(1024 * 1024);
  for (let i = 0; i < data.length; i += 65536) crypto.getRandomValues(data.subarray(i, i + 65536));
  assert.deepEqual(parseRequest(encodeRequest({ metadata: {}, data })).data, data);
  assert.deepEqual(decodeResponse(encodeResponse(okResponse({}, data))).data, data);
});

Deno.test("a success response has the four keys and data null when there is none", () => {
  const text = new TextDecoder().decode(encodeResponse(okResponse({ result: "ok" }, null)));
  assert.equal(text, `{"metadata":{"result":"ok"},"data":null,"is_error":false,"error":""}`);
  assert.deepEqual(Object.keys(JSON.parse(text)), ["metadata", "data", "is_error", "error"]);
});

Deno.test("a success response carries data as padded standard base64", () => {
  const text = new TextDecoder().decode(encodeResponse(okResponse({}, Uint8Array.of(0xfb, 0xff))));
  assert.equal(text, `{"metadata":{},"data":"+/8=","is_error":false,"error":""}`);
});

Deno.test("a success response with empty data carries an empty string, not null", () => {
  const text = new TextDecoder().decode(encodeResponse(okResponse({}, new Uint8Array(0))));
  assert.equal(text, `{"metadata":{},"data":"","is_error":false,"error":""}`);
  assert.deepEqual(decodeResponse(enc(text)).data, new Uint8Array(0));
});

Deno.test("an error response has empty metadata, null data, is_error and the text", () => {
  const text = new TextDecoder().decode(
    encodeResponse(errorResponse(`Missing metadata "bucket_name": "quoted" ☃\n`)),
  );
  assert.equal(
    text,
    `{"metadata":{},"data":null,"is_error":true,"error":"Missing metadata \\"bucket_name\\": \\"quoted\\" ☃\\n"}`,
  );
  assert.deepEqual(decodeResponse(enc(text)), {
    metadata: {},
    data: null,
    isError: true,
    error: `Missing metadata "bucket_name": "quoted" ☃\n`,
  });
});

Deno.test("an error response can carry metadata such as error_code", () => {
  const response = errorResponse("no such key", { error_code: "NoSuchKey" });
  assert.deepEqual(JSON.parse(new TextDecoder().decode(encodeResponse(response))), {
    metadata: { error_code: "NoSuchKey" },
    data: null,
    is_error: true,
    error: "no such key",
  });
});

Deno.test("decodeResponse reads the original connector's response bodies", () => {
  assert.deepEqual(
    decodeResponse(enc(`{"metadata":{"result":"ok"},"data":"aGk=","is_error":false,"error":""}`)),
    { metadata: { result: "ok" }, data: enc("hi"), isError: false, error: "" },
  );
  assert.deepEqual(decodeResponse(enc(`{"metadata":null,"data":null}`)), {
    metadata: {},
    data: null,
    isError: false,
    error: "",
  });
});

Deno.test("rawRequest wraps the whole body as data with empty metadata", () => {
  const body = enc(`{"metadata":{"method":"get_item"}}`);
  assert.deepEqual(rawRequest(body), { metadata: {}, data: body });
});

Deno.test("parseMetadataObject names the field it parses in errors", () => {
  assert.throws(() => parseMetadataObject({ a: 1 }, "properties.metadata"), {
    message: `invalid request format, properties.metadata "a" must be a string, got number 1`,
  });
  assert.throws(() => parseMetadataObject([], "headers"), {
    message: `invalid request format, "headers" must be an object of strings, got "[]"`,
  });
});

Deno.test("decodeBase64 names the field it decodes in errors", () => {
  assert.throws(() => decodeBase64("%%", "payload"), (err: unknown) => {
    assert.ok(err instanceof ConnectorError);
    assert.ok(err.message.startsWith(`invalid request format, "payload" is not valid base64 (`));
    return true;
  });
  assert.deepEqual(decodeBase64("AAEC", "payload"), Uint8Array.of(0, 1, 2));
});
