/**
 * A bare HTTP/2 peer over TCP for transport tests: it sends its SETTINGS, acknowledges the
 * client's, counts the client's PINGs and acknowledges them only when told to, and never
 * answers a request. What a server whose process hangs, or a connection that silently died
 * behind a proxy, looks like to a gRPC client.
 */

/** A running bare HTTP/2 peer. */
export interface RawH2Server {
  /** "127.0.0.1:port" */
  readonly address: string;
  /** PING frames received (acks excluded). */
  readonly pings: number;
  /** Request streams opened (HEADERS frames received). */
  readonly requests: number;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

const PREFACE_BYTES = 24;
const SETTINGS = 4;
const PING = 6;
const HEADERS = 1;
const ACK = 1;

function frame(type: number, flags: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(9 + payload.length);
  out[0] = payload.length >>> 16;
  out[1] = (payload.length >>> 8) & 0xff;
  out[2] = payload.length & 0xff;
  out[3] = type;
  out[4] = flags;
  out.set(payload, 9);
  return out;
}

/** Starts the peer on a free port; `ackPings` false leaves every PING unanswered. */
export function startRawH2Server(opts: { ackPings: boolean }): RawH2Server {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const conns = new Set<Deno.Conn>();
  const served: Promise<void>[] = [];
  let pings = 0;
  let requests = 0;

  const serve = async (conn: Deno.Conn) => {
    conns.add(conn);
    try {
      await conn.write(frame(SETTINGS, 0, new Uint8Array(0)));
      let buf = new Uint8Array(0);
      let prefaceLeft = PREFACE_BYTES;
      const chunk = new Uint8Array(64 * 1024);
      for (;;) {
        const n = await conn.read(chunk);
        if (n === null) return;
        const next = new Uint8Array(buf.length + n);
        next.set(buf);
        next.set(chunk.subarray(0, n), buf.length);
        buf = next;
        if (prefaceLeft > 0) {
          const skip = Math.min(prefaceLeft, buf.length);
          buf = buf.subarray(skip);
          prefaceLeft -= skip;
        }
        while (buf.length >= 9) {
          const length = (buf[0]! << 16) | (buf[1]! << 8) | buf[2]!;
          if (buf.length < 9 + length) break;
          const type = buf[3]!;
          const flags = buf[4]!;
          const payload = buf.slice(9, 9 + length);
          buf = buf.subarray(9 + length);
          if (type === SETTINGS && (flags & ACK) === 0) {
            await conn.write(frame(SETTINGS, ACK, new Uint8Array(0)));
          } else if (type === PING && (flags & ACK) === 0) {
            pings++;
            if (opts.ackPings) await conn.write(frame(PING, ACK, payload));
          } else if (type === HEADERS) requests++;
        }
      }
    } catch {
      // The client went away.
    } finally {
      conns.delete(conn);
      try {
        conn.close();
      } catch { /* already closed */ }
    }
  };

  const accepting = (async () => {
    try {
      for await (const conn of listener) served.push(serve(conn));
    } catch { /* listener closed */ }
  })();

  const close = async () => {
    try {
      listener.close();
    } catch { /* already closed */ }
    for (const conn of conns) {
      try {
        conn.close();
      } catch { /* already closed */ }
    }
    await accepting;
    await Promise.all(served);
  };
  const port = (listener.addr as Deno.NetAddr).port;
  return {
    address: `127.0.0.1:${port}`,
    get pings() {
      return pings;
    },
    get requests() {
      return requests;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
