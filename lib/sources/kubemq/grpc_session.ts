/**
 * One HTTP/2 session of a gRPC channel: connected through the `node:http2` module object (so the
 * GOAWAY guard applies), with large receive windows, a graceful close on GOAWAY and keepalive
 * pings while calls are open.
 */
import http2 from "node:http2";
import { keepalive } from "./grpc_keepalive.ts";
import { WINDOW_BYTES } from "./grpc_session_options.ts";

/** What the channel hears of its session. */
export interface SessionHooks {
  /** The session can take no more calls (error, GOAWAY, close or a dead keepalive). */
  gone(): void;
  /** Why: the session error's text, for the status of the streams it ends. */
  failed(reason: string): void;
  /** Whether calls are open (keepalive pings only then). */
  busy(): boolean;
  keepaliveTimeMs: number;
  keepaliveTimeoutMs: number;
}

/** Connects a session to `authority`. */
export function openSession(
  authority: string,
  options: http2.SecureClientSessionOptions,
  hooks: SessionHooks,
): http2.ClientHttp2Session {
  const session = http2.connect(authority, options);
  session.on("error", (err: Error) => {
    hooks.failed(err.message);
    hooks.gone();
  });
  session.on("goaway", () => {
    hooks.gone();
    // Never inside the 'goaway' dispatch (denoland/deno#36788): let open streams finish.
    setTimeout(() => {
      if (!session.closed) session.close();
    }, 0);
  });
  session.on("close", () => hooks.gone());
  session.on("connect", () => {
    try {
      session.setLocalWindowSize(WINDOW_BYTES);
    } catch { /* not supported: default window */ }
  });
  keepalive(session, {
    intervalMs: hooks.keepaliveTimeMs,
    timeoutMs: hooks.keepaliveTimeoutMs,
    busy: hooks.busy,
    onDead: () => {
      hooks.failed("keepalive ping not acknowledged");
      hooks.gone();
    },
  });
  return session;
}
