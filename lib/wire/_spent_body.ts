/**
 * Giving a spent body its bytes back (private to lib/wire.ts). A body whose large base64 data
 * was decoded over its own bytes (`spendBody`) holds the decoded bytes where the base64 began;
 * the rest of the body is untouched. Encoding them back, from the end, writes the base64 over
 * them again: each slice is read before its longer base64 is written at or after its start, and
 * never over an earlier slice. A source that needs the body after a failure (a queue sends it
 * to its dead-letter queue) can so let a large message be spent like a query's.
 */

/** Where a spent body's decoded bytes are: from `start`, `written` bytes, which replaced
 * `consumed` base64 characters. */
interface Spent {
  start: number;
  consumed: number;
  written: number;
}

/** Bytes encoded at a time, from the end (a multiple of 3, so every slice but the last is
 * whole groups and its base64 has no padding). */
const SLICE_BYTES = 48 * 1024;
const encoder = new TextEncoder();
const spentBodies = new WeakMap<Uint8Array, Spent>();

/** Records that `body` was spent: `written` decoded bytes at `start` replace `consumed` chars. */
export function markSpent(body: Uint8Array, spent: Spent): void {
  spentBodies.set(body, spent);
}

/**
 * The body as it was received: `body` itself, re-encoded in place, when its base64 was
 * canonical (no line breaks or spaces, which is what every encoder writes); otherwise a new body
 * with the same JSON value, its base64 without the whitespace. A body never spent is returned as
 * is. Restoring twice is harmless.
 */
export function restoreSpent(body: Uint8Array): Uint8Array {
  const spent = spentBodies.get(body);
  if (spent === undefined) return body;
  spentBodies.delete(body);
  const { start, consumed, written } = spent;
  const data = body.subarray(start, start + written);
  const encodedLength = Math.ceil(written / 3) * 4;
  if (encodedLength === consumed) {
    encodeBackwards(data, body.subarray(start, start + consumed));
    return body;
  }
  const out = new Uint8Array(start + encodedLength + body.length - start - consumed);
  out.set(body.subarray(0, start));
  encodeBackwards(data, out.subarray(start, start + encodedLength));
  out.set(body.subarray(start + consumed), start + encodedLength);
  return out;
}

/** Writes base64(data) into `into` (its exact length), slice by slice from the end. */
function encodeBackwards(data: Uint8Array, into: Uint8Array): void {
  const whole = data.length - (data.length % 3);
  let end = data.length;
  let from = whole === data.length ? Math.max(0, end - SLICE_BYTES) : whole;
  while (end > 0) {
    // toBase64 copies the slice's bytes into a string before anything is written.
    const text = data.subarray(from, end).toBase64();
    encoder.encodeInto(text, into.subarray((from / 3) * 4));
    end = from;
    from = Math.max(0, end - SLICE_BYTES);
  }
}
