/**
 * Loading and validating config.yaml: everything is checked before anything starts, and every
 * problem is reported at once, each naming its path (`bindings[0].target.properties.region`).
 *
 * Values may reference environment variables as `${NAME}`; write `$${` for a literal `${`.
 * References are expanded after YAML parsing, inside string values only, so a variable's value
 * can never change the structure of the config (no YAML injection through the environment).
 *
 * @example
 * ```ts
 * const { config, warnings } = await loadConfig({ env: Deno.env.toObject(), kinds: kindRegistry });
 * ```
 */
import YAML, { LineCounter } from "yaml";
import { quote } from "../errors.ts";
import type { KindSet } from "../kind_registry.ts";
import type { SourceKind, TargetKind } from "../kinds.ts";
import {
  bool,
  type FieldError,
  FieldErrors,
  int,
  oneOf,
  type Parsed,
  parseFields,
  type Schema,
  text,
} from "../schema.ts";
import {
  middlewareAliases,
  type MiddlewareOptions,
  middlewareProperties,
  parseMiddlewareOptions,
} from "./middleware_options.ts";

/** The top-level settings besides `bindings`, as written in config.yaml. */
export const appProperties = {
  apiPort: int({
    description: "Port of the HTTP API (health, readiness, metrics). 0 picks a free port.",
    default: "8080",
    min: 0,
    max: 65535,
  }),
  apiHost: text({ description: "Address the HTTP API listens on.", default: "0.0.0.0" }),
  enableRequestApi: bool({
    description: "Enables POST /bindings/request, which runs a request directly on a binding.",
    default: "false",
  }),
  drainTimeoutSeconds: int({
    description: "On shutdown, how long in-flight requests get to finish.",
    default: "30",
    min: 0,
    max: 3600,
  }),
  logFormat: oneOf(["json", "text"] as const, {
    description: "json: one JSON object per line; text: human-readable lines.",
    default: "json",
  }),
} as const;

/** One side of a binding: a source or a target. */
export interface EndpointConfig {
  kind: string;
  /** Name for logs and metric labels; the kind when not given. */
  name: string;
  /** The properties as written, after `${ENV}` expansion, scalars as strings. */
  properties: Record<string, string>;
  /** The properties parsed by the kind's schema (`Parsed<typeof kind.properties>`). */
  options: unknown;
}

/** One binding: requests from a source run on a target, through the binding middleware. */
export interface BindingConfig {
  name: string;
  middleware: MiddlewareOptions;
  source: EndpointConfig;
  target: EndpointConfig;
}

/** The whole validated configuration. */
export interface AppConfig extends Parsed<typeof appProperties> {
  bindings: BindingConfig[];
}

/** Where `${NAME}` references are looked up: a lookup function or a plain record. */
export type Env =
  | ((name: string) => string | undefined)
  | Readonly<Record<string, string | undefined>>;

/** The configuration is invalid; `errors` lists every problem, one sentence each. */
export class ConfigError extends Error {
  constructor(
    readonly errors: readonly string[],
    readonly warnings: readonly string[] = [],
    origin = "config.yaml",
  ) {
    const n = errors.length;
    super(
      `Invalid configuration in ${origin} (${n} error${n === 1 ? "" : "s"}):\n` +
        errors.map((e) => `  ${e}`).join("\n"),
    );
    this.name = "ConfigError";
  }
}

/** Options of {@link parseConfigText}. */
export interface ParseConfigOptions {
  env: Env;
  kinds: KindSet;
  /** Named in YAML syntax errors (`config.yaml:3:5: ...`). Default `config.yaml`. */
  origin?: string;
}

/** A parsed configuration with what is worth telling but not fatal. */
export interface ParsedConfig {
  config: AppConfig;
  /** Unknown keys and YAML warnings; the config is usable. */
  warnings: string[];
  /** Environment variables referenced by `${NAME}`, sorted, each once. */
  envVarsUsed: string[];
}

/**
 * Parses and validates config text (YAML, or JSON which is YAML too). Throws
 * {@link ConfigError} listing every problem found.
 */
export function parseConfigText(text: string, options: ParseConfigOptions): ParsedConfig {
  const origin = options.origin ?? "config.yaml";
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
  let tree: unknown;
  try {
    tree = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw new ConfigError([`${origin}: ${(err as Error).message}`], [], origin);
  }

  const v = new Validator(options.env, options.kinds, warnings);
  const config = v.app(v.expand(tree, ""));
  if (v.errors.length > 0 || config === undefined) {
    throw new ConfigError(v.errors, v.warnings, origin);
  }
  return { config, warnings: v.warnings, envVarsUsed: [...v.envVarsUsed].sort() };
}

/** Options of {@link loadConfig}. */
export interface LoadConfigOptions {
  /**
   * Config file given explicitly (`--config`): it is read even when `CONFIG` is set, as in the
   * original. Unset: `CONFIG` when it is non-blank, else `config.yaml`.
   */
  path?: string;
  env: Env;
  kinds: KindSet;
  /** Reads the config file; default `Deno.readTextFile`. */
  readTextFile?: (path: string) => Promise<string>;
}

/** A loaded configuration and where it came from. */
export interface LoadedConfig extends ParsedConfig {
  /** The config text as read (before `${ENV}` expansion). May hold inline secrets. */
  sourceText: string;
  /** The file path, or `CONFIG` when the environment variable supplied it. */
  origin: string;
}

/**
 * Loads the configuration. As in the original connector, an explicit path (`--config`) wins;
 * without one, a non-blank environment variable `CONFIG` holds the whole config (YAML or JSON,
 * optionally base64-encoded) and then no file is read (`CONFIG` is then listed in
 * `envVarsUsed`); else `config.yaml` is read.
 */
export async function loadConfig(options: LoadConfigOptions): Promise<LoadedConfig> {
  const inline = options.path === undefined ? lookupEnv(options.env, "CONFIG") : undefined;
  let sourceText: string;
  let origin: string;
  if (inline !== undefined && inline.trim() !== "") {
    origin = "CONFIG";
    sourceText = decodeInlineConfig(inline);
  } else {
    origin = options.path ?? "config.yaml";
    const read = options.readTextFile ?? ((p: string) => Deno.readTextFile(p));
    try {
      sourceText = await read(origin);
    } catch (err) {
      const detail = err instanceof Deno.errors.NotFound
        ? "file not found (pass another path, or put the config in the CONFIG environment variable)"
        : (err as Error).message;
      throw new ConfigError([`${origin}: cannot read: ${detail}`], [], origin);
    }
  }
  const parsed = parseConfigText(sourceText, { env: options.env, kinds: options.kinds, origin });
  if (origin === "CONFIG") parsed.envVarsUsed = [...parsed.envVarsUsed, "CONFIG"].sort();
  return { ...parsed, sourceText, origin };
}

/**
 * Decodes the `CONFIG` variable: YAML/JSON as is, or base64 of it. A YAML config always has a
 * `:` or `{`, which base64 never has, so the two cannot be confused.
 */
function decodeInlineConfig(value: string): string {
  const compact = value.replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(compact)) return value;
  try {
    const standard = compact.replaceAll("-", "+").replaceAll("_", "/");
    const padded = standard.padEnd(Math.ceil(standard.length / 4) * 4, "=");
    const bytes = Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new ConfigError(
      ["CONFIG: expected YAML, JSON, or base64 of either; got text that is none of them"],
      [],
      "CONFIG",
    );
  }
}

/** The shown replacement of a secret value. */
export const REDACTED = "***";

/**
 * A copy of the config safe to log or serve: values of secret fields, and of keys that look
 * secret (`*secret*`, `*token*`, `*password*`, `*_key`...), become `***`. `aws_key` is an access
 * key id, which identifies but does not authenticate: its first 4 characters are kept.
 */
export function redactConfig(config: AppConfig, kinds: KindSet): AppConfig {
  const sources = new Map(kinds.sources.map((k) => [k.kind, k.properties]));
  const targets = new Map(kinds.targets.map((k) => [k.kind, k.properties]));
  return {
    ...config,
    bindings: config.bindings.map((b) => ({
      ...b,
      middleware: { ...b.middleware, metadata: redactRecord(b.middleware.metadata, undefined) },
      source: redactEndpoint(b.source, sources.get(b.source.kind)),
      target: redactEndpoint(b.target, targets.get(b.target.kind)),
    })),
  };
}

function redactEndpoint(endpoint: EndpointConfig, schema: Schema | undefined): EndpointConfig {
  const options = isPlainObject(endpoint.options)
    ? redactRecord(endpoint.options, schema)
    : endpoint.options;
  return { ...endpoint, properties: redactRecord(endpoint.properties, schema), options };
}

function redactRecord<T>(record: Record<string, T>, schema: Schema | undefined) {
  const out: Record<string, T | string> = {};
  for (const [key, value] of Object.entries(record)) {
    const unset = value === undefined || value === "";
    if (unset) out[key] = value;
    else if (schema?.[key]?.secret === true || looksSecret(key)) out[key] = REDACTED;
    else if (SEMI_PUBLIC.has(key) && typeof value === "string") out[key] = partly(value);
    else out[key] = value;
  }
  return out;
}

/** Keys whose value identifies an account without granting access: shown in part. */
const SEMI_PUBLIC = new Set(["aws_key", "access_key_id", "aws_access_key_id"]);

function looksSecret(key: string): boolean {
  const k = key.toLowerCase();
  if (SEMI_PUBLIC.has(k)) return false;
  // A key *file* or *path* names where a secret lives, which is worth seeing when debugging.
  if (/(_file|_path)$/.test(k)) return false;
  if (/secret|token|passw|credential|private|apikey/.test(k)) return true;
  return k.split(/[_.-]/).includes("key");
}

function partly(value: string): string {
  // Short values would be mostly revealed by 4 characters.
  return value.length >= 12 ? `${value.slice(0, 4)}${REDACTED}` : REDACTED;
}

// ---------------------------------------------------------------------------------------------
// Validation

const TOP_LEVEL_KEYS = new Set([...Object.keys(appProperties), "bindings"]);
const BINDING_KEYS = new Set(["name", "properties", "source", "target"]);
const ENDPOINT_KEYS = new Set(["kind", "name", "properties"]);
const MIDDLEWARE_KEYS = new Set([
  ...Object.keys(middlewareProperties),
  ...Object.keys(middlewareAliases),
]);

type Role = "source" | "target";

/** Collects errors and warnings while walking the parsed tree. */
class Validator {
  readonly errors: string[] = [];
  readonly envVarsUsed = new Set<string>();
  /** Paths whose value had a `${...}` problem: already reported, so nothing else is said. */
  readonly #failed = new Set<string>();
  /** Names of the bindings seen so far, by index, to name them in property errors. */
  readonly #bindingNames = new Map<number, string>();
  readonly #kinds: Record<Role, Map<string, SourceKind | TargetKind>>;

  constructor(readonly env: Env, kinds: KindSet, readonly warnings: string[]) {
    this.#kinds = {
      source: new Map(kinds.sources.map((k) => [k.kind, k])),
      target: new Map(kinds.targets.map((k) => [k.kind, k])),
    };
  }

  #failedUnder(path: string): boolean {
    return [...this.#failed].some((p) => p.startsWith(`${path}.`) || p.startsWith(`${path}[`));
  }

  #error(path: string, message: string): void {
    if (!this.#failed.has(path)) this.errors.push(message);
  }

  /** Expands `${NAME}` in every string of the tree; a failed string becomes undefined. */
  expand(node: unknown, path: string): unknown {
    if (typeof node === "string") return this.#expandString(node, path);
    if (Array.isArray(node)) return node.map((item, i) => this.expand(item, `${path}[${i}]`));
    if (isPlainObject(node)) {
      const out: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(node)) {
        out[key] = this.expand(value, join(path, key));
      }
      return out;
    }
    return node;
  }

  #expandString(value: string, path: string): string | undefined {
    let ok = true;
    const fail = (message: string) => {
      this.#error(path, `${path}: ${message}`);
      this.#failed.add(path);
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
        this.envVarsUsed.add(name);
        const found = lookupEnv(this.env, name);
        if (found === undefined) return fail(`environment variable ${name} is not set`);
        return found;
      },
    );
    return ok ? result : undefined;
  }

  app(tree: unknown): AppConfig | undefined {
    if (tree === null || tree === undefined) {
      this.#error("bindings", "bindings is required");
      return undefined;
    }
    if (!isPlainObject(tree)) {
      this.#error(
        "",
        `the top level must be a mapping with a bindings list, got ${describe(tree)}`,
      );
      return undefined;
    }
    for (const key of Object.keys(tree)) {
      if (!TOP_LEVEL_KEYS.has(key)) {
        this.warnings.push(`${join("", key)}: unknown top-level key, ignored`);
      }
    }
    const raw = this.#strings(
      Object.fromEntries(Object.entries(tree).filter(([k]) => Object.hasOwn(appProperties, k))),
      "",
    );
    const settings = this.#parse(appProperties, raw, "");
    const bindings = this.#bindings(tree["bindings"]);
    if (settings === undefined || bindings === undefined) return undefined;
    return { ...settings, bindings };
  }

  #bindings(node: unknown): BindingConfig[] | undefined {
    if (node === null || node === undefined) {
      this.#error("bindings", "bindings is required");
      return undefined;
    }
    if (!Array.isArray(node)) {
      this.#error("bindings", `bindings: expected a list of bindings, got ${describe(node)}`);
      return undefined;
    }
    if (node.length === 0) {
      this.#error("bindings", "bindings: expected at least one binding, got an empty list");
      return undefined;
    }
    const out: (BindingConfig | undefined)[] = node.map((b, i) => this.#binding(b, i));
    this.#uniqueNames(node);
    return out.every((b) => b !== undefined) ? out : undefined;
  }

  #binding(node: unknown, index: number): BindingConfig | undefined {
    const path = `bindings[${index}]`;
    if (!isPlainObject(node)) {
      this.#error(
        path,
        `${path}: expected a mapping with name, source and target, got ${describe(node)}`,
      );
      return undefined;
    }
    this.#unknownKeys(node, BINDING_KEYS, path, "binding key");
    const name = this.#requiredString(node["name"], join(path, "name"));
    if (name !== undefined) this.#bindingNames.set(index, name);
    const middlewarePath = join(path, "properties");
    const rawMiddleware = this.#properties(node["properties"], middlewarePath);
    let middleware: MiddlewareOptions | undefined;
    if (rawMiddleware !== undefined) {
      this.#unknownKeys(rawMiddleware, MIDDLEWARE_KEYS, middlewarePath, "binding property");
      try {
        middleware = parseMiddlewareOptions(rawMiddleware);
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

  #endpoint(node: unknown, path: string, role: Role): EndpointConfig | undefined {
    if (node === null || node === undefined) {
      this.#error(path, `${path} is required`);
      return undefined;
    }
    if (!isPlainObject(node)) {
      this.#error(
        path,
        `${path}: expected a mapping with kind, name and properties, got ${describe(node)}`,
      );
      return undefined;
    }
    this.#unknownKeys(node, ENDPOINT_KEYS, path, `${role} key`);
    const kindName = this.#requiredString(node["kind"], join(path, "kind"));
    const name = node["name"] === undefined || node["name"] === null || node["name"] === ""
      ? kindName
      : this.#requiredString(node["name"], join(path, "name"));
    const propertiesPath = join(path, "properties");
    const properties = this.#properties(node["properties"], propertiesPath);
    if (kindName === undefined) return undefined;

    const kind = this.#kinds[role].get(kindName);
    if (kind === undefined) {
      const other: Role = role === "source" ? "target" : "source";
      const hint = this.#kinds[other].has(kindName) ? ` (it is a ${other} kind)` : "";
      const known = [...this.#kinds[role].keys()].sort().map((k) => `"${k}"`).join(", ");
      this.#error(
        join(path, "kind"),
        `${join(path, "kind")}: unknown ${role} kind ${
          quote(kindName)
        }${hint}; known ${role} kinds: ${known || "none"}`,
      );
      return undefined;
    }
    if (properties === undefined || name === undefined) return undefined;
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
    if (node === undefined || node === null || (typeof node === "string" && node.trim() === "")) {
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

function yamlMessage(error: YAML.YAMLError): string {
  if (error.code === "MULTIPLE_DOCS") {
    return "several YAML documents (separated by ---) in one config; keep one";
  }
  return error.message;
}

function join(path: string, key: string): string {
  const part = /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) ? key : `[${JSON.stringify(key)}]`;
  if (path === "") return part;
  return part.startsWith("[") ? `${path}${part}` : `${path}.${part}`;
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return "nothing";
  if (Array.isArray(value)) return value.length === 0 ? "an empty list" : "a list";
  if (typeof value === "object") return "a mapping";
  return `the ${typeof value} ${quote(value)}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) &&
    !(value instanceof URL);
}

function lookupEnv(env: Env, name: string): string | undefined {
  if (typeof env === "function") return env(name);
  return Object.hasOwn(env, name) ? env[name] : undefined;
}
