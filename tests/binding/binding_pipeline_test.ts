// The binding's request pipeline with in-memory kinds: metadata merge, retry of retryable
// errors only, the per-request deadline, bad bodies, and every failure as an is_error response
// with its outcome (the binding owns the envelope: the sources only move these bytes).
import assert from "node:assert/strict";
import { Binding } from "../../lib/binding/binding.ts";
import { ConnectorError, passThroughCode } from "../../lib/errors.ts";
import { Metrics } from "../../lib/metrics.ts";
import { ask, fakeSourceKind, fakeSpec, fakeTargetKind } from "./_fakes.ts";
import { encodeRequest } from "../../lib/wire.ts";
import type { MessageInfo } from "../../lib/kinds/source.ts";
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
    const parsed = JSON.parse(new TextDecoder().decode(bad.body));
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

const info: MessageInfo = { requestId: "r1", channel: "c", clientId: "x" };
const dec = new TextDecoder();
const body = (metadata: Record<string, string>, data: Uint8Array | null = null) =>
  encodeRequest({ metadata, data });

Deno.test("pipeline: the outcome matches the body: ok, fail, retry, invalid with their codes", async () => {
  const run: Target["run"] = (req) => {
    if (req.metadata.method === "fail") {
      return Promise.reject(new ConnectorError("InvalidMetadata", "bad metadata"));
    }
    if (req.metadata.method === "retry") {
      return Promise.reject(new ConnectorError("Timeout", "slow", { retryable: true }));
    }
    return ok(req, AbortSignal.timeout(1000));
  };
  await withBinding({}, run, async (source) => {
    const handler = source.created[0]!.handler!;
    const outcome = async (b: Uint8Array) => (await handler(b, info)).outcome;
    assert.deepEqual(await outcome(body({ method: "list_buckets" })), {
      kind: "ok",
      error: "",
      code: "",
    });
    assert.deepEqual(await outcome(body({ method: "fail" })), {
      kind: "fail",
      error: "bad metadata",
      code: "InvalidMetadata",
    });
    assert.deepEqual(await outcome(body({ method: "retry" })), {
      kind: "retry",
      error: "slow",
      code: "Timeout",
    });
    const invalid = await outcome(new TextEncoder().encode("[1]"));
    assert.equal(invalid.kind, "invalid");
    assert.equal(invalid.code, "InvalidRequest");
    assert.match(invalid.error, /^invalid request format, body must be a JSON object/);
  });
});

Deno.test("pipeline: a response over the source's declared limit is answered ResponseTooLarge", async () => {
  const source = fakeSourceKind("fake.source", { bytes: 200, option: "max_message_bytes" });
  const big = new Uint8Array(300).fill(7);
  const target = fakeTargetKind((req) =>
    Promise.resolve({ data: req.metadata.method === "big" ? big : new Uint8Array(3) })
  );
  const binding = new Binding(fakeSpec("b"), { source: source.kind, target: target.kind }, {
    metrics: new Metrics(),
    readFile: () => Promise.reject(new Error("no files")),
    onDead: () => {},
  });
  await binding.start();
  try {
    const handler = source.created[0]!.handler!;
    const small = await handler(body({ method: "small" }), info);
    assert.equal(small.outcome.kind, "ok");
    assert.equal(
      dec.decode(small.body),
      '{"metadata":{"result":"ok"},"data":"AAAA","is_error":false,"error":""}',
    );
    const tooLarge = await handler(body({ method: "big" }), info);
    const error = "response of 466 bytes exceeds max_message_bytes (200)";
    assert.equal(
      dec.decode(tooLarge.body),
      `{"metadata":{"error_code":"ResponseTooLarge"},"data":null,"is_error":true,"error":"${error}"}`,
    );
    assert.deepEqual(tooLarge.outcome, { kind: "fail", error, code: "ResponseTooLarge" });
    // POST /bindings/request is no transport with that limit.
    const api = await binding.handleApiRequest({ metadata: { method: "big" }, data: null }, "a");
    assert.equal(api.byteLength, 466);
  } finally {
    await binding.stop(100);
  }
});

Deno.test("pipeline: a failure of the binding's own code is answered Internal and the binding keeps serving", async () => {
  const source = fakeSourceKind();
  const target = fakeTargetKind(ok);
  const metrics = new Metrics();
  // The invalid-request counter breaks once: a bug outside the envelope.
  const inc = metrics.invalidRequests.inc.bind(metrics.invalidRequests);
  let broken = false;
  metrics.invalidRequests.inc = ((...args: Parameters<typeof inc>) => {
    if (broken) {
      broken = false;
      throw new Error("boom");
    }
    return inc(...args);
  }) as typeof inc;
  const binding = new Binding(fakeSpec("b"), { source: source.kind, target: target.kind }, {
    metrics,
    readFile: () => Promise.reject(new Error("no files")),
    onDead: () => {},
  });
  await binding.start();
  try {
    const handler = source.created[0]!.handler!;
    broken = true;
    const failed = await handler(new TextEncoder().encode("not json"), info);
    assert.equal(
      dec.decode(failed.body),
      '{"metadata":{"error_code":"Internal"},"data":null,"is_error":true,"error":"internal error: boom"}',
    );
    assert.deepEqual(failed.outcome, {
      kind: "retry",
      error: "internal error: boom",
      code: "Internal",
    });
    const next = await ask(handler, { method: "list_buckets" });
    assert.equal(next.isError, false, next.error);
  } finally {
    await binding.stop(100);
  }
});

Deno.test("pipeline: a large body is decoded over itself only when the source says it may be spent", async () => {
  await withBinding({}, ok, async (source, target) => {
    const handler = source.created[0]!.handler!;
    const data = new Uint8Array(2 * 1024 * 1024).map((_, i) => i * 31);
    const bad = body({ method: "upload_item" }, data);
    bad[bad.length - 100] = 0x2a; // "*" inside the base64
    // A queue source may dead-letter the body as received: it must come back untouched.
    const kept = bad.slice();
    const invalid = await handler(bad, info);
    assert.equal(invalid.outcome.kind, "invalid");
    assert.match(invalid.outcome.error, /"data" is not valid base64/);
    assert.deepEqual(bad, kept);
    // A query source never reads it again: the data is a view into the body, not a copy.
    const good = body({ method: "upload_item" }, data);
    const res = await handler(good, { ...info, bodySpendable: true });
    assert.equal(res.outcome.kind, "ok", res.outcome.error);
    assert.deepEqual(target.seen.at(-1)?.data, data);
    assert.equal(target.seen.at(-1)?.data?.buffer, good.buffer);
    const spentBad = kept.slice();
    const spent = await handler(spentBad, { ...info, bodySpendable: true });
    assert.equal(spent.outcome.kind, "invalid");
    assert.match(spent.outcome.error, /"data" is not valid base64 .* in the characters from \d+/);
  });
});
