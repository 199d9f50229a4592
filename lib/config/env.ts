/**
 * `${NAME}` expansion. References are expanded after YAML parsing, inside string values only, so
 * a variable's value can never change the structure of the config (no YAML injection through the
 * environment). `$${` is a literal `${`.
 */
import { quote } from "../errors.ts";
import { isPlainObject, join } from "./_tree.ts";

/** Where `${NAME}` references are looked up: a lookup function or a plain record. */
export type Env =
  | ((name: string) => string | undefined)
  | Readonly<Record<string, string | undefined>>;

/** Looks a variable up in either form of {@link Env}. */
export function lookupEnv(env: Env, name: string): string | undefined {
  if (typeof env === "function") return env(name);
  return Object.hasOwn(env, name) ? env[name] : undefined;
}

/** The expanded tree and what expansion found. */
export interface Expanded {
  /** The tree with every string expanded; a string that failed is undefined. */
  tree: unknown;
  /** One error per failed path, each naming it. */
  errors: string[];
  /** Paths whose value failed: already reported, so validation says nothing more of them. */
  failed: Set<string>;
  /** Names of the variables referenced. */
  used: Set<string>;
}

/** Expands `${NAME}` in every string of `tree`. */
export function expandEnv(tree: unknown, env: Env): Expanded {
  const result: Expanded = { tree: undefined, errors: [], failed: new Set(), used: new Set() };
  result.tree = expandNode(tree, "", env, result);
  return result;
}

function expandNode(node: unknown, path: string, env: Env, out: Expanded): unknown {
  if (typeof node === "string") return expandString(node, path, env, out);
  if (Array.isArray(node)) {
    return node.map((item, i) => expandNode(item, `${path}[${i}]`, env, out));
  }
  if (isPlainObject(node)) {
    const result: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
      result[key] = expandNode(value, join(path, key), env, out);
    }
    return result;
  }
  return node;
}

function expandString(value: string, path: string, env: Env, out: Expanded): string | undefined {
  let ok = true;
  const fail = (message: string) => {
    // One error per value, even when several of its references are wrong.
    if (!out.failed.has(path)) out.errors.push(`${path}: ${message}`);
    out.failed.add(path);
    ok = false;
    return "";
  };
  const result = value.replace(
    /\$\$\{|\$\{([^}]*)(\}?)/g,
    (match, name: string | undefined, close: string | undefined) => {
      if (match === "$${") return "${";
      if (close === "") {
        return fail(`unterminated "\${" (write "$\${" for a literal "\${")`);
      }
      if (name === undefined || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
        return fail(
          `${
            quote(match)
          } is not a valid environment variable reference (write "$\${" for a literal "\${")`,
        );
      }
      out.used.add(name);
      const found = lookupEnv(env, name);
      if (found === undefined) return fail(`environment variable ${name} is not set`);
      return found;
    },
  );
  return ok ? result : undefined;
}
