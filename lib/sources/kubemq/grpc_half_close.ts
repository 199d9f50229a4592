/**
 * The socket of a session that can end its subscriptions without losing what the server already
 * wrote to them: a half-close.
 *
 * KubeMQ has no unsubscribe: a subscription ends when its stream is cancelled or its connection
 * closes. A cancel (RST_STREAM) makes the client's HTTP/2 layer drop every DATA frame that still
 * arrives on that stream, so a request the server wrote just before it saw the cancel (given to
 * this member of the group alone) is read by nobody and its sender times out. Measured: 0–3 of
 * ~900 queries per three rolling stops (docs/reliability.md).
 *
 * Ending the TCP connection's write side instead (FIN) keeps the read side open: the server
 * (grpc-go in KubeMQ, node:http2 in the test broker) reads the end of its input, ends every
 * stream of the connection and closes it, and TCP delivers everything it wrote before that, in
 * order. The client reads it all, then the close. Nothing written is lost.
 *
 * After the FIN, the client's HTTP/2 layer may still want to write (window updates, pings, the
 * RST of a stream that ends); a write to an ended socket would error the whole session and drop
 * what is still unread, so such writes are dropped here instead.
 */
import net from "node:net";
import tls from "node:tls";
import type { Duplex } from "node:stream";

/** A session socket that can be half-closed. */
export interface HalfClosableSocket {
  /** The socket to give `http2.connect` as `createConnection`'s result. */
  readonly socket: Duplex;
  /** Ends the write side (FIN); later writes are dropped. Reading goes on. */
  endWrites(): void;
}

/** How to connect. */
export interface HalfCloseConnect {
  host: string;
  port: number;
  /** TLS options (`ca`, `cert`, `key`, `servername`, `checkServerIdentity`); absent for h2c. */
  tls?: tls.ConnectionOptions;
}

/** Connects a socket that allows a half-close. */
export function connectHalfClosable(to: HalfCloseConnect): HalfClosableSocket {
  const socket: net.Socket = to.tls
    ? tls.connect({
      ...to.tls,
      host: to.host,
      port: to.port,
      ALPNProtocols: ["h2"],
      allowHalfOpen: true,
    } as tls.ConnectionOptions)
    : net.connect({ host: to.host, port: to.port, allowHalfOpen: true });
  let ended = false;
  // The server's FIN: end ours too, as a socket that does not allow half-open connections does,
  // so the session sees the connection close (otherwise it would stay open on a dead socket).
  socket.once("end", () => {
    if (!ended) socket.end();
  });
  return {
    socket,
    endWrites() {
      if (ended || socket.destroyed) return;
      ended = true;
      socket.end();
      const dropped = (...args: unknown[]): boolean => {
        const callback = args.find((a) => typeof a === "function") as (() => void) | undefined;
        if (callback) queueMicrotask(callback);
        return true;
      };
      (socket as unknown as { write: typeof dropped }).write = dropped;
    },
  };
}
