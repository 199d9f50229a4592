/** The protobuf field writer of the KubeMQ codec (private to pb_codec.ts, pb_queues.ts, pb_events.ts). */
import { joinPieces, type Pieces } from "../../pieces.ts";
import { LEN, VARINT } from "./_pb_wire_types.ts";

const encoder = new TextEncoder();

/** Collects the bytes of a message; large bytes fields are kept as separate chunks. */
export class Writer {
  readonly chunks: (Uint8Array | Pieces)[] = [];
  #buf = new Uint8Array(256);
  #at = 0;
  #length = 0;

  get length(): number {
    return this.#length + this.#at;
  }

  #room(n: number): void {
    if (this.#at + n <= this.#buf.length) return;
    const next = new Uint8Array(Math.max(this.#buf.length * 2, this.#at + n));
    next.set(this.#buf.subarray(0, this.#at));
    this.#buf = next;
  }

  varint(value: number): void {
    this.#room(10);
    if (value < 0) {
      // int32/int64 negatives: 64-bit two's complement, ten bytes.
      let lo = value >>> 0;
      let hi = Math.floor(value / 2 ** 32) >>> 0;
      for (let i = 0; i < 9; i++) {
        this.#buf[this.#at++] = (lo & 0x7f) | 0x80;
        lo = ((lo >>> 7) | (hi << 25)) >>> 0;
        hi = hi >>> 7;
      }
      this.#buf[this.#at++] = lo & 0x01;
      return;
    }
    while (value >= 0x80) {
      this.#buf[this.#at++] = (value % 0x80) | 0x80;
      value = Math.floor(value / 0x80);
    }
    this.#buf[this.#at++] = value;
  }

  tag(field: number, wireType: number): void {
    this.varint(field * 8 + wireType);
  }

  bytes(field: number, value: Uint8Array, own = false): void {
    this.tag(field, LEN);
    this.varint(value.length);
    if (own || value.length < 4096) {
      this.#room(value.length);
      this.#buf.set(value, this.#at);
      this.#at += value.length;
      return;
    }
    // Large: flush what is buffered and keep the caller's bytes as their own chunk, uncopied.
    this.#flush();
    this.chunks.push(value);
    this.#length += value.length;
  }

  /** A bytes field whose value is produced in pieces when the message is written. */
  pieces(field: number, value: Pieces): void {
    this.tag(field, LEN);
    this.varint(value.byteLength);
    this.#flush();
    this.chunks.push(value);
    this.#length += value.byteLength;
  }

  string(field: number, value: string): void {
    if (value !== "") this.bytes(field, encoder.encode(value), true);
  }

  uint(field: number, value: number): void {
    if (value === 0) return;
    this.tag(field, VARINT);
    this.varint(value);
  }

  bool(field: number, value: boolean): void {
    if (value) this.uint(field, 1);
  }

  #flush(): void {
    if (this.#at === 0) return;
    this.chunks.push(this.#buf.subarray(0, this.#at));
    this.#length += this.#at;
    this.#buf = new Uint8Array(256);
    this.#at = 0;
  }

  finish(): (Uint8Array | Pieces)[] {
    this.#flush();
    return this.chunks;
  }
}

export function writeTags(
  w: Writer,
  field: number,
  tags: Record<string, string> | undefined,
): void {
  if (!tags) return;
  for (const [key, value] of Object.entries(tags)) {
    // Map entries carry key and value even when empty, as google-protobuf writes (and expects).
    const entry = new Writer();
    entry.bytes(1, encoder.encode(key), true);
    entry.bytes(2, encoder.encode(value), true);
    w.bytes(field, concat(entry.finish()), true);
  }
}

/** One buffer from chunks (only for small messages). */
export function concat(chunks: readonly (Uint8Array | Pieces)[]): Uint8Array {
  const bytes = chunks.map((c) => c instanceof Uint8Array ? c : joinPieces(c));
  if (bytes.length === 1) return bytes[0]!;
  const out = new Uint8Array(bytes.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of bytes) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
