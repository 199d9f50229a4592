// The GOAWAY guard (denoland/deno#36788): a session's close() and destroy() run in a later
// macrotask, never inside the call (which may come from nghttp2's frame processing). The
// crash it prevents is exercised through the real stack by
// tests/reliability/broker_restarts_test.ts.
import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import http2 from "node:http2";
import { guardSession, installGoawayGuard } from "../../../lib/sources/kubemq/goaway_guard.ts";

/** A stand-in session that records when close and destroy really run. */
class FakeSession extends EventEmitter {
  calls: string[] = [];
  close(cb?: () => void) {
    this.calls.push("close");
    cb?.();
  }
  destroy(err?: Error) {
    this.calls.push(`destroy:${err?.message ?? ""}`);
  }
}

const guarded = () => {
  const s = new FakeSession();
  guardSession(s as unknown as http2.ClientHttp2Session);
  return s;
};
const nextMacrotask = () => new Promise((r) => setTimeout(r, 0));

Deno.test("close and destroy called from a goaway listener run in a later macrotask, with their arguments", async () => {
  const s = guarded();
  let closedCb = false;
  s.on("goaway", () => {
    s.close(() => closedCb = true);
    s.destroy(new Error("boom"));
    assert.deepEqual(s.calls, [], "nothing runs inside the dispatch");
  });
  s.emit("goaway", 0, 1, undefined);
  assert.deepEqual(s.calls, []);
  await Promise.resolve();
  assert.deepEqual(s.calls, [], "not in a microtask either");
  await nextMacrotask();
  assert.deepEqual(s.calls, ["close", "destroy:boom"]);
  assert.equal(closedCb, true);
});

Deno.test("outside a goaway dispatch too, close and destroy wait a macrotask; other events are untouched", async () => {
  const s = guarded();
  let got: unknown[] = [];
  s.on("close", (...args) => {
    got = args;
    // As the Node-compatible session does from a stream's close callback.
    s.destroy();
  });
  assert.equal(s.emit("close", 1, 2), true);
  assert.deepEqual(got, [1, 2]);
  s.close();
  assert.deepEqual(s.calls, [], "nothing runs inside the call");
  await nextMacrotask();
  assert.deepEqual(s.calls, ["destroy:", "close"], "in the order they were asked for");
});

Deno.test("installGoawayGuard patches node:http2's connect once, and the sessions it returns are guarded", async () => {
  const before = http2.connect;
  const first = installGoawayGuard();
  const second = installGoawayGuard();
  assert.equal(second, false, "a second install does nothing");
  if (first) assert.notEqual(http2.connect, before);
  const afterInstall = http2.connect;
  assert.equal(installGoawayGuard(), false);
  assert.equal(http2.connect, afterInstall);
  // A session to a port nobody listens on: connecting fails, but the wrapper is in place.
  const session = http2.connect("http://127.0.0.1:9");
  session.on("error", () => {});
  let closedInDispatch: boolean | null = null;
  session.on("goaway", () => {
    session.close();
    closedInDispatch = session.closed;
  });
  session.emit("goaway", 0, 0, undefined);
  assert.equal(closedInDispatch, false, "close() was deferred");
  await nextMacrotask();
  assert.equal(session.closed || session.destroyed, true);
  session.destroy();
  await new Promise((r) => setTimeout(r, 50));
});
