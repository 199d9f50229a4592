import assert from "node:assert/strict";
import {
  collectorHostPort,
  tracesExport,
  tracingOnInProcess,
} from "../../lib/sandbox/telemetry.ts";

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

Deno.test("collectorHostPort: the traces endpoint's host:port, the scheme's port when it has none", () => {
  assert.equal(collectorHostPort(envOf({})), "localhost:4318");
  assert.equal(
    collectorHostPort(envOf({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://otel.monitoring:4318/" })),
    "otel.monitoring:4318",
  );
  assert.equal(
    collectorHostPort(envOf({
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://ignored:4318",
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "https://traces.example/otlp/v1/traces",
    })),
    "traces.example:443",
  );
  assert.equal(
    collectorHostPort(envOf({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://[::1]:4318" })),
    "[::1]:4318",
  );
  assert.equal(collectorHostPort(envOf({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://c" })), "c:80");
});

Deno.test("collectorHostPort: an endpoint that is not an http(s) URL is named with its variable", () => {
  assert.throws(
    () => collectorHostPort(envOf({ OTEL_EXPORTER_OTLP_ENDPOINT: "collector:4318" })),
    /OTEL_EXPORTER_OTLP_ENDPOINT: expected an http or https URL, got "collector:4318\/v1\/traces"/,
  );
  assert.throws(
    () => collectorHostPort(envOf({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "not a url" })),
    /OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: not a URL: "not a url"/,
  );
});
