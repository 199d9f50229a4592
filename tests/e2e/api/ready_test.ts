// /ready follows the broker: 503 naming the binding and the reason while the broker is down,
// 200 "ready" again once it is back and the source has resubscribed.
import assert from "node:assert/strict";
import type { TestConnector } from "../../../testing/connector.ts";
import { startStack } from "../../../testing/stack.ts";

const AUTH_TOKEN = "tok-ready-Secret-92e1";
const delay = (ms: number) => new Promise<null>((r) => setTimeout(() => r(null), ms));

/**
 * Polls /ready until `accept` says yes; returns that answer. Fails after 20 s, or at once with
 * the exit code when the connector process has died.
 */
async function waitReady(
  connector: TestConnector,
  accept: (status: number) => boolean,
): Promise<{ status: number; body: string }> {
  const deadline = Date.now() + 20_000;
  let last = { status: 0, body: "" };
  while (Date.now() < deadline) {
    const res = await fetch(`${connector.apiUrl}/ready`).catch(async (err) => {
      const code = await Promise.race([connector.exited, delay(3000)]);
      if (code === null) throw err;
      // 134/139: Deno's nghttp2 abort on a broker's GOAWAY (denoland/deno#36788), which the
      // connector's GOAWAY guard exists to prevent; a crash fails the test like any other exit.
      const known = code === 139 || code === 134
        ? " (Deno's nghttp2 crash on GOAWAY, denoland/deno#36788: the GOAWAY guard did not hold)"
        : "";
      throw new Error(`the connector exited with ${code}${known}`);
    });
    last = { status: res.status, body: await res.text() };
    if (accept(last.status)) return last;
    await delay(100);
  }
  throw new Error(`/ready stayed at ${last.status} ${last.body}`);
}

Deno.test("e2e /ready: 503 naming the binding while the broker is down, 200 again after it returns", async () => {
  await using stack = await startStack({
    broker: { authToken: AUTH_TOKEN },
    source: { auth_token: AUTH_TOKEN, reconnect_interval_seconds: "1" },
  });
  const api = stack.connector.apiUrl;
  assert.deepEqual(await waitReady(stack.connector, (s) => s === 200), {
    status: 200,
    body: "ready",
  });

  await stack.broker.stop();
  const down = await waitReady(stack.connector, (s) => s === 503);
  const body = JSON.parse(down.body) as {
    ready: boolean;
    bindings: { binding: string; reason: string }[];
  };
  assert.equal(body.ready, false);
  assert.deepEqual(body.bindings.map((b) => b.binding), ["e2e"]);
  assert.match(body.bindings[0]!.reason, /^source not subscribed: /);
  assert.ok(!down.body.includes(AUTH_TOKEN), "the auth token is in the /ready body");
  const bindings = await (await fetch(`${api}/bindings/state`)).json();
  assert.equal(bindings[0].source.state.connected, false);
  assert.ok(!JSON.stringify(bindings).includes(AUTH_TOKEN));

  await stack.broker.restart();
  assert.deepEqual(await waitReady(stack.connector, (s) => s === 200), {
    status: 200,
    body: "ready",
  });
  await stack.broker.waitForSubscribers(stack.channel, 1, 10_000);
  // Serving again end to end, and the reconnect is counted.
  const res = await stack.ask({ method: "list_buckets" });
  assert.equal(res.isError, false, res.error);
  const metrics = await (await fetch(`${api}/metrics`)).text();
  const reconnects = /^kubemq_s3_source_reconnects_total\{binding="e2e"\} (\d+)$/m.exec(metrics);
  assert.ok(Number(reconnects?.[1]) >= 1, `reconnects: ${reconnects?.[0]}`);
});
