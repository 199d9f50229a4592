// A subscribing source's identity: the configured client id and group, or made-up ones.
import assert from "node:assert/strict";
import { subscriberOf } from "../../../lib/sources/kubemq/subscriber.ts";

Deno.test("subscriberOf keeps a configured id and group and makes up a shared group for copies", () => {
  const base = { group: "", sources: 1, reconnect_interval_seconds: 5 };
  assert.deepEqual(subscriberOf({ ...base, client_id: "me", group: "g" }), {
    clientId: "me",
    group: "g",
    intervalMs: 5000,
  });
  const one = subscriberOf(base);
  assert.match(one.clientId, /^kubemq-s3-[0-9a-f]{8}$/);
  assert.equal(one.group, "", "one copy needs no group");
  const copies = subscriberOf({ ...base, sources: 3 });
  assert.match(copies.group, /^kubemq-s3-[0-9a-f-]{36}$/, "copies share a made-up group");
  assert.equal(subscriberOf({ ...base, reconnect_interval_seconds: 0 }).intervalMs, 100);
});
