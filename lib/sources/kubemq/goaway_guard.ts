/**
 * Workaround for a Deno 2.9.6 crash on HTTP/2 GOAWAY (denoland/deno#36788). REMOVE this module
 * (and its imports) once a Deno release fixes that bug; tests/reliability/broker_restarts_test.ts
 * tells whether the fix holds without it.
 *
 * The crash: when a gRPC server sends GOAWAY to a grpc-js client session that has no open stream
 * (between resubscribes, after the server ended its streams, on an idle channel), about 3 in 10
 * times the process dies with SIGSEGV or SIGABRT (`find_stream_on_goaway_func: Assertion
 * 'stream->closed_next == NULL'`). Deno's `node:http2` emits the session's `goaway` event
 * synchronously inside the native `nghttp2_session_mem_recv` call; grpc-js's listener closes the
 * session, which on an idle session becomes `destroy()` while nghttp2 is still in the frame.
 *
 * The workaround: every session that `http2.connect` returns is wrapped so that its `close()` and
 * `destroy()` run in a later macrotask (setTimeout 0), after nghttp2 has finished with the frame
 * at hand. Deferring only the calls made inside the `goaway` listeners was not enough: right after
 * emitting `goaway`, the Node-compatible session closes itself, and once closed, the stream that a
 * GOAWAY refuses (or the last stream to end) destroys the session from its close callback, all
 * inside nghttp2's frame processing. Under 50-restart runs of graceful broker restarts that still
 * crashed about one run in ten (the connector or the test's grpc-js sender). JavaScript cannot
 * tell whether it was called from nghttp2, so every close and destroy waits one macrotask; the
 * session already refuses new streams once it received GOAWAY, so nothing is sent meanwhile.
 * grpc-js calls `http2.connect` through the same `node:http2` module object, so patching that
 * object's `connect` reaches it.
 *
 * @module
 */
import http2 from "node:http2";

const INSTALLED = Symbol.for("kubemq-s3.goawayGuard");

type Connect = typeof http2.connect;
type Session = http2.ClientHttp2Session;

/**
 * Patches `node:http2`'s `connect` once per isolate (the main thread and each worker have their
 * own module object); later calls do nothing. Returns true when this call installed it.
 */
export function installGoawayGuard(): boolean {
  const mod = http2 as unknown as { connect: Connect; [INSTALLED]?: true };
  if (mod[INSTALLED]) return false;
  const connect = mod.connect;
  mod.connect = function (this: unknown, ...args: Parameters<Connect>) {
    const session = Reflect.apply(connect, this, args) as Session;
    guardSession(session);
    return session;
  } as Connect;
  mod[INSTALLED] = true;
  return true;
}

/** Makes the session's close() and destroy() run in a later macrotask, with their arguments. */
export function guardSession(session: Session): void {
  for (const name of ["close", "destroy"] as const) {
    const original = session[name] as (...a: unknown[]) => unknown;
    (session as unknown as Record<string, unknown>)[name] = function (
      this: Session,
      ...args: unknown[]
    ) {
      setTimeout(() => Reflect.apply(original, session, args), 0);
    };
  }
}
