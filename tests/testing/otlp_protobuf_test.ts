/** The protobuf span counter, on what Deno's own exporter sends over http/protobuf. */
import assert from "node:assert/strict";
import { protobufSpans } from "../../testing/otlp_protobuf.ts";
import { startOtlpReceiver } from "../../testing/otlp_receiver.ts";

const SCRIPT = `
import { SpanKind, trace } from "@opentelemetry/api";
const tracer = trace.getTracer("counted-scope");
for (let i = 0; i < 3; i++) tracer.startSpan("c" + i, { kind: SpanKind.CONSUMER }).end();
tracer.startSpan("client", { kind: SpanKind.CLIENT }).end();
`;

Deno.test("Deno's http/protobuf export: the receiver answers 200 and counts spans by scope and kind", async () => {
  const otlp = await startOtlpReceiver({ protobuf: true });
  const dir = await Deno.makeTempDir({ dir: new URL("../../", import.meta.url).pathname });
  try {
    const script = `${dir}/export.ts`;
    await Deno.writeTextFile(script, SCRIPT);
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", script],
      env: {
        OTEL_DENO: "true",
        OTEL_EXPORTER_OTLP_ENDPOINT: otlp.endpoint,
        OTEL_EXPORTER_OTLP_PROTOCOL: "http/protobuf",
        OTEL_DENO_METRICS: "false",
      },
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.ok(out.success, new TextDecoder().decode(out.stderr));
    const traces = otlp.exports().filter((e) => e.path === "/v1/traces");
    assert.ok(traces.length > 0, "no /v1/traces export");
    assert.ok(traces.every((e) => e.contentType.startsWith("application/x-protobuf")));
    const ours = otlp.protobufSpans().filter((s) => s.scope === "counted-scope");
    assert.deepEqual(ours.map((s) => s.kind).sort(), [3, 5, 5, 5]);
    assert.deepEqual(otlp.spans(), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
    await otlp.close();
  }
});

Deno.test("protobufSpans reads nested fields and refuses a truncated body", () => {
  // ExportTraceServiceRequest{1: ResourceSpans{2: ScopeSpans{1: Scope{1: "s"}, 2: Span{6: 2}}}}
  const span = [0x30, 0x02];
  const scope = [0x0a, 0x01, 0x73];
  const scopeSpans = [0x0a, scope.length, ...scope, 0x12, span.length, ...span];
  const resourceSpans = [0x12, scopeSpans.length, ...scopeSpans];
  const body = new Uint8Array([0x0a, resourceSpans.length, ...resourceSpans]);
  assert.deepEqual(protobufSpans(body), [{ scope: "s", kind: 2 }]);
  assert.deepEqual(protobufSpans(new Uint8Array(0)), []);
  assert.throws(() => protobufSpans(body.subarray(0, body.length - 1)), /truncated/);
});
