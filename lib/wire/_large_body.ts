/**
 * The large-body paths of the wire format (private to lib/wire.ts): a large body's base64 data
 * is read and written in slices, never held as one string.
 */

import type { Pieces } from "../pieces.ts";
import { markSpent } from "./_spent_body.ts";

const decoder = new TextDecoder("utf-8", { fatal: true });
const encoder = new TextEncoder();

/**
 * Bodies from this size on take the large-payload paths below, which never hold the base64
 * text as one string: for a 64 MiB item that saves two ~85 MB strings on the way in (the
 * decoded body text and JSON.parse's copy of the data string) and two on the way out.
 */
export const LARGE_BODY_BYTES = 1024 * 1024;
/**
 * Base64 is decoded and encoded in slices of this many characters (a multiple of 4). Small
 * enough that each slice's string is an ordinary young V8 object, freed by the next scavenge;
 * strings of 1 MiB went to large-object space, freed only by a full GC (+36 MiB RSS while a
 * 64 MiB body was decoded).
 */
const BASE64_SLICE_CHARS = 64 * 1024;
/**
 * Base64 characters per piece of an encoded body: the size the transport is handed at a time
 * (grpc_framing.ts), so each piece goes out whole, right after it is made.
 */
const BASE64_PIECE_CHARS = 1024 * 1024;

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

/** Why a large body's base64 data could not be decoded in place. */
export interface InvalidData {
  /** The decoder's message. */
  reason: string;
  /** Offset, in characters of the data string, of the slice that failed. */
  at: number;
  /** That slice's text (the bytes before it are already overwritten). */
  excerpt: string;
}

/**
 * Decodes base64 bytes slice by slice straight into one buffer, or over `chars` itself when
 * `inPlace` (each slice is read into a string before its decoded bytes, always fewer, are
 * written at or before its start). Returns null, or with `inPlace` an InvalidData, when the
 * bytes are not base64.
 */
function decodeBase64Bytes(
  chars: Uint8Array,
  inPlace: boolean,
  onSpent: (consumed: number, written: number) => void = () => {},
): Uint8Array | InvalidData | null {
  let padding = 0;
  while (padding < 2 && chars[chars.length - 1 - padding] === 0x3d) padding++;
  const out = inPlace
    ? chars
    : new Uint8Array(Math.max(0, Math.floor(chars.length / 4) * 3 - padding) + 3);
  let written = 0;
  let carry = "";
  let at = 0;
  let text = "";
  // True between a slice's decoding into text and its bytes being counted: when
  // setFromBase64 fails, it may already have written some of them.
  let writing = false;
  try {
    for (; at < chars.length; at += BASE64_SLICE_CHARS) {
      const last = at + BASE64_SLICE_CHARS >= chars.length;
      text = carry + decoder.decode(chars.subarray(at, at + BASE64_SLICE_CHARS));
      writing = true;
      const r = out.subarray(written).setFromBase64(text, {
        lastChunkHandling: last ? "strict" : "stop-before-partial",
      });
      written += r.written;
      writing = false;
      carry = text.slice(r.read);
    }
  } catch (err) {
    if (!inPlace) return null;
    // The failed slice may be partly overwritten with the bytes decoded before the error: put
    // its text back, so a spent body can be restored (lib/wire/_spent_body.ts).
    if (writing) encoder.encodeInto(text, out.subarray(at - carry.length));
    onSpent(at - carry.length, written);
    return { reason: (err as Error).message, at: at - carry.length, excerpt: text };
  }
  if (carry !== "") {
    if (!inPlace) return null;
    onSpent(at - carry.length, written);
    return { reason: "incomplete base64 chunk at the end", at: at - carry.length, excerpt: carry };
  }
  if (inPlace) onSpent(chars.length, written);
  return out.subarray(0, written);
}

/**
 * Splits a large JSON body into its `data` bytes and the rest of the object, parsed with `data`
 * set to null. Returns null when the fast path does not apply (no plain top-level data string,
 * invalid JSON or base64): the caller then takes the ordinary path, which reports the error.
 *
 * With `inPlace` the data is decoded over the body's own bytes (the result is a view into
 * `body`, and `body` is spent): for a 64 MiB object that saves a second 64 MiB buffer. The data
 * is then decoded last, and invalid base64 is reported here (InvalidData), since the ordinary
 * path could no longer read the body.
 */
export function splitLargeData(
  body: Uint8Array,
  inPlace = false,
): { rest: Record<string, unknown>; data: Uint8Array | InvalidData } | null {
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
  const data = decodeBase64Bytes(
    body.subarray(start, end),
    inPlace,
    (consumed, written) => markSpent(body, { start, consumed, written }),
  );
  if (data === null) return null;
  return { rest: rest as Record<string, unknown>, data };
}

/**
 * `head` + `"` + base64(data) + `"` + `tail` as UTF-8, in pieces: each slice of the base64 is
 * encoded when its piece is taken, so a large payload's base64 never exists whole (nor as one
 * string).
 */
export function dataPieces(head: string, data: Uint8Array, tail: string): Pieces {
  const headBytes = encoder.encode(`${head}"`);
  const tailBytes = encoder.encode(`"${tail}`);
  return {
    byteLength: headBytes.length + Math.ceil(data.length / 3) * 4 + tailBytes.length,
    *pieces() {
      yield headBytes;
      const pieceBytes = (BASE64_PIECE_CHARS / 4) * 3;
      for (let i = 0; i < data.length; i += pieceBytes) {
        yield base64Piece(data.subarray(i, i + pieceBytes));
      }
      yield tailBytes;
    },
  };
}

/** The base64 of `part` (a multiple of 3 bytes but at the end), encoded in young slices. */
function base64Piece(part: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.ceil(part.length / 3) * 4);
  const slice = (BASE64_SLICE_CHARS / 4) * 3;
  let at = 0;
  for (let i = 0; i < part.length; i += slice) {
    at += encoder.encodeInto(part.subarray(i, i + slice).toBase64(), out.subarray(at)).written;
  }
  return out;
}
