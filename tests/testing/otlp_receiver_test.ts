import assert from "node:assert/strict";
import { flattenTraces, startOtlpReceiver } from "../../testing/otlp_receiver.ts";

Deno.test("the receiver keeps the spans a Deno process exports over OTLP http/json", async () => {
  const otlp = await startOtlpReceiver();
  try {
    const script = `
      import { trace, context, SpanStatusCode } from "npm:@opentelemetry/api@1.10.0";
      const t = trace.getTracer("probe-scope");
      const parent = t.startSpan("parent", { attributes: { n: 7, s: "x", b: true } });
      const child = t.startSpan("child", {}, trace.setSpan(context.active(), parent));
      child.setStatus({ code: SpanStatusCode.ERROR, message: "broke" });
      child.end();
      parent.end();
    `;
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["eval", script],
      env: {
        OTEL_DENO: "true",
        OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
        OTEL_EXPORTER_OTLP_ENDPOINT: otlp.endpoint,
        OTEL_SERVICE_NAME: "receiver-test",
      },
      stderr: "piped",
    }).output();
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    const spans = await otlp.waitFor((s) => s.length >= 2, 10_000);
    const parent = spans.find((s) => s.name === "parent")!;
    const child = spans.find((s) => s.name === "child")!;
    assert.equal(parent.scope, "probe-scope");
    assert.equal(parent.service, "receiver-test");
    assert.equal(parent.parentSpanId, "");
    assert.deepEqual(parent.attributes, { n: 7, s: "x", b: true });
    assert.equal(child.traceId, parent.traceId);
    assert.equal(child.parentSpanId, parent.spanId);
    assert.deepEqual(child.status, { code: 2, message: "broke" });
    assert.ok(child.endNs >= child.startNs);
    assert.ok(otlp.exports().some((e) => e.path === "/v1/traces"));
  } finally {
    await otlp.close();
  }
});

Deno.test("the receiver counts every export, a protobuf one too, and flattens JSON bodies", async () => {
  const otlp = await startOtlpReceiver();
  try {
    const res = await fetch(`${otlp.endpoint}/v1/traces`, {
      method: "POST",
      headers: { "content-type": "application/x-protobuf" },
      body: new Uint8Array([1, 2, 3]),
    });
    await res.body?.cancel();
    assert.equal(res.status, 415);
    assert.deepEqual(otlp.exports(), [
      { path: "/v1/traces", contentType: "application/x-protobuf" },
    ]);
    assert.deepEqual(otlp.spans(), []);
    await assert.rejects(otlp.waitFor((s) => s.length > 0, 50), /no matching spans/);
  } finally {
    await otlp.close();
  }
  const [span] = flattenTraces({
    resourceSpans: [{
      scopeSpans: [{
        scope: { name: "s" },
        spans: [{
          traceId: "t",
          spanId: "a",
          name: "n",
          startTimeUnixNano: "5",
          endTimeUnixNano: "9",
          attributes: [{ key: "k", value: { intValue: "42" } }],
        }],
      }],
    }],
  });
  assert.equal(span?.attributes.k, 42);
  assert.equal(span?.endNs, 9n);
  assert.equal(span?.parentSpanId, "");
});
