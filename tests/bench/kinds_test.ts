/** The bench's source kinds: names and the bindings it writes for them. */
import assert from "node:assert/strict";
import { BENCH_KINDS, benchKind, kindBinding } from "../../bench/kinds.ts";

Deno.test("the bench drives query, command, queue and events; other names are refused", () => {
  assert.deepEqual([...BENCH_KINDS], ["query", "command", "queue", "events"]);
  assert.equal(benchKind("queue"), "queue");
  assert.throws(() => benchKind("events-store"), /kind: one of query, command, queue, events/);
});

Deno.test("a binding keeps the defaults but for the outcome channel and the queue's batch_size", () => {
  const q = kindBinding("query", "127.0.0.1:50000", "ch");
  assert.equal(q.sourceKind, "kubemq.query");
  assert.deepEqual(q.source, { address: "127.0.0.1:50000", channel: "ch" });
  assert.deepEqual(kindBinding("command", "a:1", "ch", 4).source, {
    address: "a:1",
    channel: "ch",
  });
  assert.deepEqual(kindBinding("events", "a:1", "ch").source, {
    address: "a:1",
    channel: "ch",
    response_channel: "ch.responses",
  });
  assert.deepEqual(kindBinding("queue", "a:1", "ch").source, {
    address: "a:1",
    channel: "ch",
    response_channel: "ch.responses",
  });
  assert.equal(kindBinding("queue", "a:1", "ch", 3).source.batch_size, "3");
});
