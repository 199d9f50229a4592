/**
 * The keepalive of the lean transport (grpc_keepalive.ts) against a bare HTTP/2 peer that
 * acknowledges PINGs, or never does.
 */
import assert from "node:assert/strict";
import http2 from "node:http2";
import { keepalive } from "../../../lib/sources/kubemq/grpc_keepalive.ts";
import { startRawH2Server } from "../../../testing/h2_raw_server.ts";
import { waitUntil } from "../../../testing/wait_until.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function connect(address: string) {
  const session = http2.connect(`http://${address}`);
  const closed = new Promise<void>((resolve) => session.on("close", () => resolve()));
  session.on("error", () => {});
  return { session, closed };
}

Deno.test("keepalive: an unacknowledged PING calls onDead once and destroys the session", async () => {
  await using server = startRawH2Server({ ackPings: false });
  const { session, closed } = connect(server.address);
  let dead = 0;
  keepalive(session, {
    intervalMs: 50,
    timeoutMs: 150,
    busy: () => true,
    onDead: () => {
      assert.equal(session.destroyed, false, "onDead runs before the session is destroyed");
      dead++;
    },
  });
  await closed;
  assert.equal(dead, 1);
  assert.equal(session.destroyed, true);
  assert.ok(server.pings >= 1, `${server.pings} pings`);
});

Deno.test("keepalive: acknowledged PINGs keep a busy session alive", async () => {
  await using server = startRawH2Server({ ackPings: true });
  const { session, closed } = connect(server.address);
  let dead = 0;
  keepalive(session, { intervalMs: 40, timeoutMs: 150, busy: () => true, onDead: () => dead++ });
  await waitUntil("5 pings", () => Promise.resolve(server.pings >= 5), 5000);
  assert.equal(dead, 0);
  assert.equal(session.destroyed, false);
  session.close();
  await closed;
  // The interval stops with the session.
  const after = server.pings;
  await sleep(150);
  assert.equal(server.pings, after);
});

Deno.test("keepalive: an idle session is not pinged, and never found dead", async () => {
  await using server = startRawH2Server({ ackPings: false });
  const { session, closed } = connect(server.address);
  let busy = false;
  let dead = 0;
  keepalive(session, { intervalMs: 30, timeoutMs: 60, busy: () => busy, onDead: () => dead++ });
  await sleep(300);
  assert.equal(server.pings, 0);
  assert.equal(dead, 0);
  assert.equal(session.destroyed, false);
  busy = true;
  await closed;
  assert.equal(dead, 1);
  assert.ok(server.pings >= 1);
});
