/**
 * Config text (YAML, or JSON which is YAML too) to a plain tree, with errors and warnings at
 * `origin:line:col`. Parsed as YAML 1.1, like the original's yaml.v2: an unquoted `yes`, `no`,
 * `on`, `off`, `y` or `n` is a boolean. Scalars keep the text the user wrote, except booleans.
 */
import YAML, { LineCounter } from "yaml";
import { ConfigError } from "./config_error.ts";

/** A parsed YAML document: the tree and the YAML warnings, positioned. */
export interface YamlTree {
  tree: unknown;
  warnings: string[];
}

/** Parses config text; throws {@link ConfigError} on a syntax error, naming line and column. */
export function parseYaml(text: string, origin: string): YamlTree {
  const lineCounter = new LineCounter();
  const doc = YAML.parseDocument(text, { lineCounter, prettyErrors: false, version: "1.1" });
  const at = (pos: readonly [number, number]): string => {
    const { line, col } = lineCounter.linePos(pos[0]);
    return `${origin}:${line}:${col}`;
  };
  const warnings = doc.warnings.map((w) => `${at(w.pos)}: ${w.message}`);
  if (doc.errors.length > 0) {
    throw new ConfigError(doc.errors.map((e) => `${at(e.pos)}: ${yamlMessage(e)}`), [], origin);
  }

  // Scalars become the text the user wrote, so `client_id: 007` stays "007", `1.0` is not
  // silently read as an integer and a YAML 1.1 date stays a string. A boolean becomes "1" or
  // "0": what the original's mapstructure (weakly typed) makes of a boolean put into a string,
  // and what Go's ParseBool reads back.
  YAML.visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === "boolean") node.value = node.value ? "1" : "0";
      else if (node.value !== null && typeof node.value !== "string") {
        node.value = node.source ?? String(node.value);
      }
    },
  });
  try {
    return { tree: doc.toJS({ maxAliasCount: 100 }), warnings };
  } catch (err) {
    throw new ConfigError([`${origin}: ${(err as Error).message}`], [], origin);
  }
}

function yamlMessage(error: YAML.YAMLError): string {
  if (error.code === "MULTIPLE_DOCS") {
    return "several YAML documents (separated by ---) in one config; keep one";
  }
  return error.message;
}
