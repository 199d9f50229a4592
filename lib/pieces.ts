/**
 * A body of known length whose bytes are produced in pieces, when they are taken: a large
 * response's base64 is encoded while the transport sends it, so the ~85 MB body of a 64 MiB
 * object never exists whole.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const body = wholePieces(new Uint8Array([1, 2, 3]));
 * assert.equal(body.byteLength, 3);
 * assert.deepEqual(joinPieces(body), new Uint8Array([1, 2, 3]));
 * ```
 */
export interface Pieces {
  /** The total of the pieces' lengths, known before any is produced. */
  readonly byteLength: number;
  /** The bytes in order. Each call starts over; a piece may be produced only when it is taken. */
  pieces(): Iterable<Uint8Array>;
}

/** Bytes already whole, as one piece. */
export function wholePieces(bytes: Uint8Array): Pieces {
  return { byteLength: bytes.byteLength, pieces: () => [bytes] };
}

/** All the pieces in one buffer (the piece itself when there is one). */
export function joinPieces(body: Pieces): Uint8Array {
  let out: Uint8Array | null = null;
  let at = 0;
  for (const piece of body.pieces()) {
    if (out === null) {
      if (piece.byteLength === body.byteLength) return piece;
      out = new Uint8Array(body.byteLength);
    }
    out.set(piece, at);
    at += piece.byteLength;
  }
  if (at !== body.byteLength) {
    throw new Error(`pieces of ${at} bytes, announced ${body.byteLength}`);
  }
  return out ?? new Uint8Array(0);
}
