/**
 * Hand-rolled protobuf encoding and decoding of the few KubeMQ messages the lean transport
 * (h2_client.ts) carries: Subscribe and Response out, Request and PingResult in. Field numbers
 * are kubemq-js 1.2.3's generated messages (lib/protos/kubemq_pb.js), which stay the source of
 * truth: tests/sources/kubemq_query/pb_codec_test.ts round-trips every field against them.
 *
 * Why by hand: google-protobuf copies a bytes field on encode (one more ~85 MB buffer for a
 * 64 MiB object) and its message objects keep the whole buffer reachable. Here a received Body
 * is a view into the received message, and a Response's Body is written as its own chunk.
 */

const encoder = new TextEncoder();
// ignoreBOM: a string field's leading U+FEFF is data (google-protobuf keeps it); the default
// decoder would drop it.
const decoder = new TextDecoder("utf-8", { ignoreBOM: true });

const VARINT = 0;
const FIXED64 = 1;
const LEN = 2;
const FIXED32 = 5;

/** A received kubemq.Request (a query). Body is a view into the received message. */
export interface DecodedRequest {
  requestId: string;
  requestType: number;
  clientId: string;
  channel: string;
  metadata: string;
  body: Uint8Array;
  replyChannel: string;
  /** Milliseconds. */
  timeout: number;
  cacheKey: string;
  cacheTtl: number;
  span: Uint8Array;
  tags: Record<string, string>;
}

/** A received kubemq.PingResult. */
export interface DecodedPingResult {
  host: string;
  version: string;
  serverStartTime: number;
  serverUpTimeSeconds: number;
}

/** kubemq.Subscribe fields the connector sends. */
export interface SubscribeFields {
  subscribeType: number;
  clientId: string;
  channel: string;
  group: string;
}

/** kubemq.Response fields the connector sends. */
export interface ResponseFields {
  clientId: string;
  requestId: string;
  replyChannel: string;
  metadata: string;
  body: Uint8Array;
  cacheHit: boolean;
  /** int64, unix seconds as kubemq-go sets it. */
  timestamp: number;
  executed: boolean;
  error: string;
  tags?: Record<string, string>;
}

/** Collects the bytes of a message; large bytes fields are kept as separate chunks. */
class Writer {
  readonly chunks: Uint8Array[] = [];
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

  finish(): Uint8Array[] {
    this.#flush();
    return this.chunks;
  }
}

function writeTags(w: Writer, field: number, tags: Record<string, string> | undefined): void {
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
export function concat(chunks: readonly Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** kubemq.Subscribe as protobuf bytes. */
export function encodeSubscribe(s: SubscribeFields): Uint8Array {
  const w = new Writer();
  w.uint(1, s.subscribeType);
  w.string(2, s.clientId);
  w.string(3, s.channel);
  w.string(4, s.group);
  return concat(w.finish());
}

/**
 * kubemq.Response as protobuf bytes, in chunks: a large Body is one of them, not copied.
 * Fields are written in field-number order, as google-protobuf does.
 */
export function encodeResponse(r: ResponseFields): Uint8Array[] {
  const w = new Writer();
  w.string(1, r.clientId);
  w.string(2, r.requestId);
  w.string(3, r.replyChannel);
  w.string(4, r.metadata);
  if (r.body.length > 0) w.bytes(5, r.body);
  w.bool(6, r.cacheHit);
  w.uint(7, r.timestamp);
  w.bool(8, r.executed);
  w.string(9, r.error);
  writeTags(w, 11, r.tags);
  return w.finish();
}

/** Reads fields of one message; every method throws on truncated or malformed input. */
class Reader {
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

function text(bytes: Uint8Array): string {
  return bytes.length === 0 ? "" : decoder.decode(bytes);
}

function decodeMapEntry(bytes: Uint8Array): [string, string] {
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

/** kubemq.Request from protobuf bytes; Body and Span are views into `bytes`. */
export function decodeRequest(bytes: Uint8Array): DecodedRequest {
  const out: DecodedRequest = {
    requestId: "",
    requestType: 0,
    clientId: "",
    channel: "",
    metadata: "",
    body: new Uint8Array(0),
    replyChannel: "",
    timeout: 0,
    cacheKey: "",
    cacheTtl: 0,
    span: new Uint8Array(0),
    tags: {},
  };
  const r = new Reader(bytes);
  while (!r.done) {
    const tag = r.varint();
    const field = Math.floor(tag / 8);
    const type = tag & 7;
    if (type === LEN) {
      const v = r.lengthDelimited();
      switch (field) {
        case 1:
          out.requestId = text(v);
          break;
        case 3:
          out.clientId = text(v);
          break;
        case 4:
          out.channel = text(v);
          break;
        case 5:
          out.metadata = text(v);
          break;
        case 6:
          out.body = v;
          break;
        case 7:
          out.replyChannel = text(v);
          break;
        case 9:
          out.cacheKey = text(v);
          break;
        case 11:
          out.span = v;
          break;
        case 12: {
          const [key, value] = decodeMapEntry(v);
          out.tags[key] = value;
          break;
        }
      }
    } else if (type === VARINT && (field === 2 || field === 8 || field === 10)) {
      const v = r.varint() | 0;
      if (field === 2) out.requestType = v;
      else if (field === 8) out.timeout = v;
      else out.cacheTtl = v;
    } else r.skip(type);
  }
  return out;
}

/** kubemq.PingResult from protobuf bytes. */
export function decodePingResult(bytes: Uint8Array): DecodedPingResult {
  const out: DecodedPingResult = {
    host: "",
    version: "",
    serverStartTime: 0,
    serverUpTimeSeconds: 0,
  };
  const r = new Reader(bytes);
  while (!r.done) {
    const tag = r.varint();
    const field = Math.floor(tag / 8);
    const type = tag & 7;
    if (type === LEN && (field === 1 || field === 2)) {
      const v = text(r.lengthDelimited());
      if (field === 1) out.host = v;
      else out.version = v;
    } else if (type === VARINT && (field === 3 || field === 4)) {
      const v = r.varint();
      if (field === 3) out.serverStartTime = v;
      else out.serverUpTimeSeconds = v;
    } else r.skip(type);
  }
  return out;
}
