// The binding's request pipeline with in-memory kinds: metadata merge, retry of retryable
// errors only, the per-request deadline, bad bodies, and every failure as an is_error response.
import assert from "node:assert/strict";
import { Binding } from "../../lib/binding/binding.ts";
import { ConnectorError, passThroughCode } from "../../lib/errors.ts";
import { Metrics } from "../../lib/metrics.ts";
import { ask, fakeSourceKind, fakeSpec, fakeTargetKind } from "./_fakes.ts";
import type { MiddlewareSettings } from "../../lib/binding/binding.ts";
import type { Target } from "../../lib/kinds/kind.ts";

async function withBinding(
  over: Partial<MiddlewareSettings>,
  run: Parameters<typeof fakeTargetKind>[0],
  body: (
    h: ReturnType<typeof fakeSourceKind>,
    t: ReturnType<typeof fakeTargetKind>,
    b: Binding,
  ) => Promise<void>,
) {
  const source = fakeSourceKind();
  const target = fakeTargetKind(run);
  const binding = new Binding(fakeSpec("b", over), { source: source.kind, target: target.kind }, {
    metrics: new Metrics(),
    readFile: () => Promise.reject(new Error("no files")),
    onDead: () => {},
  });
  await binding.start();
  try {
    await body(source, target, binding);
  } finally {
    await binding.stop(100);
  }
}

const ok: Target["run"] = (req) =>
  Promise.resolve({ metadata: { result: "ok", method: req.metadata.method ?? "" } });

Deno.test("pipeline: the binding's metadata is merged over the request's, data passes through", async () => {
  await withBinding({ metadata: { bucket_name: "fixed" } }, ok, async (source, target) => {
    const data = new TextEncoder().encode("bytes");
    const res = await ask(source.created[0]!.handler!, {
      method: "upload_item",
      bucket_name: "asked",
      item_name: "k",
    }, data);
    assert.equal(res.isError, false, res.error);
    assert.deepEqual(target.seen[0]?.metadata, {
      method: "upload_item",
      bucket_name: "fixed",
      item_name: "k",
    });
    assert.deepEqual(target.seen[0]?.data, data);
  });
});

Deno.test("pipeline: a retryable error is retried up to retry_attempts, then answered", async () => {
  const failing: Parameters<typeof fakeTargetKind>[0] = (_req, _signal, call) =>
    call < 3
      ? Promise.reject(
        new ConnectorError(passThroughCode("SlowDown"), "Slow down", {
          status: 503,
          retryable: true,
        }),
      )
      : ok(_req, _signal);
  await withBinding({ retry_attempts: 3 }, failing, async (source, target, binding) => {
    const res = await ask(source.created[0]!.handler!, { method: "list_buckets" });
    assert.equal(res.isError, false, res.error);
    assert.equal(target.seen.length, 3);
    assert.deepEqual(binding.status().counters, { requests: 1, errors: 0, inFlight: 0 });
  });
});

Deno.test("pipeline: an error that cannot succeed is answered at once with its code and status", async () => {
  const denied: Target["run"] = () =>
    Promise.reject(
      new ConnectorError(passThroughCode("AccessDenied"), "Access Denied", { status: 403 }),
    );
  await withBinding({ retry_attempts: 5 }, denied, async (source, target, binding) => {
    const res = await ask(source.created[0]!.handler!, { method: "list_buckets" });
    assert.equal(res.isError, true);
    assert.equal(res.error, "Access Denied");
    assert.deepEqual(res.metadata, { error_code: "AccessDenied", http_status: "403" });
    assert.equal(target.seen.length, 1);
    assert.deepEqual(binding.status().counters, { requests: 1, errors: 1, inFlight: 0 });
  });
});

Deno.test("pipeline: request_timeout_seconds cuts a hanging target with a Timeout error", async () => {
  const hang: Target["run"] = (_req, signal) =>
    new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason)));
  await withBinding({ request_timeout_seconds: 1 }, hang, async (source) => {
    const started = performance.now();
    const res = await ask(source.created[0]!.handler!, { method: "get_item" });
    assert.equal(res.isError, true);
    assert.equal(res.metadata.error_code, "Timeout");
    assert.match(res.error, /request_timeout_seconds \(1 s\)/);
    assert.ok(performance.now() - started < 5000);
  });
});

Deno.test("pipeline: a body that is not a request is answered InvalidRequest and the next one works", async () => {
  await withBinding({}, ok, async (source, target, binding) => {
    const handler = source.created[0]!.handler!;
    const bad = await handler(new TextEncoder().encode("not json"), {
      requestId: "r0",
      channel: "c",
      clientId: "x",
    });
    const parsed = JSON.parse(new TextDecoder().decode(bad));
    assert.equal(parsed.is_error, true);
    assert.match(parsed.error, /^invalid request format/i);
    assert.equal(target.seen.length, 0);
    const good = await ask(handler, { method: "list_buckets" });
    assert.equal(good.isError, false, good.error);
    assert.deepEqual(binding.status().counters, { requests: 2, errors: 1, inFlight: 0 });
  });
});

Deno.test("pipeline: a target that throws a plain Error is answered as Internal, not a crash", async () => {
  const broken: Target["run"] = () => Promise.reject(new TypeError("x is undefined"));
  await withBinding({}, broken, async (source) => {
    const res = await ask(source.created[0]!.handler!, { method: "list_buckets" });
    assert.equal(res.isError, true);
    assert.equal(res.metadata.error_code, "Internal");
    assert.equal(res.error, "x is undefined");
  });
});
