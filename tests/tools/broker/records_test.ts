// The test broker's record of requests and subscriptions (tools/broker/records.mjs): what the
// replica tests read to tell when a request was delivered against when a replica stopped.

import assert from "node:assert/strict";
import { createRequestRecords } from "../../../tools/broker/records.mjs";
import { startTestBroker } from "../../../testing/broker.ts";
import { createKubemqClient } from "../../../testing/kubemq_client.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

Deno.test("a request's record keeps when it was sent, delivered, answered and settled, in order", async () => {
  const records = createRequestRecords();
  records.sent("_INBOX.a", "req-1", "ch");
  await sleep(5);
  records.delivered("_INBOX.a", "replica-0");
  await sleep(5);
  records.responded("_INBOX.a", "replica-0");
  records.settled("_INBOX.a", "answered", undefined);
  records.settled("_INBOX.a", "timeout", "late");
  const [r] = records.list("ch");
  assert.ok(r);
  assert.deepEqual(r.deliveredTo, ["replica-0"]);
  assert.deepEqual(r.answeredBy, ["replica-0"]);
  assert.equal(r.outcome, "answered", "the first settlement counts");
  assert.ok(r.sentAt < r.deliveredAt[0]!, "delivered after sent");
  assert.ok(r.deliveredAt[0]! < r.answeredAt[0]!, "answered after delivered");
  assert.ok(r.settledAt! >= r.answeredAt[0]!);
});

Deno.test("a subscription's record keeps its first end event and when it came", async () => {
  const records = createRequestRecords();
  const ended = records.subscribed("replica-1", "ch", "g");
  assert.equal(records.subscriptions("ch")[0]?.endedAt, undefined);
  await sleep(5);
  ended("cancelled");
  ended("close");
  const [s] = records.subscriptions("ch");
  assert.equal(s?.how, "cancelled");
  assert.ok(s!.endedAt! > s!.openedAt);
  assert.deepEqual(records.subscriptions("other"), []);
});

Deno.test("GET /subscriptions names a cancelled subscriber and when the broker dropped it", async () => {
  await using broker = await startTestBroker();
  using client = createKubemqClient({ address: broker.address });
  const sub = client.subscribeQueries("subs", "g", () => undefined);
  await broker.waitForSubscribers("subs", 1);
  const before = Date.now();
  await sub.close();
  let s = (await broker.subscriptions("subs"))[0];
  for (let i = 0; i < 50 && s?.endedAt === undefined; i++) {
    await sleep(20);
    s = (await broker.subscriptions("subs"))[0];
  }
  assert.equal(s?.group, "g");
  assert.ok(s?.endedAt !== undefined && s.endedAt >= before - 5, JSON.stringify(s));
  assert.ok(["cancelled", "finish", "close", "error"].includes(s.how ?? ""));
});
