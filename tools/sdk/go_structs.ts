/**
 * Go struct declarations read from source text, and what Go's `encoding/json` makes of them: the
 * keys `json.Marshal` writes (exported fields in declaration order; `_`, unexported fields and
 * `json:"-"` left out; a `json:"name"` tag renames), each key's JSON type, and its zero value.
 * Used by tools/gen_sdk_golden.ts on aws-sdk-go v1's `service/s3/api.go`.
 */

/** One field as declared: `Name Type \`tag\``. */
export interface GoField {
  name: string;
  type: string;
  tag: string;
  line: number;
}

/** One struct type as declared. */
export interface GoStruct {
  file: string;
  line: number;
  fields: GoField[];
}

/** One key of a struct's JSON: its name and the field's Go type. */
export interface JsonKey {
  key: string;
  type: string;
}

const STRUCT_START = /^type (\w+) struct \{$/;
const FIELD = /^\t(\w+)\s+(\S+)(?:\s+`([^`]*)`)?\s*$/;

/**
 * The struct types `roots` and every struct type their fields refer to that `source` declares,
 * in the order first reached. Throws on a root `source` lacks or a field line it cannot read.
 */
export function extractStructs(
  source: string,
  file: string,
  roots: readonly string[],
): Record<string, GoStruct> {
  const lines = source.split("\n");
  const starts = new Map<string, number>();
  lines.forEach((text, i) => {
    const m = text.match(STRUCT_START);
    if (m) starts.set(m[1]!, i);
  });
  const out: Record<string, GoStruct> = {};
  const queue = [...roots];
  while (queue.length > 0) {
    const name = queue.shift()!;
    if (name in out) continue;
    const start = starts.get(name);
    if (start === undefined) throw new Error(`${file} declares no struct ${name}`);
    const fields = _fieldsFrom(lines, start, file);
    out[name] = { file, line: start + 1, fields };
    for (const f of fields) {
      const named = baseType(f.type);
      if (starts.has(named) && !(named in out)) queue.push(named);
    }
  }
  return out;
}

function _fieldsFrom(lines: string[], start: number, file: string): GoField[] {
  const fields: GoField[] = [];
  for (let i = start + 1; i < lines.length; i++) {
    const text = lines[i]!;
    if (text === "}") return fields;
    const trimmed = text.trim();
    if (trimmed === "" || trimmed.startsWith("//")) continue;
    const m = text.match(FIELD);
    if (!m) throw new Error(`${file}:${i + 1}: cannot read the field line ${JSON.stringify(text)}`);
    fields.push({ name: m[1]!, type: m[2]!, tag: m[3] ?? "", line: i + 1 });
  }
  throw new Error(`${file}:${start + 1}: struct without its closing brace`);
}

/** The named type under pointers, slices and maps: `[]*Object` -> `Object`. */
export function baseType(type: string): string {
  return type.replace(/^(\*|\[\]|map\[[^\]]*\])+/, "");
}

/** The value of key `name` in a Go struct tag, or undefined (reflect.StructTag.Get). */
export function tagValue(tag: string, name: string): string | undefined {
  for (const m of tag.matchAll(/(\w+):"((?:[^"\\]|\\.)*)"/g)) {
    if (m[1] === name) return m[2];
  }
  return undefined;
}

/**
 * The keys `json.Marshal` writes for a struct, in order. An unexported field (`_` included) and
 * `json:"-"` are skipped and `json:"name"` renames. `omitempty` and `string` options make a key
 * depend on the value, which the golden files cannot express: they throw.
 */
export function jsonKeys(struct: GoStruct): JsonKey[] {
  const keys: JsonKey[] = [];
  for (const field of struct.fields) {
    if (!/^[A-Z]/.test(field.name)) continue;
    const json = tagValue(field.tag, "json");
    if (json === "-") continue;
    const [rename = "", ...options] = (json ?? "").split(",");
    if (options.length > 0) {
      throw new Error(
        `${struct.file}:${field.line}: json options ${JSON.stringify(options)} not supported`,
      );
    }
    keys.push({ key: rename || field.name, type: field.type });
  }
  return keys;
}

/** A golden shape: a leaf type list ("string|null") or an object / array / map shape. */
export type Shape = string | { [key: string]: unknown };

/** Where a struct comes from, as the golden files record it. */
export interface StructSource {
  repository: string;
  tag: string;
  commit: string;
}

/** The golden shape of a Go type: JSON types of the value `json.Marshal` writes for it. */
export function shapeOf(
  type: string,
  structs: Record<string, GoStruct>,
  source: StructSource,
): Shape {
  const pointer = type.startsWith("*");
  const bare = pointer ? type.slice(1) : type;
  const nullable = (leaf: string) => (pointer ? `${leaf}|null` : leaf);
  if (bare.startsWith("[]")) {
    if (bare === "[]byte") return "string|null"; // base64; a nil slice is null
    return { $nullable: true, $array: shapeOf(bare.slice(2), structs, source) };
  }
  if (bare.startsWith("map[string]")) {
    return { $nullable: true, $map: shapeOf(bare.slice("map[string]".length), structs, source) };
  }
  switch (bare) {
    case "string":
      return nullable("string");
    case "bool":
      return nullable("boolean");
    case "int64":
    case "int":
      return nullable("integer");
    case "time.Time":
      return nullable("time");
  }
  const struct = structs[bare];
  if (!struct) throw new Error(`no golden shape for the Go type ${type}`);
  const shape: Record<string, unknown> = {
    ...(pointer ? { $nullable: true } : {}),
    $struct: { ...source, file: struct.file, line: struct.line, type: bare },
  };
  for (const { key, type: t } of jsonKeys(struct)) shape[key] = shapeOf(t, structs, source);
  return shape;
}

/** The TypeScript type of the value a Go type marshals to (struct types by name). */
export function tsTypeOf(type: string): string {
  const pointer = type.startsWith("*");
  const bare = pointer ? type.slice(1) : type;
  const orNull = (t: string) => (pointer ? `${t} | null` : t);
  if (bare === "[]byte") return "string | null";
  if (bare.startsWith("[]")) return `${tsTypeOf(bare.slice(2)).replace(/ \| null$/, "")}[] | null`;
  if (bare.startsWith("map[string]")) {
    return `Record<string, ${tsTypeOf(bare.slice("map[string]".length))}> | null`;
  }
  switch (bare) {
    case "string":
    case "time.Time":
      return orNull("string");
    case "bool":
      return orNull("boolean");
    case "int64":
    case "int":
      return orNull("number");
    default:
      return orNull(bare);
  }
}

/** The JSON of a Go type's zero value: null for pointers, slices and maps. */
export function zeroOf(type: string): null | string | boolean | number {
  if (type.startsWith("*") || type.startsWith("[]") || type.startsWith("map[")) return null;
  if (type === "string") return "";
  if (type === "bool") return false;
  if (type === "int64" || type === "int") return 0;
  throw new Error(`no zero value for the Go type ${type} (a struct value is not supported)`);
}
