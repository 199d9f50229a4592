import assert from "node:assert/strict";
import { formatTraceParent, parseTraceParent } from "../../lib/trace/traceparent.ts";

const TRACE = "0af7651916cd43dd8448eb211c80319c";
const SPAN = "b7ad6b7169203331";

Deno.test("parseTraceParent reads the W3C example and formatTraceParent writes it back", () => {
  const value = `00-${TRACE}-${SPAN}-01`;
  const parsed = parseTraceParent(value);
  assert.deepEqual(parsed, { traceId: TRACE, spanId: SPAN, flags: 1 });
  assert.equal(formatTraceParent(parsed!), value);
  assert.deepEqual(parseTraceParent(`00-${TRACE}-${SPAN}-00`)?.flags, 0);
  // Surrounding blanks, as a tag value might carry them.
  assert.deepEqual(parseTraceParent(` ${value} `), parsed);
});

Deno.test("parseTraceParent rejects what the spec calls invalid, so the trace starts anew", () => {
  for (
    const bad of [
      undefined,
      "",
      "garbage",
      `00-${TRACE.toUpperCase()}-${SPAN}-01`,
      `00-${"0".repeat(32)}-${SPAN}-01`,
      `00-${TRACE}-${"0".repeat(16)}-01`,
      `ff-${TRACE}-${SPAN}-01`,
      `00-${TRACE}-${SPAN}-01-extra`,
      `00-${TRACE.slice(1)}-${SPAN}-01`,
      `00-${TRACE}-${SPAN}-1`,
    ]
  ) {
    assert.equal(parseTraceParent(bad), null, String(bad));
  }
});

Deno.test("parseTraceParent accepts a later version's extra fields", () => {
  assert.deepEqual(parseTraceParent(`01-${TRACE}-${SPAN}-03-future`), {
    traceId: TRACE,
    spanId: SPAN,
    flags: 3,
  });
});
