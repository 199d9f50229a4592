/**
 * Regenerates the method reference of docs/methods.md (between `<!-- methods:start -->` and
 * `<!-- methods:end -->`) and README.md's method index (`<!-- method-index:start -->`) from the
 * method registry, so neither can drift from the code (see tools/docs/method_reference.ts); and
 * the reliability figures of README.md (`<!-- reliability-figures:start -->`) and
 * docs/reliability.md (`reliability-figures`, `soak-long`) from the results files of the last
 * runs (see tools/docs/reliability_figures.ts).
 *
 * `deno task readme` rewrites them; `--check` exits 1 when any is out of date.
 */
import { formatMarkdown, replaceBlock, writeOrCheck } from "./docs/markdown.ts";
import { methodIndexMarkdown, methodsMarkdown } from "./docs/method_reference.ts";
import {
  readmeReliabilityMarkdown,
  reliabilityFiguresMarkdown,
  type SoakFile,
  soakLongMarkdown,
  type SummaryFile,
} from "./docs/reliability_figures.ts";

const README = new URL("../README.md", import.meta.url);
const METHODS = new URL("../docs/methods.md", import.meta.url);
const RELIABILITY = new URL("../docs/reliability.md", import.meta.url);
const RESULTS = new URL("../tests/reliability/results/", import.meta.url);

/** The results files the figures come from: the short profile's summary and the long soak. */
export interface ReliabilityResults {
  latest: SummaryFile;
  soakLong: SoakFile;
}

/** Reads tests/reliability/results/latest.json and soak_long.json. */
export async function readReliabilityResults(): Promise<ReliabilityResults> {
  const read = async (name: string) => JSON.parse(await Deno.readTextFile(new URL(name, RESULTS)));
  return { latest: await read("latest.json"), soakLong: await read("soak_long.json") };
}

/** README.md with its method index and reliability figures regenerated, formatted. */
export async function renderReadme(readme: string, results: ReliabilityResults): Promise<string> {
  const withIndex = replaceBlock(readme, "method-index", methodIndexMarkdown(), "README.md");
  const figures = readmeReliabilityMarkdown(results.latest, results.soakLong);
  return await formatMarkdown(
    replaceBlock(withIndex, "reliability-figures", figures, "README.md"),
  );
}

/** docs/reliability.md with its figures regenerated from the results files, formatted. */
export async function renderReliabilityDoc(
  doc: string,
  results: ReliabilityResults,
): Promise<string> {
  const file = "docs/reliability.md";
  const short = replaceBlock(
    doc,
    "reliability-figures",
    reliabilityFiguresMarkdown(results.latest),
    file,
  );
  return await formatMarkdown(
    replaceBlock(short, "soak-long", soakLongMarkdown(results.soakLong), file),
  );
}

/** docs/methods.md with its reference regenerated, formatted as deno fmt does. */
export async function renderMethodsDoc(doc: string): Promise<string> {
  return await formatMarkdown(replaceBlock(doc, "methods", methodsMarkdown(), "docs/methods.md"));
}

if (import.meta.main) {
  const check = Deno.args.includes("--check");
  const fix = "deno task readme";
  const results = await readReliabilityResults();
  const readme = await Deno.readTextFile(README);
  await writeOrCheck(README, readme, await renderReadme(readme, results), {
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
  const reliability = await Deno.readTextFile(RELIABILITY);
  await writeOrCheck(
    RELIABILITY,
    reliability,
    await renderReliabilityDoc(reliability, results),
    { check, label: "docs/reliability.md", fix },
  );
}
