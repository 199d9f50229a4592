/** Bodies in pieces: joined once, a single piece not copied, a wrong announced length caught. */
import assert from "node:assert/strict";
import { joinPieces, type Pieces, wholePieces } from "../lib/pieces.ts";

Deno.test("joinPieces returns a single piece itself and joins several in order", () => {
  const one = new Uint8Array([1, 2, 3]);
  assert.equal(joinPieces(wholePieces(one)), one);
  const several: Pieces = {
    byteLength: 6,
    pieces: () => [new Uint8Array([1, 2]), new Uint8Array([3]), new Uint8Array([4, 5, 6])],
  };
  assert.deepEqual(joinPieces(several), new Uint8Array([1, 2, 3, 4, 5, 6]));
  assert.deepEqual(joinPieces({ byteLength: 0, pieces: () => [] }), new Uint8Array(0));
});

Deno.test("joinPieces rejects pieces that do not add up to the announced length", () => {
  const short: Pieces = {
    byteLength: 5,
    pieces: () => [new Uint8Array([1, 2]), new Uint8Array([3])],
  };
  assert.throws(() => joinPieces(short), /pieces of 3 bytes, announced 5/);
});
