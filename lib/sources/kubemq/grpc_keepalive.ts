/**
 * HTTP/2 keepalive of a gRPC client session (grpc_h2.ts): a PING every interval while calls are
 * open, and a session whose PING is not acknowledged in time is destroyed, so its calls end
 * (UNAVAILABLE) instead of waiting on a connection that silently died.
 */
import type http2 from "node:http2";

/** When to ping, and what the channel does when a session is found dead. */
export interface KeepaliveOptions {
  /** Time between PINGs. */
  intervalMs: number;
  /** How long to wait for a PING's ack. */
  timeoutMs: number;
  /** Whether calls are open: an idle session is not pinged. */
  busy(): boolean;
  /** Called once the ack is late, just before the session is destroyed. */
  onDead(): void;
}

/** Pings `session` until it closes; a missing ack calls `onDead` and destroys the session. */
export function keepalive(session: http2.ClientHttp2Session, opts: KeepaliveOptions): void {
  const timer = setInterval(() => {
    if (session.closed || session.destroyed) return clearInterval(timer);
    if (!opts.busy()) return;
    let acked = false;
    const deadline = setTimeout(() => {
      if (acked || session.destroyed) return;
      opts.onDead();
      session.destroy();
    }, opts.timeoutMs);
    try {
      session.ping((err) => {
        acked = !err;
        clearTimeout(deadline);
      });
    } catch {
      clearTimeout(deadline);
    }
  }, opts.intervalMs);
  // The timer alone never keeps the process alive.
  Deno.unrefTimer(timer);
  session.on("close", () => clearInterval(timer));
}
