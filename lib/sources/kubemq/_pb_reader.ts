/** The protobuf field reader of the KubeMQ codec (private to pb_codec.ts, pb_queues.ts, pb_events.ts). */
import { FIXED32, FIXED64, LEN, VARINT } from "./_pb_wire_types.ts";

// ignoreBOM: a string field's leading U+FEFF is data (google-protobuf keeps it); the default
// decoder would drop it.
const decoder = new TextDecoder("utf-8", { ignoreBOM: true });

/** Reads fields of one message; every method throws on truncated or malformed input. */
export class Reader {
  #at: number;
  readonly #end: number;
  readonly #buf: Uint8Array;

  constructor(buf: Uint8Array, at = 0, end = buf.length) {
    this.#buf = buf;
    this.#at = at;
    this.#end = end;
  }

  get done(): boolean {
    return this.#at >= this.#end;
  }

  /** A varint as a number: exact up to 2^53, the low 32 bits of larger (int32) values. */
  varint(): number {
    let lo = 0;
    let hi = 0;
    let shift = 0;
    for (let i = 0; i < 10; i++) {
      if (this.#at >= this.#end) throw new Error("truncated varint");
      const b = this.#buf[this.#at++]!;
      if (shift < 28) lo |= (b & 0x7f) << shift;
      else if (shift === 28) {
        lo |= (b & 0x0f) << 28;
        hi |= (b & 0x7f) >>> 4;
      } else hi |= (b & 0x7f) << (shift - 32);
      shift += 7;
      if ((b & 0x80) === 0) {
        lo >>>= 0;
        hi >>>= 0;
        // Negative int32/int64 (top bit set): its value as int32.
        if (hi >= 0x80000000) return lo | 0;
        return hi * 2 ** 32 + lo;
      }
    }
    throw new Error("varint longer than 10 bytes");
  }

  lengthDelimited(): Uint8Array {
    const n = this.varint();
    if (n > this.#end - this.#at) throw new Error("truncated field");
    const out = this.#buf.subarray(this.#at, this.#at + n);
    this.#at += n;
    return out;
  }

  skip(wireType: number): void {
    switch (wireType) {
      case VARINT:
        this.varint();
        return;
      case FIXED64:
        this.#advance(8);
        return;
      case LEN:
        this.lengthDelimited();
        return;
      case FIXED32:
        this.#advance(4);
        return;
      default:
        throw new Error(`unsupported wire type ${wireType}`);
    }
  }

  #advance(n: number): void {
    if (n > this.#end - this.#at) throw new Error("truncated field");
    this.#at += n;
  }
}

export function text(bytes: Uint8Array): string {
  return bytes.length === 0 ? "" : decoder.decode(bytes);
}

export function decodeMapEntry(bytes: Uint8Array): [string, string] {
  const r = new Reader(bytes);
  let key = "";
  let value = "";
  while (!r.done) {
    const tag = r.varint();
    const field = Math.floor(tag / 8);
    const type = tag & 7;
    if (field === 1 && type === LEN) key = text(r.lengthDelimited());
    else if (field === 2 && type === LEN) value = text(r.lengthDelimited());
    else r.skip(type);
  }
  return [key, value];
}

/**
 * Reads each field of a message: `onField` consumes the value of the fields it knows from `r`
 * and returns true; the others are skipped.
 */
export function readFields(
  bytes: Uint8Array,
  onField: (field: number, wireType: number, r: Reader) => boolean,
): void {
  const r = new Reader(bytes);
  while (!r.done) {
    const tag = r.varint();
    const type = tag & 7;
    if (!onField(Math.floor(tag / 8), type, r)) r.skip(type);
  }
}
