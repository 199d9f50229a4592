/**
 * Regenerates the method reference of docs/methods.md (between `<!-- methods:start -->` and
 * `<!-- methods:end -->`) and README.md's method index (`<!-- method-index:start -->`) from the
 * method registry, so neither can drift from the code (see tools/docs/method_reference.ts).
 *
 * `deno task readme` rewrites both; `--check` exits 1 when either is out of date.
 */
import { formatMarkdown, replaceBlock, writeOrCheck } from "./docs/markdown.ts";
import { methodIndexMarkdown, methodsMarkdown } from "./docs/method_reference.ts";

const README = new URL("../README.md", import.meta.url);
const METHODS = new URL("../docs/methods.md", import.meta.url);

/** README.md with its method index regenerated, formatted as deno fmt does. */
export async function renderReadme(readme: string): Promise<string> {
  return await formatMarkdown(
    replaceBlock(readme, "method-index", methodIndexMarkdown(), "README.md"),
  );
}

/** docs/methods.md with its reference regenerated, formatted as deno fmt does. */
export async function renderMethodsDoc(doc: string): Promise<string> {
  return await formatMarkdown(replaceBlock(doc, "methods", methodsMarkdown(), "docs/methods.md"));
}

if (import.meta.main) {
  const check = Deno.args.includes("--check");
  const fix = "deno task readme";
  const readme = await Deno.readTextFile(README);
  await writeOrCheck(README, readme, await renderReadme(readme), {
    check,
    label: "README.md",
    fix,
  });
  const doc = await Deno.readTextFile(METHODS);
  await writeOrCheck(METHODS, doc, await renderMethodsDoc(doc), {
    check,
    label: "docs/methods.md",
    fix,
  });
}
