// The reconnect policy: resubscribe after each end, reset the count after a healthy stream, give
// up after max_reconnects failures in a row or at once with auto_reconnect false.
import assert from "node:assert/strict";
import {
  type ReconnectPolicy,
  runSubscriptionLoop,
  watchStream,
} from "../../../lib/sources/kubemq/subscription_loop.ts";

/** Runs the loop over scripted attempts (true: healthy); returns what happened. */
async function run(policy: Omit<ReconnectPolicy, "intervalMs">, script: boolean[]) {
  const events: string[] = [];
  let dead: string | null = null;
  let opened = 0;
  let i = 0;
  await runSubscriptionLoop({ ...policy, intervalMs: 0 }, {
    attempt: () => {
      const healthy = script[i++];
      if (healthy === undefined) {
        dead = "script over";
        return Promise.resolve(false);
      }
      events.push(healthy ? "healthy" : "failed");
      return Promise.resolve(healthy);
    },
    over: () => dead !== null,
    lastError: () => `error ${i}`,
    die: (reason) => void (dead = reason),
    sleep: () => Promise.resolve(),
    resubscribing: (attempt) => void events.push(`retry ${attempt}`),
  }, () => opened++);
  return { events, dead, opened };
}

Deno.test("runSubscriptionLoop gives up after max_reconnects failed attempts in a row", async () => {
  const r = await run({ auto_reconnect: true, max_reconnects: 2 }, [false, false, false, false]);
  assert.deepEqual(r.events, ["failed", "retry 1", "failed", "retry 2", "failed"]);
  assert.equal(r.dead, "Gave up after 2 failed reconnect attempt(s) (max_reconnects): error 3");
  assert.equal(r.opened, 3);
});

Deno.test("runSubscriptionLoop resets the count after a healthy stream", async () => {
  const r = await run({ auto_reconnect: true, max_reconnects: 1 }, [false, true, false, false]);
  assert.deepEqual(r.events, ["failed", "retry 1", "healthy", "retry 1", "failed"]);
  assert.equal(r.dead, "Gave up after 1 failed reconnect attempt(s) (max_reconnects): error 3");
});

Deno.test("runSubscriptionLoop with auto_reconnect false gives up when the first stream ends", async () => {
  const r = await run({ auto_reconnect: false, max_reconnects: 0 }, [true, true]);
  assert.deepEqual(r.events, ["healthy"]);
  assert.equal(r.dead, "error 1; auto_reconnect is false, so the source gives up");
});

Deno.test("watchStream: healthy after a message or stableMs, not when it ends at once", async () => {
  assert.equal(await watchStream(10_000, (_healthy, ended) => ended()), false);
  assert.equal(await watchStream(10_000, (healthy, ended) => (healthy(), ended())), true);
  assert.equal(await watchStream(5, (_healthy, ended) => void setTimeout(ended, 40)), true);
});
