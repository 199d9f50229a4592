// The byte counters: a target's `bytesOut` / `bytesIn` (TargetResult) reach the documented
// series on /metrics, whose names stay those of docs/operations.md; a failed request adds none.
import assert from "node:assert/strict";
import { Binding } from "../../../lib/binding/binding.ts";
import { ConnectorError } from "../../../lib/errors.ts";
import { Metrics } from "../../../lib/metrics.ts";
import { ask, fakeSourceKind, fakeSpec, fakeTargetKind } from "../_fakes.ts";
import type { Target } from "../../../lib/kinds/kind.ts";

/** The value of `name{binding="b"}` in the exposition text, or null when absent. */
function sample(text: string, name: string): number | null {
  const line = text.split("\n").find((l) => l.startsWith(`${name}{binding="b"} `));
  return line === undefined ? null : Number(line.split(" ").at(-1));
}

async function bytesAfter(run: Target["run"], requests: number) {
  const metrics = new Metrics();
  const source = fakeSourceKind();
  const target = fakeTargetKind(run);
  const binding = new Binding(fakeSpec("b"), { source: source.kind, target: target.kind }, {
    metrics,
    readFile: () => Promise.reject(new Error("no files")),
    onDead: () => {},
  });
  await binding.start();
  try {
    for (let i = 0; i < requests; i++) {
      await ask(source.created[0]!.handler!, { method: "m" });
    }
  } finally {
    await binding.stop(100);
  }
  const text = await metrics.text();
  return {
    out: sample(text, "kubemq_s3_uploaded_bytes_total"),
    in: sample(text, "kubemq_s3_downloaded_bytes_total"),
  };
}

Deno.test("metrics: bytesOut and bytesIn of a target's result add to the uploaded and downloaded bytes series", async () => {
  const moved = await bytesAfter(() => Promise.resolve({ bytesOut: 7, bytesIn: 5 }), 3);
  assert.deepEqual(moved, { out: 21, in: 15 });
});

Deno.test("metrics: a result without byte counts, or a failure, leaves the byte series at 0", async () => {
  assert.deepEqual(await bytesAfter(() => Promise.resolve({}), 2), { out: 0, in: 0 });
  const failing: Target["run"] = () =>
    Promise.reject(new ConnectorError("InvalidMetadata", "no", { retryable: false }));
  assert.deepEqual(await bytesAfter(failing, 2), { out: 0, in: 0 });
});
