/**
 * Reconnects through the real connector process: a broker restart (abrupt and graceful), a
 * stream the broker ends with status OK, and max_reconnects giving up with a non-zero exit.
 * A connector that dies fails the test; nothing is run again. The long run of restarts is
 * tests/reliability/broker_restarts_test.ts.
 */
import assert from "node:assert/strict";
import { dataJson, startStack, type TestStack } from "../../../testing/stack.ts";
import { delay, logsMatching, poll } from "./_support.ts";

const listBuckets = { method: "list_buckets" };

/** Polls with list_buckets until one is answered without error. */
function servedAgain(stack: TestStack, what: string) {
  return poll(what, async () => {
    const res = await stack.ask(listBuckets, null, 2000);
    return res.isError ? undefined : res;
  }, 15_000);
}

for (const graceful of [false, true]) {
  Deno.test(`after a${graceful ? " graceful (GOAWAY)" : "n abrupt"} broker restart mid-traffic the connector serves again`, async () => {
    await using stack = await startStack({ source: { reconnect_interval_seconds: "1" } });
    const first = await stack.ask(listBuckets);
    assert.equal(first.isError, false, first.error);

    // Traffic keeps flowing while the broker goes down and comes back.
    let sent = 0;
    let stopTraffic = false;
    const traffic = (async () => {
      while (!stopTraffic) {
        sent++;
        await stack.ask(listBuckets, null, 1000).catch(() => {});
        // A failed call can reject without a macrotask turn: pause so timers still run.
        await delay(50);
      }
    })();
    try {
      await poll("some traffic", () => Promise.resolve(sent >= 3 ? true : undefined), 10_000, 20);
      await stack.broker.stop({ graceful });
      await stack.connector.waitForLog((r) =>
        typeof r.error === "string" &&
        r.error.startsWith(
          graceful
            ? `Subscription to ${stack.channel} was ended by the server`
            : `Subscription to ${stack.channel} failed: UNAVAILABLE`,
        )
      );
      await stack.broker.restart();
      const served = await servedAgain(stack, "a query answered after the restart");
      const listed = dataJson<{ Buckets: unknown[] | null }>(served);
      // Null when there is no bucket (a nil slice, as Go marshals it).
      assert.equal(String(listed.Buckets?.length ?? 0), served.metadata.count);
    } finally {
      stopTraffic = true;
      await traffic;
    }
    assert.equal(stack.connector.ended(), null, "the connector is still running");
    assert.ok(
      logsMatching(stack.connector.records(), /^Resubscribing to /).length >= 1,
      "the connector logged its resubscription",
    );
  });
}

Deno.test("a subscription stream ended by the broker with status OK is resubscribed", async () => {
  await using stack = await startStack({ source: { reconnect_interval_seconds: "1" } });
  assert.equal((await stack.ask(listBuckets)).isError, false);
  assert.equal(await stack.broker.endStreams(), 1);
  await stack.connector.waitForLog((r) =>
    r.error === `Subscription to ${stack.channel} was ended by the server`
  );
  const res = await servedAgain(stack, "a query answered after the stream ended");
  assert.equal(res.isError, false);
  assert.equal((await stack.broker.stats()).subscriptions, 1, "exactly one subscription again");
  assert.equal(logsMatching(stack.connector.records(), /^Resubscribing to /).length, 1);
});

Deno.test("max_reconnects: with the broker gone for good the connector gives up and exits 1", async () => {
  await using stack = await startStack({
    source: { max_reconnects: "2", reconnect_interval_seconds: "1" },
  });
  assert.equal((await stack.ask(listBuckets)).isError, false);
  await stack.broker.stop();
  const { code, signal } = await stack.connector.exitStatus;
  const records = stack.connector.records();
  const output = stack.connector.lines().join("\n");
  assert.equal(signal, null, output);
  assert.equal(code, 1, output);
  const gaveUp = records.filter((r) =>
    typeof r.message === "string" && r.message.startsWith("kubemq.query source for ") &&
    typeof r.reason === "string" &&
    r.reason.startsWith("Gave up after 2 failed reconnect attempt(s) (max_reconnects): Ping to ")
  );
  assert.equal(gaveUp.length, 1, output);
  assert.equal(gaveUp[0]?.level, "ERROR");
  assert.equal(logsMatching(records, /^Every binding has given up; exiting$/).length, 1, output);
  assert.equal(logsMatching(records, /^Resubscribing to /).length, 2, "exactly 2 attempts");
});
