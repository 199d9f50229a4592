import assert from "node:assert/strict";
import type { ReceivedSpan } from "../../testing/otlp_receiver.ts";
import { formatSpanTree } from "../../testing/span_tree.ts";

function span(spanId: string, parentSpanId: string, name: string, start: number): ReceivedSpan {
  return {
    traceId: "t1",
    spanId,
    parentSpanId,
    traceState: "",
    name,
    kind: 1,
    scope: "s",
    service: "svc",
    attributes: { a: 1 },
    status: { code: name === "bad" ? 2 : 0, message: name === "bad" ? "why" : "" },
    startNs: BigInt(start * 1e6),
    endNs: BigInt((start + 2) * 1e6),
  };
}

Deno.test("formatSpanTree draws children under parents in start order, a remote parent on top", () => {
  const tree = formatSpanTree([
    span("c2", "p", "second", 3),
    span("p", "remote", "request", 0),
    span("c1", "p", "bad", 1),
    span("g", "c1", "attempt", 1),
  ], { remoteParent: "sender", attributes: ["a"] });
  assert.equal(
    tree,
    [
      "trace t1",
      "sender span=remote",
      "└─ request [s] 2.0 ms span=p a=1",
      '   ├─ bad [s] 2.0 ms ERROR("why") span=c1 a=1',
      "   │  └─ attempt [s] 2.0 ms span=g a=1",
      "   └─ second [s] 2.0 ms span=c2 a=1",
    ].join("\n"),
  );
});
