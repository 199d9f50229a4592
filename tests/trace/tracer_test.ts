import assert from "node:assert/strict";
import { trace } from "@opentelemetry/api";
import { contextTags, logFields, senderContext, tracingOn } from "../../lib/trace/tracer.ts";
import { startOtlpReceiver } from "../../testing/otlp_receiver.ts";

const TRACE = "0af7651916cd43dd8448eb211c80319c";
const SPAN = "b7ad6b7169203331";

Deno.test("tracing is off in a process started without OTEL_DENO", () => {
  assert.equal(Deno.env.get("OTEL_DENO"), undefined, "run this test without OTEL_DENO");
  assert.equal(tracingOn(), false);
});

Deno.test("senderContext continues a valid traceparent (with its tracestate) and ignores others", () => {
  const ctx = senderContext({ traceparent: `00-${TRACE}-${SPAN}-01`, tracestate: "a=1,b=2" });
  const remote = trace.getSpanContext(ctx);
  assert.equal(remote?.traceId, TRACE);
  assert.equal(remote?.spanId, SPAN);
  assert.equal(remote?.isRemote, true);
  assert.equal(remote?.traceState?.get("b"), "2");
  assert.equal(trace.getSpanContext(senderContext({ traceparent: "nonsense" })), undefined);
  assert.equal(trace.getSpanContext(senderContext(undefined)), undefined);
});

Deno.test("contextTags carry a span's context and the sender's tracestate; logFields its ids", () => {
  const span = trace.wrapSpanContext({ traceId: TRACE, spanId: SPAN, traceFlags: 1 });
  assert.deepEqual(contextTags(span), { traceparent: `00-${TRACE}-${SPAN}-01` });
  assert.deepEqual(
    contextTags(span, { traceparent: `00-${TRACE}-${"1".repeat(16)}-01`, tracestate: "v=x" }),
    { traceparent: `00-${TRACE}-${SPAN}-01`, tracestate: "v=x" },
  );
  // A tracestate without a valid traceparent is dropped, as the spec asks.
  assert.deepEqual(contextTags(span, { tracestate: "v=x" }), {
    traceparent: `00-${TRACE}-${SPAN}-01`,
  });
  assert.deepEqual(logFields(span), { trace_id: TRACE, span_id: SPAN });
});

Deno.test("with OTEL_DENO=true tracing is on, and the probe span that tells is never exported", async () => {
  const otlp = await startOtlpReceiver();
  try {
    const script = `
      import { tracer, tracingOn } from "${new URL("../../lib/trace/tracer.ts", import.meta.url)}";
      if (!tracingOn()) Deno.exit(3);
      tracer().startSpan("witness").end();
    `;
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["eval", script],
      env: {
        OTEL_DENO: "true",
        OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
        OTEL_EXPORTER_OTLP_ENDPOINT: otlp.endpoint,
      },
      stderr: "piped",
    }).output();
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    const spans = await otlp.waitFor((s) => s.some((x) => x.name === "witness"), 10_000);
    assert.deepEqual(spans.map((s) => s.name), ["witness"]);
    assert.equal(spans[0]!.scope, "kubemq-s3");
  } finally {
    await otlp.close();
  }
});
