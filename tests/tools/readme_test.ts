import assert from "node:assert/strict";
import { methods } from "../../lib/targets/aws_s3/registry.ts";
import {
  readReliabilityResults,
  renderMethodsDoc,
  renderReadme,
  renderReliabilityDoc,
} from "../../tools/readme.ts";

const readme = Deno.readTextFileSync(new URL("../../README.md", import.meta.url));
const methodsDoc = Deno.readTextFileSync(new URL("../../docs/methods.md", import.meta.url));
const reliabilityDoc = Deno.readTextFileSync(
  new URL("../../docs/reliability.md", import.meta.url),
);
/**
 * The results as committed: the suite rewrites latest.json while it runs (this file among the
 * others), so the docs are checked against the file they were generated from, HEAD's. Outside a
 * git checkout, the file as it is (`deno task check` compares the working tree, before tests run).
 */
async function committedResults(): Promise<Awaited<ReturnType<typeof readReliabilityResults>>> {
  const current = await readReliabilityResults();
  const show = async (path: string) => {
    try {
      const out = await new Deno.Command("git", {
        args: ["show", `HEAD:${path}`],
        cwd: new URL("../../", import.meta.url),
        stdout: "piped",
        stderr: "null",
      }).output();
      return out.code === 0 ? JSON.parse(new TextDecoder().decode(out.stdout)) : undefined;
    } catch {
      return undefined;
    }
  };
  return {
    latest: (await show("tests/reliability/results/latest.json")) ?? current.latest,
    soakLong: (await show("tests/reliability/results/soak_long.json")) ?? current.soakLong,
  };
}
const results = await committedResults();

Deno.test("README's method index and reliability figures are what the registry and results generate (run deno task readme)", async () => {
  assert.equal(await renderReadme(readme, results), readme);
});

Deno.test("docs/reliability.md's figures are what the results files generate (run deno task readme)", async () => {
  assert.equal(await renderReliabilityDoc(reliabilityDoc, results), reliabilityDoc);
});

Deno.test("a results file with another figure than the docs quote makes README and docs/reliability.md drift", async () => {
  const latest = structuredClone(results.latest);
  latest.totals.casesTried += 1;
  const soakLong = { ...results.soakLong, requestsServed: results.soakLong.requestsServed + 1 };
  const next = { latest, soakLong };
  assert.notEqual(await renderReadme(readme, next), readme);
  assert.notEqual(
    await renderReliabilityDoc(reliabilityDoc, { ...results, soakLong }),
    reliabilityDoc,
  );
  assert.notEqual(
    await renderReliabilityDoc(reliabilityDoc, { ...results, latest }),
    reliabilityDoc,
  );
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
