/** The line counts of the KubeMQ transports (bench/transport_loc.ts). */
import assert from "node:assert/strict";
import { countLines, transportLoc } from "../../bench/transport_loc.ts";

Deno.test("countLines counts all lines and those that are neither blank nor comment", () => {
  const text = "/**\n * doc\n */\nconst a = 1; // why\n\n// note\n/* one */\nexport { a };\n";
  assert.deepEqual(countLines(text), { lines: 8, code: 2 });
});

Deno.test("transportLoc finds every transport's files and counts them", () => {
  const loc = transportLoc();
  assert.deepEqual(Object.keys(loc), ["lean", "connect-es", "grpc-js"]);
  const gen = loc["connect-es"]!.generated!;
  const text = Deno.readTextFileSync(new URL("../../" + gen.files[0], import.meta.url));
  assert.equal(gen.lines, text.split("\n").length - 1);
  assert.ok(loc["lean"]!.transport!.code > 0);
});
