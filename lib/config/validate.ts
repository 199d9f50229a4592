/**
 * Validation of the parsed config tree: structure, unique binding names, known kinds, each
 * kind's properties against its schema, and its cross-field checks. Every problem names its
 * path (`bindings[0].target.properties.region is required`).
 */
import { quote } from "../errors.ts";
import type { KindSet, Role } from "../kinds/kind_set.ts";
import { type FieldError, FieldErrors, type Parsed, parseFields, type Schema } from "../schema.ts";
import { describe, isPlainObject, join } from "./_tree.ts";
import { foldKeys } from "./fold_keys.ts";
import {
  type AppConfig,
  appProperties,
  type BindingConfig,
  type EndpointConfig,
} from "./app_config.ts";
import {
  middlewareAliases,
  type MiddlewareOptions,
  middlewareProperties,
  parseMiddlewareOptions,
} from "./middleware_options.ts";

const TOP_LEVEL_KEYS = new Set([...Object.keys(appProperties), "bindings"]);
const BINDING_KEYS = new Set(["name", "properties", "source", "target"]);
const ENDPOINT_KEYS = new Set(["kind", "name", "properties"]);
const MIDDLEWARE_KEYS = new Set([
  ...Object.keys(middlewareProperties),
  ...Object.keys(middlewareAliases),
]);

/**
 * Walks the parsed, expanded tree once, collecting every error and warning, and builds the
 * typed configuration with each kind's own schema and cross-field checks.
 */
export class Validator {
  readonly errors: string[];
  /** Paths whose value had a problem already reported, so nothing else is said of them. */
  readonly #failed: Set<string>;
  /** Names of the bindings seen so far, by index, to name them in property errors. */
  readonly #bindingNames = new Map<number, string>();
  readonly #kinds: KindSet;

  /**
   * `errors` and `failed` carry what an earlier step (`${ENV}` expansion) found, so its errors
   * come first and its failed paths are not reported twice.
   */
  constructor(
    kinds: KindSet,
    readonly warnings: string[],
    errors: readonly string[] = [],
    failed: ReadonlySet<string> = new Set(),
  ) {
    this.errors = [...errors];
    this.#failed = new Set(failed);
    this.#kinds = kinds;
  }

  #failedUnder(path: string): boolean {
    return [...this.#failed].some((p) => p.startsWith(`${path}.`) || p.startsWith(`${path}[`));
  }

  #error(path: string, message: string): void {
    if (!this.#failed.has(path)) this.errors.push(message);
  }

  app(tree: unknown): AppConfig | undefined {
    // An empty file is an empty config, as in the original: no bindings, the API still serves.
    if (tree === null || tree === undefined) tree = {};
    if (!isPlainObject(tree)) {
      this.#error(
        "",
        `the top level must be a mapping with a bindings list, got ${describe(tree)}`,
      );
      return undefined;
    }
    const top = this.#fold(tree, TOP_LEVEL_KEYS, "");
    for (const key of Object.keys(top)) {
      if (!TOP_LEVEL_KEYS.has(key)) {
        this.warnings.push(`${join("", key)}: unknown top-level key, ignored`);
      }
    }
    const raw = this.#strings(
      Object.fromEntries(Object.entries(top).filter(([k]) => Object.hasOwn(appProperties, k))),
      "",
    );
    const settings = this.#parse(appProperties, raw, "");
    const bindings = this.#bindings(top["bindings"]);
    if (settings === undefined || bindings === undefined) return undefined;
    return { ...settings, bindings };
  }

  #bindings(node: unknown): BindingConfig[] | undefined {
    // Like the original's newest code: no bindings is valid, and only the HTTP API serves.
    if (node === null || node === undefined || (Array.isArray(node) && node.length === 0)) {
      this.warnings.push("bindings: none configured; only the HTTP API serves");
      return [];
    }
    if (!Array.isArray(node)) {
      this.#error("bindings", `bindings: expected a list of bindings, got ${describe(node)}`);
      return undefined;
    }
    const out: (BindingConfig | undefined)[] = node.map((b, i) => this.#binding(b, i));
    this.#uniqueNames(node);
    return out.every((b) => b !== undefined) ? out : undefined;
  }

  #binding(item: unknown, index: number): BindingConfig | undefined {
    const path = `bindings[${index}]`;
    if (!isPlainObject(item)) {
      this.#error(
        path,
        `${path}: expected a mapping with name, source and target, got ${describe(item)}`,
      );
      return undefined;
    }
    const node = this.#fold(item, BINDING_KEYS, path);
    this.#unknownKeys(node, BINDING_KEYS, path, "binding key");
    const name = this.#requiredString(node["name"], join(path, "name"));
    if (name !== undefined) this.#bindingNames.set(index, name);
    const middlewarePath = join(path, "properties");
    const rawMiddleware = this.#properties(node["properties"], middlewarePath);
    let middleware: MiddlewareOptions | undefined;
    if (rawMiddleware !== undefined) {
      const folded = this.#fold(rawMiddleware, MIDDLEWARE_KEYS, middlewarePath);
      this.#unknownKeys(folded, MIDDLEWARE_KEYS, middlewarePath, "binding property");
      try {
        middleware = parseMiddlewareOptions(folded);
      } catch (err) {
        if (!(err instanceof FieldErrors)) throw err;
        this.#fieldErrors(err, middlewarePath, middlewareProperties);
      }
    }
    const source = this.#endpoint(node["source"], join(path, "source"), "source");
    const target = this.#endpoint(node["target"], join(path, "target"), "target");
    if (
      name === undefined || middleware === undefined || source === undefined ||
      target === undefined
    ) return undefined;
    return { name, middleware, source, target };
  }

  #uniqueNames(bindings: readonly unknown[]): void {
    const byName = new Map<string, number[]>();
    bindings.forEach((b, i) => {
      const name = isPlainObject(b) ? b["name"] : undefined;
      if (typeof name !== "string" || name.trim() === "") return;
      byName.set(name, [...(byName.get(name) ?? []), i]);
    });
    for (const [name, [first, ...others]] of byName) {
      if (others.length === 0) continue;
      const list = others.map((i) => `bindings[${i}]`);
      const names = list.length === 1
        ? list[0]
        : `${list.slice(0, -1).join(", ")} and ${list[list.length - 1]}`;
      this.#error("", `bindings[${first}].name ${quote(name)} is used by ${names} too`);
    }
  }

  #endpoint(item: unknown, path: string, role: Role): EndpointConfig | undefined {
    if (item === null || item === undefined) {
      this.#error(path, `${path} is required`);
      return undefined;
    }
    if (!isPlainObject(item)) {
      this.#error(
        path,
        `${path}: expected a mapping with kind, name and properties, got ${describe(item)}`,
      );
      return undefined;
    }
    const node = this.#fold(item, ENDPOINT_KEYS, path);
    this.#unknownKeys(node, ENDPOINT_KEYS, path, `${role} key`);
    const kindName = this.#requiredString(node["kind"], join(path, "kind"));
    // Omitted, the name is "" as in the original (its metric labels show ""); logs show the kind.
    const name = node["name"] === undefined || node["name"] === null || node["name"] === ""
      ? ""
      : this.#requiredString(node["name"], join(path, "name"));
    const propertiesPath = join(path, "properties");
    let properties = this.#properties(node["properties"], propertiesPath);
    if (kindName === undefined) return undefined;

    const kind = this.#kinds[role](kindName);
    if (kind === undefined) {
      const other: Role = role === "source" ? "target" : "source";
      const hint = this.#kinds[other](kindName) ? ` (it is a ${other} kind)` : "";
      const list = role === "source" ? this.#kinds.sources : this.#kinds.targets;
      const known = list.map((k) => k.kind).sort().map((k) => `"${k}"`).join(", ");
      this.#error(
        join(path, "kind"),
        `${join(path, "kind")}: unknown ${role} kind ${
          quote(kindName)
        }${hint}; known ${role} kinds: ${known || "none"}`,
      );
      return undefined;
    }
    if (properties === undefined || name === undefined) return undefined;
    properties = this.#fold(properties, Object.keys(kind.properties), propertiesPath);
    this.#unknownKeys(
      properties,
      new Set(Object.keys(kind.properties)),
      propertiesPath,
      `property of ${role} kind "${kindName}"`,
    );
    const options = this.#parse(kind.properties, properties, propertiesPath);
    if (options === undefined) return undefined;
    // Cross-field checks see the whole map, so a value dropped for a `${...}` error would make
    // them report nonsense.
    if (this.#failedUnder(propertiesPath)) return undefined;
    const problems = kind.validate?.(options) ?? [];
    for (const problem of problems) this.#error(propertiesPath, `${propertiesPath}: ${problem}`);
    if (problems.length > 0) return undefined;
    return { kind: kindName, name, properties, options };
  }

  /** Reads a `properties` mapping: absent or null is empty; values must be scalars. */
  #properties(node: unknown, path: string): Record<string, string> | undefined {
    if (node === null || node === undefined) return {};
    if (!isPlainObject(node)) {
      this.#error(path, `${path}: expected a mapping of strings, got ${describe(node)}`);
      return undefined;
    }
    return this.#strings(node, path);
  }

  /**
   * Keeps the scalar values of a mapping as strings (null as ""); a nested value is an error.
   * Values that failed `${...}` expansion are left out (already reported).
   */
  #strings(node: Record<string, unknown>, path: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [key, value] of Object.entries(node)) {
      const p = join(path, key);
      if (value === undefined) continue;
      if (value === null) out[key] = "";
      else if (typeof value === "string") out[key] = value;
      else if (Array.isArray(value) || isPlainObject(value)) {
        const hint = isPlainObject(value)
          ? ` (write JSON as a quoted string, e.g. '{"k":"v"}')`
          : "";
        this.#error(p, `${p}: expected a string, got ${describe(value)}${hint}`);
        // Marked so the schema does not add "is required" for the same key.
        this.#failed.add(p);
      } else out[key] = String(value);
    }
    return out;
  }

  #requiredString(node: unknown, path: string): string | undefined {
    // Only "" is missing: a blank value is a value, as the original's checks (`== ""`) see it.
    if (node === undefined || node === null || node === "") {
      this.#error(path, `${path} is required`);
      return undefined;
    }
    if (typeof node !== "string") {
      this.#error(path, `${path}: expected a string, got ${describe(node)}`);
      return undefined;
    }
    return node;
  }

  #parse<S extends Schema>(
    schema: S,
    raw: Record<string, string>,
    path: string,
  ): Parsed<S> | undefined {
    try {
      return parseFields(schema, raw);
    } catch (err) {
      if (!(err instanceof FieldErrors)) throw err;
      this.#fieldErrors(err, path, schema);
      return undefined;
    }
  }

  #fieldErrors(err: FieldErrors, path: string, schema: Schema): void {
    // A bad property value names its binding too, not only its position in the list.
    const index = /^bindings\[(\d+)\]/.exec(path)?.[1];
    const name = index === undefined ? undefined : this.#bindingNames.get(Number(index));
    const suffix = name === undefined ? "" : ` (binding ${quote(name)})`;
    for (const e of err.errors) {
      const named = e.reason === "missing" ? "" : suffix;
      this.#error(join(path, e.key), fieldMessage(path, e, schema) + named);
    }
  }

  /** Matches `node`'s keys to `known` without regard to case (see fold_keys.ts). */
  #fold<T>(node: Record<string, T>, known: Iterable<string>, path: string): Record<string, T> {
    const folded = foldKeys(node, known, path);
    for (const e of folded.errors) this.#error(path, e);
    return folded.node as Record<string, T>;
  }

  #unknownKeys(node: object, known: ReadonlySet<string>, path: string, what: string): void {
    for (const key of Object.keys(node)) {
      if (!known.has(key)) this.warnings.push(`${join(path, key)}: unknown ${what}, ignored`);
    }
  }
}

/** `bindings[0].target.properties.uploader: expected "true" or "false" (also accepted: 1, t, T, TRUE, True, 0, f, F, FALSE, False), got "yes"`. */
function fieldMessage(path: string, e: FieldError, schema: Schema): string {
  const p = join(path, e.key);
  if (e.reason === "missing") return `${p} is required`;
  // A secret's value must not reach logs, even when it is malformed.
  const got = schema[e.key]?.secret === true ? "a value (secret, not shown)" : quote(e.value);
  return `${p}: expected ${e.expected}, got ${got}`;
}
