/**
 * gRPC message framing: the 5-byte length prefix, splitting received bytes into messages (each
 * copied once) and writing a large message in slices.
 */
import type http2 from "node:http2";
import type { Pieces } from "../../pieces.ts";
import { collectGarbage } from "../../gc.ts";
import { GrpcError, Status } from "./grpc_status.ts";

/**
 * While a message this large or larger arrives, the framer asks for a collection after each
 * this many bytes, and once more when it is whole: the transport hands over one new Buffer per
 * DATA frame, dead once copied but freed only by a GC, and V8 does not run one within an 85 MB
 * message (the chunks of a whole message piled up, and RSS crept up transfer after transfer:
 * 317 → 340 → 366 MiB peaks over three 64 MiB uploads; 310 → 312 → 312 with a collection every
 * 32 MiB, at ~4 % of the transfer's time). The last one, before S3 copies the parts, took the
 * rise over the RSS before an upload from 81–127 to 91–106 MiB in six transfers each.
 */
export const COLLECT_EVERY_BYTES = 32 * 1024 * 1024;

/** Splits a stream of bytes into gRPC length-prefixed messages, each copied once. */
export class MessageFramer {
  readonly #max: number;
  readonly #collect: () => void;
  readonly #header = new Uint8Array(5);
  #headerFill = 0;
  #message: Uint8Array | null = null;
  #fill = 0;

  /** `collect` runs a garbage collection (injectable for tests). */
  constructor(maxBytes: number, collect: () => void = collectGarbage) {
    this.#max = maxBytes;
    this.#collect = collect;
  }

  /** Feeds a chunk; returns the messages it completed. Throws GrpcError on a bad frame. */
  push(chunk: Uint8Array): Uint8Array[] {
    const out: Uint8Array[] = [];
    let at = 0;
    while (at < chunk.length) {
      if (this.#message === null) {
        const n = Math.min(5 - this.#headerFill, chunk.length - at);
        this.#header.set(chunk.subarray(at, at + n), this.#headerFill);
        this.#headerFill += n;
        at += n;
        if (this.#headerFill < 5) break;
        this.#headerFill = 0;
        if (this.#header[0] !== 0) {
          throw new GrpcError(Status.INTERNAL, "compressed message received without encoding");
        }
        const length = new DataView(this.#header.buffer).getUint32(1);
        if (length > this.#max) {
          throw new GrpcError(
            Status.RESOURCE_EXHAUSTED,
            `Received message larger than max (${length} vs. ${this.#max})`,
          );
        }
        this.#message = new Uint8Array(length);
        this.#fill = 0;
      }
      const n = Math.min(this.#message.length - this.#fill, chunk.length - at);
      this.#message.set(chunk.subarray(at, at + n), this.#fill);
      const before = this.#fill;
      this.#fill += n;
      at += n;
      if (
        this.#message.length >= COLLECT_EVERY_BYTES &&
        Math.floor(this.#fill / COLLECT_EVERY_BYTES) > Math.floor(before / COLLECT_EVERY_BYTES)
      ) {
        this.#collect();
      }
      if (this.#fill === this.#message.length) {
        // And once it is whole, before S3 copies its parts: the last segment's chunks go too.
        if (this.#message.length >= COLLECT_EVERY_BYTES) this.#collect();
        out.push(this.#message);
        this.#message = null;
      }
    }
    return out;
  }

  /** True between messages (no partial frame held). */
  get idle(): boolean {
    return this.#message === null && this.#headerFill === 0;
  }
}

/** The 5-byte gRPC message prefix for an uncompressed message of `length` bytes. */
export function prefix(length: number): Uint8Array {
  const p = new Uint8Array(5);
  new DataView(p.buffer).setUint32(1, length);
  return p;
}

/** Part of a message to send: bytes, or pieces produced as they are taken. */
export type Chunk = Uint8Array | Pieces;

/** Bytes handed to the transport at a time for a large message. */
const WRITE_SLICE_BYTES = 1024 * 1024;

/**
 * Writes the chunks and ends the stream. Large chunks go in slices, each after the previous
 * one was taken: the transport copies what it is given (into nghttp2, then into the socket),
 * so handing it a whole ~85 MB body at once holds two more copies of it. Pieces are produced
 * one at a time, as they are written.
 */
export async function writeMessage(
  stream: http2.ClientHttp2Stream,
  chunks: readonly Chunk[],
): Promise<void> {
  const total = chunks.reduce((n, c) => n + c.byteLength, 0);
  if (total <= WRITE_SLICE_BYTES) {
    const bytes = chunks.flatMap((c) => c instanceof Uint8Array ? [c] : [...c.pieces()]);
    stream.end(bytes.length === 1 ? bytes[0] : concatChunks(bytes, total));
    return;
  }
  for (const chunk of chunks) {
    for (const piece of chunk instanceof Uint8Array ? [chunk] : chunk.pieces()) {
      for (let at = 0; at < piece.length; at += WRITE_SLICE_BYTES) {
        if (stream.destroyed || stream.closed) return;
        const slice = piece.subarray(at, at + WRITE_SLICE_BYTES);
        const done = new Promise<void>((resolve) => stream.write(slice, () => resolve()));
        await done;
      }
    }
  }
  if (!stream.destroyed) stream.end();
}

function concatChunks(chunks: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
