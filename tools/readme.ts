/**
 * Generates the README's method reference from the method registry (between the markers
 * `<!-- methods:start -->` and `<!-- methods:end -->`) and its configuration tables from the
 * schemas (`<!-- config:NAME:start -->`), so the docs cannot drift from the code.
 *
 * `deno run --allow-read --allow-write --allow-run tools/readme.ts` rewrites README.md;
 * `--check` exits 1 when README.md is out of date.
 */
import type { Method } from "../lib/targets/aws_s3/method.ts";
import { methods } from "../lib/targets/aws_s3/registry.ts";
import { render as renderConfigTables } from "./gen_config_docs.ts";

const START = "<!-- methods:start -->";
const END = "<!-- methods:end -->";

const cell = (text: string) => text.replaceAll("|", "\\|").replaceAll("\n", " ");

function example(m: Method): string {
  const data = m.example.data === undefined || m.example.data === null
    ? null
    : new TextEncoder().encode(m.example.data).toBase64();
  const request = JSON.stringify({ metadata: m.example.metadata, data }, null, 2);
  const responseData = m.example.responseData ?? null;
  const response = [
    "{",
    `  "metadata": ${JSON.stringify(m.example.response)},`,
    `  "data": ${responseData === null ? "null" : `"<base64 of: ${responseData}>"`},`,
    `  "is_error": false,`,
    `  "error": ""`,
    "}",
  ].join("\n");
  return `Request:\n\n\`\`\`json\n${request}\n\`\`\`\n\nResponse:\n\n\`\`\`\n${response}\n\`\`\``;
}

function metadataTable(m: Method): string {
  const rows = [
    "| Metadata key | Required | Default | Description |",
    "| :--- | :--- | :--- | :--- |",
    `| method | yes | | "${m.name}" |`,
  ];
  for (const [key, field] of Object.entries(m.metadata)) {
    const values = field.values ? ` One of: ${field.values.join(", ")}.` : "";
    rows.push(
      `| ${key} | ${field.required ? "yes" : "no"} | ${field.default ?? ""} | ${
        cell(field.description + values)
      } |`,
    );
  }
  if (m.data !== "none") {
    rows.push(
      `| (data) | ${m.data === "required" ? "yes" : "no"} | | ${
        cell(m.dataDescription ?? "Request data.")
      } |`,
    );
  }
  return rows.join("\n");
}

/** The generated markdown for all methods. */
export function methodsMarkdown(list: readonly Method[] = methods): string {
  const summary = [
    "| Method | What it does |",
    "| :--- | :--- |",
    ...list.map((m) => `| [${m.name}](#${m.name.replaceAll("_", "_")}) | ${cell(m.description)} |`),
  ].join("\n");
  const sections = list.map((m) =>
    `### ${m.name}\n\n${m.description}\n\n${metadataTable(m)}\n\n${example(m)}`
  );
  return `${summary}\n\n${sections.join("\n\n")}`;
}

/** Formats markdown exactly as `deno fmt` does, so `deno fmt --check` agrees. */
export async function formatMarkdown(text: string): Promise<string> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["fmt", "--ext=md", "-"],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(text));
  await writer.close();
  const out = await child.output();
  if (!out.success) throw new Error("deno fmt failed on the generated README");
  return new TextDecoder().decode(out.stdout);
}

/** README text with the generated block replaced, formatted as deno fmt does. */
export async function renderReadme(readme: string): Promise<string> {
  const a = readme.indexOf(START);
  const b = readme.indexOf(END);
  if (a < 0 || b < a) throw new Error(`README.md lacks the ${START} ... ${END} markers`);
  // The configuration tables come from the same generator as docs/configuration.md.
  return await formatMarkdown(renderConfigTables(
    `${readme.slice(0, a + START.length)}\n${methodsMarkdown()}\n${readme.slice(b)}`,
  ));
}

if (import.meta.main) {
  const path = new URL("../README.md", import.meta.url);
  const current = await Deno.readTextFile(path);
  const next = await renderReadme(current);
  if (Deno.args.includes("--check")) {
    if (next !== current) {
      Deno.stderr.writeSync(
        new TextEncoder().encode("README.md is out of date: run deno task readme\n"),
      );
      Deno.exit(1);
    }
  } else if (next !== current) {
    await Deno.writeTextFile(path, next);
  }
}
