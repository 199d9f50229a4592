/**
 * Regenerates the property tables of docs/configuration.md from the schemas (see
 * tools/docs/config_reference.ts), formatted by `deno fmt` so `deno fmt --check` agrees.
 *
 * `deno run -R -W --allow-run tools/gen_config_docs.ts` rewrites the file; `--check` exits 1
 * when it is out of date.
 */
import { renderConfigReference } from "./docs/config_reference.ts";
import { formatMarkdown, writeOrCheck } from "./docs/markdown.ts";

const DOC = new URL("../docs/configuration.md", import.meta.url);

/** docs/configuration.md with every generated block replaced and formatted. */
export async function renderConfigurationDoc(text: string): Promise<string> {
  return await formatMarkdown(renderConfigReference(text));
}

if (import.meta.main) {
  const current = await Deno.readTextFile(DOC);
  await writeOrCheck(DOC, current, await renderConfigurationDoc(current), {
    check: Deno.args.includes("--check"),
    label: "docs/configuration.md",
    fix: "deno run -R -W --allow-run tools/gen_config_docs.ts",
  });
}
