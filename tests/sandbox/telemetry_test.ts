import assert from "node:assert/strict";
import { tracesExport, tracingOnInProcess } from "../../lib/sandbox/telemetry.ts";

const envOf = (vars: Record<string, string>) => (name: string) => vars[name];

Deno.test("tracesExport follows the OTLP variables: per-signal endpoint as is, else base + /v1/traces", () => {
  assert.deepEqual(tracesExport(envOf({})), {
    endpoint: "http://localhost:4318/v1/traces",
    protocol: "http/protobuf",
  });
  assert.deepEqual(
    tracesExport(envOf({
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318/",
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
    })),
    { endpoint: "http://collector:4318/v1/traces", protocol: "http/json" },
  );
  assert.deepEqual(
    tracesExport(envOf({
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318",
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "https://traces.example:443/otlp",
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
      OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: "http/protobuf",
    })),
    { endpoint: "https://traces.example:443/otlp", protocol: "http/protobuf" },
  );
});

Deno.test("tracingOnInProcess: the runtime decides, not the variable the launcher reads", async () => {
  assert.equal(await tracingOnInProcess(envOf({})), false);
  // This test process was not started with OTEL_DENO: the runtime does not trace, whatever the
  // variable the launcher is shown says.
  assert.equal(Deno.env.get("OTEL_DENO"), undefined, "run this test without OTEL_DENO");
  assert.equal(await tracingOnInProcess(envOf({ OTEL_DENO: "true" })), false);
});
