// A source's dead state: the reason once, settle before the listeners, late listeners told too.
import assert from "node:assert/strict";
import { getLogger } from "@logtape/logtape";
import { DeadNotice } from "../../../lib/sources/kubemq/dead_notice.ts";

Deno.test("DeadNotice tells each listener the first reason once, after settle, and late ones too", async () => {
  const notice = new DeadNotice(getLogger(["kubemq-s3", "test"]));
  const seen: string[] = [];
  notice.listen((r) => seen.push(`early: ${r}`));
  notice.listen(() => {
    throw new Error("a broken listener is logged, not passed on");
  });
  assert.equal(notice.reason, null);
  notice.declare("gave up", () => seen.push(`settle sees ${notice.reason}`));
  notice.declare("again", () => seen.push("never"));
  assert.equal(notice.reason, "gave up");
  notice.listen((r) => seen.push(`late: ${r}`));
  await Promise.resolve();
  assert.deepEqual(seen, ["settle sees gave up", "early: gave up", "late: gave up"]);
});
