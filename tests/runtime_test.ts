// The runtime with in-memory kinds: start in config order, reload restarts only changed
// bindings, stop drains every one.
import assert from "node:assert/strict";
import { Runtime } from "../lib/runtime.ts";
import { Metrics } from "../lib/metrics.ts";
import { ask, fakeSourceKind, fakeSpec, fakeTargetKind } from "./binding/_fakes.ts";

function runtime() {
  const source = fakeSourceKind();
  const target = fakeTargetKind((req) =>
    Promise.resolve({ metadata: { result: "ok", method: req.metadata.method ?? "" } })
  );
  let allDead = 0;
  const rt = new Runtime({
    kinds: {
      source: (k) => k === source.kind.kind ? source.kind : undefined,
      target: (k) => k === target.kind.kind ? target.kind : undefined,
    },
    metrics: new Metrics(),
    readFile: () => Promise.reject(new Error("no files")),
    onAllDead: () => void allDead++,
  });
  return { rt, source, target, allDead: () => allDead };
}

Deno.test("runtime starts every binding in config order and each one serves", async () => {
  const { rt, source } = runtime();
  await rt.start([fakeSpec("a"), fakeSpec("b")]);
  try {
    assert.deepEqual(rt.bindings().map((b) => b.name), ["a", "b"]);
    assert.equal(source.created.length, 2);
    for (const s of source.created) {
      const res = await ask(s.handler!, { method: "list_buckets" });
      assert.equal(res.isError, false, res.error);
    }
  } finally {
    await rt.stop(100);
  }
  assert.ok(source.created.every((s) => s.stopped));
  assert.deepEqual(rt.bindings(), []);
});

Deno.test("runtime reload restarts changed bindings, starts new ones, stops removed ones, keeps the rest", async () => {
  const { rt, source } = runtime();
  await rt.start([fakeSpec("keep"), fakeSpec("change"), fakeSpec("drop")]);
  try {
    const result = await rt.reload(
      [fakeSpec("new"), fakeSpec("change", { retry_attempts: 3 }), fakeSpec("keep")],
      100,
    );
    assert.deepEqual(result, {
      started: ["new", "change"],
      stopped: ["change", "drop"],
      unchanged: ["keep"],
    });
    // Config order is kept for /bindings.
    assert.deepEqual(rt.bindings().map((b) => b.name), ["new", "change", "keep"]);
    const stopped = source.created.filter((s) => s.stopped).map((s) =>
      (s.options as { channel: string }).channel
    );
    assert.deepEqual(stopped.sort(), ["change", "drop"]);
    assert.equal(source.created.length, 5);
  } finally {
    await rt.stop(100);
  }
});
