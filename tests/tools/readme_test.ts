import assert from "node:assert/strict";
import { methods } from "../../lib/targets/aws_s3/registry.ts";
import { renderMethodsDoc, renderReadme } from "../../tools/readme.ts";

const readme = Deno.readTextFileSync(new URL("../../README.md", import.meta.url));
const methodsDoc = Deno.readTextFileSync(new URL("../../docs/methods.md", import.meta.url));

Deno.test("README's method index is what the registry generates (run deno task readme)", async () => {
  assert.equal(await renderReadme(readme), readme);
});

Deno.test("docs/methods.md's method reference is what the registry generates (run deno task readme)", async () => {
  assert.equal(await renderMethodsDoc(methodsDoc), methodsDoc);
});

Deno.test("docs/methods.md documents every registered method with a section and an example", () => {
  for (const m of methods) {
    assert.ok(methodsDoc.includes(`### ${m.name}\n`), `no section for ${m.name}`);
    assert.ok(methodsDoc.includes(`"method": "${m.name}"`), `no example request for ${m.name}`);
  }
});

Deno.test("README links every registered method to its section in docs/methods.md", () => {
  for (const m of methods) {
    assert.ok(readme.includes(`(docs/methods.md#${m.name})`), `README does not list ${m.name}`);
  }
});
