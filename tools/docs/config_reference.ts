/**
 * The property tables of docs/configuration.md, generated from the schemas the config loader
 * validates with: the top-level settings, the binding middleware, and one section per kind of
 * the kind registry. Examples come from the fields themselves (`example`), and each must parse
 * with its field's own parser, so a new, renamed or re-typed property fails the generator until
 * its example is right.
 *
 * A registered kind without a section gets one, inserted before `<!-- config:new-kinds -->`;
 * a section for a kind that is not registered is an error.
 */
import { appProperties } from "../../lib/config/app_config.ts";
import { middlewareAliases, middlewareProperties } from "../../lib/config/middleware_options.ts";
import { kindRegistry, type KindSet } from "../../lib/kind_registry.ts";
import type { Field, Schema } from "../../lib/schema.ts";
import { cell, code, hasBlock, markers, replaceBlock } from "./markdown.ts";

/** One generated table: a schema, and the aliases its keys also accept. */
export interface Section {
  schema: Schema;
  aliases?: Readonly<Record<string, string>>;
  /** Heading and intro of a section the generator adds (kinds only). */
  heading?: string;
  intro?: string;
}

/** The sections of the reference by block name: `top`, `middleware`, `source:<kind>`, `target:<kind>`. */
export function sections(kinds: KindSet = kindRegistry): Map<string, Section> {
  const out = new Map<string, Section>([
    ["top", { schema: appProperties }],
    ["middleware", { schema: middlewareProperties, aliases: middlewareAliases }],
  ]);
  for (const [role, list] of [["source", kinds.sources], ["target", kinds.targets]] as const) {
    for (const kind of list) {
      out.set(`${role}:${kind.kind}`, {
        schema: kind.properties,
        heading: `${role === "source" ? "Source" : "Target"} \`${kind.kind}\``,
        intro: `${kind.description} Properties: \`bindings[].${role}.properties\`.`,
      });
    }
  }
  return out;
}

/** An integer field's range, read from its own parser's error so it cannot drift. */
function range(field: Field<unknown>): string {
  if (field.type !== "integer") return "";
  try {
    field.parse("not a number");
  } catch (err) {
    const m = /an integer from (-?\d+) to (-?\d+)/.exec((err as Error).message);
    if (m) return ` (${m[1]}–${m[2]})`;
  }
  return "";
}

function typeOf(field: Field<unknown>): string {
  if (field.values) return field.values.map((v) => (v === "" ? '""' : v)).join(" | ");
  return field.type + range(field);
}

/** The field's example; throws when it has none or it does not parse. */
function exampleOf(name: string, key: string, field: Field<unknown>): string {
  const example = field.example;
  if (example === undefined) throw new Error(`${name}: property ${key} has no example`);
  // `${VAR}` examples are expanded before parsing; they stand for a value of the type.
  if (!example.startsWith("${")) {
    try {
      field.parse(example);
    } catch (err) {
      throw new Error(`${name}: example ${key}=${example} is invalid: ${(err as Error).message}`);
    }
  }
  return example;
}

/** The table of one section; throws when an example is missing, unknown or invalid. */
export function table(name: string, section: Section): string {
  const keys = Object.keys(section.schema);
  const rows = [
    "| Property | Type | Required | Default | Example | Description |",
    "| :--- | :--- | :--- | :--- | :--- | :--- |",
  ];
  for (const key of keys) {
    const field = section.schema[key]!;
    const example = exampleOf(name, key, field);
    const aliases = Object.entries(section.aliases ?? {})
      .filter(([alias, target]) => target === key && !field.description.includes(alias))
      .map(([alias]) => ` Also accepted as ${code(alias)}.`)
      .join("");
    const secret = field.secret === true ? " Secret: never logged or served." : "";
    const dflt = field.default === undefined
      ? ""
      : code(field.default === "" ? '""' : field.default);
    rows.push(
      `| ${code(key)} | ${cell(typeOf(field))} | ${field.required ? "yes" : "no"} | ${dflt} | ${
        code(example)
      } | ${cell(field.description + aliases + secret)} |`,
    );
  }
  return rows.join("\n");
}

/** Where the generator adds the section of a kind that has none yet. */
export const NEW_KINDS = "<!-- config:new-kinds -->";

/**
 * Replaces every generated block of docs/configuration.md, adding a section for each registered
 * kind that has none; throws on a missing marker or a block of an unregistered kind.
 */
export function renderConfigReference(text: string, kinds: KindSet = kindRegistry): string {
  const all = sections(kinds);
  for (const m of text.matchAll(/<!-- config:([^ ]+):start -->/g)) {
    if (!all.has(m[1]!)) throw new Error(`docs/configuration.md: no registered kind for ${m[0]}`);
  }
  let out = text;
  for (const [name, section] of all) {
    const block = `config:${name}`;
    if (!hasBlock(out, block) && section.heading !== undefined) {
      const at = out.indexOf(NEW_KINDS);
      if (at < 0) throw new Error(`docs/configuration.md lacks ${NEW_KINDS}`);
      const { start, end } = markers(block);
      const added = `## ${section.heading}\n\n${section.intro ?? ""}\n\n${start}\n${end}\n\n`;
      out = `${out.slice(0, at)}${added}${out.slice(at)}`;
    }
    out = replaceBlock(out, block, table(name, section), "docs/configuration.md");
  }
  return out;
}
