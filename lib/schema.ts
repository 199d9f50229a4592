/**
 * Typed field schemas for string maps: request metadata and config properties are both maps of
 * strings, declared once with description and default, parsed once at the edge.
 *
 * @example
 * ```ts
 * const schema = { bucket_name: text({ required: true, description: "Bucket" }) };
 * const args = parseFields(schema, { bucket_name: "b" }); // { bucket_name: string }
 * ```
 */
import { GO_BOOL_EXPECTED, parseGoBool } from "./go_bool.ts";

/** Why a single field failed to parse; the caller words it for metadata or config. */
export class FieldError extends Error {
  constructor(
    readonly key: string,
    readonly value: string | undefined,
    readonly reason: "missing" | "invalid",
    readonly expected: string,
  ) {
    super(
      reason === "missing"
        ? `"${key}" is required`
        : `"${key}": expected ${expected}, got ${JSON.stringify(value)}`,
    );
    this.name = "FieldError";
  }
}

/** One declared field. `R` is true when the parsed value is always present. */
export interface Field<T, R extends boolean = boolean> {
  /** Type shown in docs: string, boolean, integer, enum, json, url. */
  readonly type: string;
  readonly description: string;
  readonly required: boolean;
  /** Default value, as the string a user would write (documentation and parsing). */
  readonly default: string | undefined;
  /** Allowed values for enums, for docs. */
  readonly values?: readonly string[];
  /**
   * A realistic value as a user would write it, shown in the docs (which check that it parses);
   * a `${NAME}` reference stands for a value of the type.
   */
  readonly example?: string;
  /** Parses a raw string; throws a message describing what was expected. */
  readonly parse: (raw: string) => T;
  /** Phantom marker for the presence of the value. */
  readonly _present?: R;
  /**
   * How the value is shown in logs and served config: `true` never (a secret), `"partial"` its
   * first characters only (a value that identifies without granting access, such as an access
   * key id), `false` as is.
   */
  readonly secret: SecretMode;
  /** When true an empty string counts as missing (required) or as unset (optional). */
  readonly emptyIsUnset: boolean;
}

/** A schema: keys to fields. */
export type Schema = Record<string, Field<unknown>>;

/** The typed result of parsing a schema. */
export type Parsed<S extends Schema> = {
  [K in keyof S]: S[K] extends Field<infer T, infer R> ? (R extends true ? T : T | undefined)
    : never;
};

/** How a field's value is shown: see {@link Field.secret}. */
export type SecretMode = boolean | "partial";

interface BaseOptions {
  description: string;
  secret?: SecretMode;
  /** A realistic value for the docs, e.g. `"eu-central-1"` (see {@link Field.example}). */
  example?: string;
}
type Presence<D> = { required: true; default?: undefined } | {
  required?: false;
  default: D;
};
type Opt<D> = BaseOptions & (Presence<D> | { required?: false; default?: undefined });

type FieldOf<T, O> = O extends { required: true } ? Field<T, true>
  : O extends { default: string } ? Field<T, true>
  : Field<T, false>;

/** Thrown by a field parser; its message says what was expected. */
export class Expected extends Error {}

function make<T, O extends Opt<string>>(
  type: string,
  options: O,
  parse: (raw: string) => T,
  extra: { values?: readonly string[]; emptyIsUnset?: boolean } = {},
): FieldOf<T, O> {
  const field: Field<T> = {
    type,
    description: options.description,
    required: options.required === true,
    default: options.default,
    parse,
    secret: options.secret ?? false,
    emptyIsUnset: extra.emptyIsUnset ?? true,
    ...(extra.values ? { values: extra.values } : {}),
    ...(options.example !== undefined ? { example: options.example } : {}),
  };
  return field as FieldOf<T, O>;
}

/** A free string. Empty counts as unset. */
export function text<O extends Opt<string>>(options: O): FieldOf<string, O> {
  return make("string", options, (raw) => raw);
}

/** A string where the empty string is a real value (not unset), e.g. a prefix. */
export function rawText<O extends Opt<string>>(options: O): FieldOf<string, O> {
  return make("string", options, (raw) => raw, { emptyIsUnset: false });
}

/**
 * A boolean spelt as Go's strconv.ParseBool accepts it (see lib/go_bool.ts); anything else is
 * an error, never a silent default.
 */
export function bool<O extends Opt<"true" | "false">>(options: O): FieldOf<boolean, O> {
  return make("boolean", options, (raw) => {
    const value = parseGoBool(raw);
    if (value === undefined) throw new Expected(GO_BOOL_EXPECTED);
    return value;
  });
}

/** A base-10 integer within [min, max]; an optional sign, "+" too, as Go's strconv accepts. */
export function int<O extends Opt<string> & { min?: number; max?: number }>(
  options: O,
): FieldOf<number, O> {
  const min = options.min ?? Number.MIN_SAFE_INTEGER;
  const max = options.max ?? Number.MAX_SAFE_INTEGER;
  return make("integer", options, (raw) => {
    const n = /^[+-]?\d+$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      throw new Expected(`an integer from ${min} to ${max}`);
    }
    return n;
  });
}

/** One of a fixed set of strings. */
export function oneOf<const V extends string, O extends Opt<V>>(
  values: readonly V[],
  options: O,
): FieldOf<V, O> {
  return make("enum", options, (raw) => {
    if ((values as readonly string[]).includes(raw)) return raw as V;
    throw new Expected(`one of ${values.map((v) => `"${v}"`).join(", ")}`);
  }, { values });
}

/** An http(s) URL. */
export function url<O extends Opt<string>>(options: O): FieldOf<URL, O> {
  return make("url", options, (raw) => {
    let u: URL;
    try {
      u = new URL(raw);
    } catch {
      throw new Expected("an http:// or https:// URL");
    }
    if (u.protocol !== "http:" && u.protocol !== "https:") {
      throw new Expected("an http:// or https:// URL");
    }
    return u;
  });
}

/** A JSON object whose values are all strings. */
export function stringMap<O extends Opt<string>>(options: O): FieldOf<Record<string, string>, O> {
  return make("json", options, (raw) => {
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      throw new Expected("a JSON object of strings");
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      throw new Expected("a JSON object of strings");
    }
    for (const v of Object.values(value)) {
      if (typeof v !== "string") throw new Expected("a JSON object of strings");
    }
    return value as Record<string, string>;
  });
}

/**
 * Parses `raw` against `schema`. Unknown keys are ignored (the original ignores them too).
 * Collects every failure; throws the list when there is any.
 */
export function parseFields<S extends Schema>(
  schema: S,
  raw: Readonly<Record<string, string>>,
): Parsed<S> {
  const out: Record<string, unknown> = {};
  const errors: FieldError[] = [];
  for (const [key, field] of Object.entries(schema)) {
    const has = Object.hasOwn(raw, key);
    let value = has ? raw[key] : undefined;
    // Only "" is unset: a blank value is a value, as for Go's MustParseString (`val == ""`).
    if (value !== undefined && field.emptyIsUnset && value === "") value = undefined;
    if (value === undefined) value = field.default;
    if (value === undefined) {
      if (field.required) {
        // An empty value was given: say what was wrong with it rather than "missing".
        errors.push(
          has
            ? new FieldError(key, raw[key], "invalid", "a non-empty value")
            : new FieldError(key, undefined, "missing", ""),
        );
      }
      continue;
    }
    try {
      out[key] = field.parse(value);
    } catch (err) {
      const expected = err instanceof Expected ? err.message : String(err);
      errors.push(new FieldError(key, value, "invalid", expected));
    }
  }
  if (errors.length > 0) throw new FieldErrors(errors);
  return out as Parsed<S>;
}

/** Several field errors at once. */
export class FieldErrors extends Error {
  constructor(readonly errors: FieldError[]) {
    super(errors.map((e) => e.message).join("; "));
    this.name = "FieldErrors";
  }
}

/** Names of the secret keys of a schema, for redaction. */
export function secretKeys(schema: Schema): string[] {
  return Object.entries(schema).filter(([, f]) => f.secret === true).map(([k]) => k);
}
