import assert from "node:assert/strict";
import { methods } from "../lib/targets/aws_s3/registry.ts";
import { renderReadme } from "../tools/readme.ts";

const readme = Deno.readTextFileSync(new URL("../README.md", import.meta.url));

Deno.test("README's method reference is what the registry generates (run deno task readme)", async () => {
  assert.equal(await renderReadme(readme), readme);
});

Deno.test("README documents every registered method with a section and an example", () => {
  for (const m of methods) {
    assert.ok(readme.includes(`### ${m.name}\n`), `no section for ${m.name}`);
    assert.ok(readme.includes(`"method": "${m.name}"`), `no example request for ${m.name}`);
  }
});
