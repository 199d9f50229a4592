/**
 * Config text (YAML, or JSON which is YAML too) to a plain tree, with errors and warnings at
 * `origin:line:col`. Scalars keep the text the user wrote.
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
  const doc = YAML.parseDocument(text, { lineCounter, prettyErrors: false });
  const at = (pos: readonly [number, number]): string => {
    const { line, col } = lineCounter.linePos(pos[0]);
    return `${origin}:${line}:${col}`;
  };
  const warnings = doc.warnings.map((w) => `${at(w.pos)}: ${w.message}`);
  if (doc.errors.length > 0) {
    throw new ConfigError(doc.errors.map((e) => `${at(e.pos)}: ${yamlMessage(e)}`), [], origin);
  }

  // Scalars become the text the user wrote, so `client_id: 007` stays "007" and `1.0` is not
  // silently read as an integer; booleans become "true"/"false" as the original expects.
  YAML.visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === "number" || typeof node.value === "bigint") {
        node.value = node.source ?? String(node.value);
      } else if (typeof node.value === "boolean") {
        node.value = String(node.value);
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
