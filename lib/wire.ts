/**
 * The wire format shared with kubemq-targets: the JSON request and response bodies carried in
 * KubeMQ query bodies. This is the only place that knows their shape.
 *
 * @example
 * ```ts
 * const req = parseRequest(new TextEncoder().encode('{"metadata":{"method":"list_buckets"}}'));
 * const body = encodeResponse(okResponse({ result: "ok" }, null));
 * ```
 */
import { ConnectorError, quote } from "./errors.ts";

/** A target request: string metadata and raw bytes. */
export interface TargetRequest {
  metadata: Record<string, string>;
  data: Uint8Array | null;
}

/** A target response before encoding. */
export interface TargetResponse {
  metadata: Record<string, string>;
  data: Uint8Array | null;
  isError: boolean;
  error: string;
}

const decoder = new TextDecoder("utf-8", { fatal: true });
const encoder = new TextEncoder();

function invalid(detail: string): ConnectorError {
  return new ConnectorError("InvalidRequest", `invalid request format, ${detail}`);
}

/**
 * Bodies from this size on take the large-payload paths below, which never hold the base64
 * text as one string: for a 64 MiB item that saves two ~85 MB strings on the way in (the
 * decoded body text and JSON.parse's copy of the data string) and two on the way out.
 */
const LARGE_BODY_BYTES = 1024 * 1024;
/**
 * Base64 is decoded and encoded in slices of this many characters (a multiple of 4). Small
 * enough that each slice's string is an ordinary young V8 object, freed by the next scavenge;
 * strings of 1 MiB went to large-object space, freed only by a full GC (+36 MiB RSS while a
 * 64 MiB body was decoded).
 */
const BASE64_SLICE_CHARS = 64 * 1024;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Index of the quote that closes the string opened at `open`, or -1. */
function closingQuote(body: Uint8Array, open: number): number {
  let at = open + 1;
  for (;;) {
    const q = body.indexOf(QUOTE, at);
    if (q < 0) return -1;
    let backslashes = 0;
    while (body[q - 1 - backslashes] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return q;
    at = q + 1;
  }
}

/**
 * The byte span (inside the quotes) of the last top-level `"data"` string value, or null.
 * Strings are skipped with indexOf, so a large body costs a few native scans, not a JS loop.
 */
function findDataString(body: Uint8Array): [number, number] | null {
  let depth = 0;
  let inValue = false;
  let keyIsData = false;
  let found: [number, number] | null = null;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === QUOTE) {
      const end = closingQuote(body, i);
      if (end < 0) return null;
      if (depth === 1) {
        if (inValue) {
          if (keyIsData) found = [i + 1, end];
        } else {
          keyIsData = end - i - 1 === 4 && body[i + 1] === 0x64 && body[i + 2] === 0x61 &&
            body[i + 3] === 0x74 && body[i + 4] === 0x61;
        }
      }
      i = end;
    } else if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) depth--;
    else if (depth === 1 && c === 0x3a) inValue = true;
    else if (depth === 1 && c === 0x2c) {
      inValue = false;
      keyIsData = false;
    }
  }
  return found;
}

/** Decodes base64 bytes slice by slice straight into one buffer; null if they are not base64. */
function decodeBase64Bytes(chars: Uint8Array): Uint8Array | null {
  let padding = 0;
  while (padding < 2 && chars[chars.length - 1 - padding] === 0x3d) padding++;
  const out = new Uint8Array(Math.max(0, Math.floor(chars.length / 4) * 3 - padding) + 3);
  let written = 0;
  let carry = "";
  try {
    for (let at = 0; at < chars.length; at += BASE64_SLICE_CHARS) {
      const last = at + BASE64_SLICE_CHARS >= chars.length;
      const text = carry + decoder.decode(chars.subarray(at, at + BASE64_SLICE_CHARS));
      const r = out.subarray(written).setFromBase64(text, {
        lastChunkHandling: last ? "strict" : "stop-before-partial",
      });
      written += r.written;
      carry = text.slice(r.read);
    }
  } catch {
    return null;
  }
  if (carry !== "") return null;
  return out.subarray(0, written);
}

/**
 * Splits a large JSON body into its `data` bytes and the rest of the object, parsed with `data`
 * set to null. Returns null when the fast path does not apply (no plain top-level data string,
 * invalid JSON or base64): the caller then takes the ordinary path, which reports the error.
 */
function splitLargeData(
  body: Uint8Array,
): { rest: Record<string, unknown>; data: Uint8Array } | null {
  const span = findDataString(body);
  if (span === null) return null;
  const [start, end] = span;
  let rest: unknown;
  try {
    rest = JSON.parse(
      decoder.decode(body.subarray(0, start - 1)) + "null" + decoder.decode(body.subarray(end + 1)),
    );
  } catch {
    return null;
  }
  if (typeof rest !== "object" || rest === null || Array.isArray(rest)) return null;
  const data = decodeBase64Bytes(body.subarray(start, end));
  if (data === null) return null;
  return { rest: rest as Record<string, unknown>, data };
}

/**
 * `head` + `"` + base64(data) + `"` + `tail` as UTF-8, written into one buffer slice by slice,
 * so a large payload's base64 never exists as one string (nor its flattened concatenation).
 */
function encodeWithData(head: string, data: Uint8Array, tail: string): Uint8Array {
  const headBytes = encoder.encode(`${head}"`);
  const tailBytes = encoder.encode(`"${tail}`);
  const out = new Uint8Array(headBytes.length + Math.ceil(data.length / 3) * 4 + tailBytes.length);
  out.set(headBytes, 0);
  let at = headBytes.length;
  const slice = (BASE64_SLICE_CHARS / 4) * 3;
  for (let i = 0; i < data.length; i += slice) {
    at += encoder.encodeInto(data.subarray(i, i + slice).toBase64(), out.subarray(at)).written;
  }
  out.set(tailBytes, at);
  return out;
}

/** Decodes base64 as Go's encoding/json does for []byte: standard alphabet, padding required. */
export function decodeBase64(text: string, field: string): Uint8Array {
  try {
    return Uint8Array.fromBase64(text, { lastChunkHandling: "strict" });
  } catch (err) {
    throw invalid(`"${field}" is not valid base64 (${(err as Error).message}): got ${quote(text)}`);
  }
}

/** Encodes bytes as standard padded base64. */
export function encodeBase64(bytes: Uint8Array): string {
  return bytes.toBase64();
}

/**
 * Go's encoding/json reads an object key into a struct field whose name matches it exactly or,
 * failing that, case-insensitively (`"Metadata"`, `"DATA"`). Same here: the exact key wins,
 * else the first key that folds to the same name.
 */
export function goField(obj: Record<string, unknown>, name: string): unknown {
  if (Object.hasOwn(obj, name)) return obj[name];
  for (const key of Object.keys(obj)) {
    // Go also folds the long s and the Kelvin sign, which "metadata" and "data" do not contain.
    if (key.toLowerCase() === name) return obj[key];
  }
  return undefined;
}

/**
 * Parses a JSON metadata object whose values must all be strings. A null value counts as
 * absent: Go decodes it to "", which every parser of the original treats as unset.
 */
export function parseMetadataObject(value: unknown, field: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== "object" || Array.isArray(value)) {
    throw invalid(`"${field}" must be an object of strings, got ${quote(value)}`);
  }
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(value)) {
    if (v === null) continue;
    if (typeof v !== "string") {
      throw invalid(
        `${field} "${key}" must be a string, got ${
          typeof v === "object"
            ? (Array.isArray(v) ? "an array" : "an object")
            : `${typeof v} ${JSON.stringify(v)}`
        }`,
      );
    }
    out[key] = v;
  }
  return out;
}

/**
 * Parses a request body as the original connector does: `{"metadata": {string: string},
 * "data": base64 | null}`. Any other shape is an `InvalidRequest` error.
 */
export function parseRequest(body: Uint8Array): TargetRequest {
  const large = body.length >= LARGE_BODY_BYTES ? splitLargeData(body) : null;
  if (large) {
    return {
      metadata: parseMetadataObject(goField(large.rest, "metadata"), "metadata"),
      data: large.data,
    };
  }
  let text: string;
  try {
    text = decoder.decode(body);
  } catch {
    throw invalid("body is not valid UTF-8");
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw invalid(`body is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw invalid(`body must be a JSON object, got ${quote(text)}`);
  }
  const obj = parsed as Record<string, unknown>;
  const metadata = parseMetadataObject(goField(obj, "metadata"), "metadata");
  const rawData = goField(obj, "data");
  let data: Uint8Array | null = null;
  if (typeof rawData === "string") data = decodeBase64(rawData, "data");
  else if (rawData !== undefined && rawData !== null) {
    throw invalid(`"data" must be a base64 string or null, got ${quote(rawData)}`);
  }
  return { metadata, data };
}

/** Wraps raw bytes as a request, for sources with `do_not_parse_payload`. */
export function rawRequest(body: Uint8Array): TargetRequest {
  return { metadata: {}, data: body };
}

/** Builds a success response. */
export function okResponse(
  metadata: Record<string, string>,
  data: Uint8Array | null,
): TargetResponse {
  return { metadata, data, isError: false, error: "" };
}

/** Builds an error response; `metadata` carries e.g. `error_code`. */
export function errorResponse(
  error: string,
  metadata: Record<string, string> = {},
): TargetResponse {
  return { metadata, data: null, isError: true, error };
}

/** Encodes a response body with all four keys, as the original always sends them. */
export function encodeResponse(response: TargetResponse): Uint8Array {
  // Built by hand so a large payload's base64 is not copied again by JSON.stringify.
  const head = `{"metadata":${JSON.stringify(response.metadata)},"data":`;
  const tail = `,"is_error":${response.isError},"error":${JSON.stringify(response.error)}}`;
  if (response.data === null) return encoder.encode(`${head}null${tail}`);
  if (response.data.length >= LARGE_BODY_BYTES) return encodeWithData(head, response.data, tail);
  return encoder.encode(`${head}"${response.data.toBase64()}"${tail}`);
}

/**
 * Decodes a response body (used by the sender CLI and tests).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const body = new TextEncoder().encode(
 *   '{"metadata":{"result":"ok"},"data":"aGk=","is_error":false,"error":""}',
 * );
 * const response = decodeResponse(body);
 * assert.equal(new TextDecoder().decode(response.data!), "hi");
 * assert.equal(response.isError, false);
 * ```
 */
export function decodeResponse(body: Uint8Array): TargetResponse {
  const large = body.length >= LARGE_BODY_BYTES ? splitLargeData(body) : null;
  const obj = large?.rest ?? JSON.parse(decoder.decode(body)) as Record<string, unknown>;
  return {
    metadata: parseMetadataObject(obj.metadata, "metadata"),
    data: large ? large.data : typeof obj.data === "string" ? decodeBase64(obj.data, "data") : null,
    isError: obj.is_error === true,
    error: typeof obj.error === "string" ? obj.error : "",
  };
}

/**
 * Encodes a request body (used by the sender CLI and tests).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const body = encodeRequest({
 *   metadata: { method: "get_item", bucket_name: "b", item_name: "k" },
 *   data: null,
 * });
 * assert.equal(
 *   new TextDecoder().decode(body),
 *   '{"metadata":{"method":"get_item","bucket_name":"b","item_name":"k"},"data":null}',
 * );
 * ```
 */
export function encodeRequest(request: TargetRequest): Uint8Array {
  const head = `{"metadata":${JSON.stringify(request.metadata)},"data":`;
  if (request.data !== null && request.data.length >= LARGE_BODY_BYTES) {
    return encodeWithData(head, request.data, "}");
  }
  const data = request.data === null ? "null" : `"${request.data.toBase64()}"`;
  return encoder.encode(`${head}${data}}`);
}
