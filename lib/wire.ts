/**
 * The wire format shared with kubemq-targets: the JSON request and response bodies carried in
 * KubeMQ query bodies. This is the only place that knows their shape; its private helper
 * `wire/_large_body.ts` reads and writes the base64 data of large bodies in slices.
 *
 * @example
 * ```ts
 * const req = parseRequest(new TextEncoder().encode('{"metadata":{"method":"list_buckets"}}'));
 * const body = encodeResponse(okResponse({ result: "ok" }, null));
 * ```
 */
import { ConnectorError, quote } from "./errors.ts";
import { joinPieces, type Pieces, wholePieces } from "./pieces.ts";
import {
  dataPieces,
  type InvalidData,
  LARGE_BODY_BYTES,
  splitLargeData,
} from "./wire/_large_body.ts";
import { restoreSpent } from "./wire/_spent_body.ts";

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

/** Decodes base64 as Go's encoding/json does for []byte: standard alphabet, padding required. */
export function decodeBase64(text: string, field: string): Uint8Array {
  try {
    return Uint8Array.fromBase64(text, { lastChunkHandling: "strict" });
  } catch (err) {
    throw invalid(`"${field}" is not valid base64 (${(err as Error).message}): got ${quote(text)}`);
  }
}

function invalidData(bad: InvalidData): ConnectorError {
  return invalid(
    `"data" is not valid base64 (${bad.reason}) in the characters from ${bad.at}: got ${
      quote(bad.excerpt)
    }`,
  );
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

/** How to parse a request body. */
export interface ParseOptions {
  /**
   * The caller reads `body` again only through `restoreBody`: a large body's base64 data may be
   * decoded over its own bytes (the request's data is then a view into `body`) instead of into
   * a second buffer.
   */
  spendBody?: boolean;
}

/**
 * A body as it was received, after `parseRequest` may have spent it (`spendBody`): the same
 * bytes again once the request's data is no longer needed (the data is encoded back over
 * itself), or, when its base64 had line breaks or spaces, a new body with the same JSON value.
 * A body that was not spent is returned as is.
 */
export function restoreBody(body: Uint8Array): Uint8Array {
  return restoreSpent(body);
}

/**
 * Parses a request body as the original connector does: `{"metadata": {string: string},
 * "data": base64 | null}`. Any other shape is an `InvalidRequest` error.
 */
export function parseRequest(body: Uint8Array, options: ParseOptions = {}): TargetRequest {
  const large = body.length >= LARGE_BODY_BYTES
    ? splitLargeData(body, options.spendBody === true)
    : null;
  if (large) {
    // Metadata first: its error wins over the data's, as on the ordinary path.
    const metadata = parseMetadataObject(goField(large.rest, "metadata"), "metadata");
    if (!(large.data instanceof Uint8Array)) throw invalidData(large.data);
    return { metadata, data: large.data };
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
  return joinPieces(encodeResponsePieces(response));
}

/**
 * Encodes a response body in pieces: a large payload's base64 is produced piece by piece as the
 * transport takes them, never whole.
 */
export function encodeResponsePieces(response: TargetResponse): Pieces {
  // Built by hand so a large payload's base64 is not copied again by JSON.stringify.
  const head = `{"metadata":${JSON.stringify(response.metadata)},"data":`;
  const tail = `,"is_error":${response.isError},"error":${JSON.stringify(response.error)}}`;
  if (response.data === null) return wholePieces(encoder.encode(`${head}null${tail}`));
  if (response.data.length >= LARGE_BODY_BYTES) return dataPieces(head, response.data, tail);
  return wholePieces(encoder.encode(`${head}"${response.data.toBase64()}"${tail}`));
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
    data: large
      ? large.data as Uint8Array
      : typeof obj.data === "string"
      ? decodeBase64(obj.data, "data")
      : null,
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
    return joinPieces(dataPieces(head, request.data, "}"));
  }
  const data = request.data === null ? "null" : `"${request.data.toBase64()}"`;
  return encoder.encode(`${head}${data}}`);
}
