// The documented examples (docs/methods.md is generated from them) show the original's response
// shapes: for each of the original's methods that answers JSON data, the example's response data
// has exactly the keys of the golden file, in order (tests/compat/methods_test.ts checks the same
// golden files against the real stack), so the docs cannot drift from what senders really get.
import assert from "node:assert/strict";
import { methodsByName } from "../../lib/targets/aws_s3/registry.ts";
import { ORIGINAL_METHODS } from "../../testing/original_methods.ts";
import { readGolden, shapeErrors } from "./_golden.ts";

// Left out: get_item (its data is the object's bytes) and the methods whose original sends no
// data (ours adds a report there: docs/compatibility.md).
const withData = ORIGINAL_METHODS.filter((m) => {
  const data = readGolden(m).data;
  return data !== null && data !== "bytes";
});

for (const name of withData) {
  Deno.test(`docs example of ${name} has exactly the keys of the original's response data`, () => {
    const method = methodsByName.get(name);
    assert.ok(method, `${name} is registered`);
    const shown = method.example.responseData ?? null;
    assert.ok(shown !== null, `${name}'s example shows no data; the original sends some`);
    assert.deepEqual(shapeErrors(JSON.parse(shown), readGolden(name).data), []);
  });
}
