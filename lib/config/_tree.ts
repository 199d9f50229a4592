/** Helpers for walking a parsed config tree: paths as users read them, values as words. */
import { quote } from "../errors.ts";

/** `bindings[0]` + `name` is `bindings[0].name`; a key that is not an identifier is `["a b"]`. */
export function join(path: string, key: string): string {
  const part = /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) ? key : `[${JSON.stringify(key)}]`;
  if (path === "") return part;
  return part.startsWith("[") ? `${path}${part}` : `${path}.${part}`;
}

/** A value named for an error text: "a list", "a mapping", `the number "5"`. */
export function describe(value: unknown): string {
  if (value === null || value === undefined) return "nothing";
  if (Array.isArray(value)) return value.length === 0 ? "an empty list" : "a list";
  if (typeof value === "object") return "a mapping";
  return `the ${typeof value} ${quote(value)}`;
}

/** A YAML mapping (not a list, null or URL). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) &&
    !(value instanceof URL);
}
