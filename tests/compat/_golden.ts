/**
 * The golden files of tests/compat/golden: for each method, every key of the original's response
 * data with its JSON type(s), built from the original's source (file and line recorded in each).
 * {@link shapeErrors} checks a real response against one.
 */

/** A leaf type list ("string|null"), or an object / array shape, or null (no data). */
export type Shape = string | null | { [key: string]: unknown };

/** One golden file. */
export interface Golden {
  method: string;
  original: { repository: string; file: string; commit: string; line: number; function: string };
  data: Shape;
  deliberateDifference?: string;
}

/** Reads tests/compat/golden/<method>.json. */
export function readGolden(method: string): Golden {
  const url = new URL(`./golden/${method}.json`, import.meta.url);
  return JSON.parse(Deno.readTextFileSync(url)) as Golden;
}

/** Go's time.RFC3339Nano as encoding/json writes it. */
const GO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d*[1-9])?(Z|[+-]\d\d:\d\d)$/;

function leafOk(value: unknown, type: string): boolean {
  switch (type) {
    case "null":
      return value === null;
    case "string":
      return typeof value === "string";
    case "boolean":
      return typeof value === "boolean";
    case "integer":
      return Number.isInteger(value);
    case "time":
      return typeof value === "string" && GO_TIME.test(value);
    case "url":
      return typeof value === "string" && URL.canParse(value) && /^https?:/.test(value);
    default:
      throw new Error(`unknown golden type ${type}`);
  }
}

/** Every way `value` differs from `shape` (missing keys, other types), as `path: problem`. */
export function shapeErrors(value: unknown, shape: Shape, path = "data"): string[] {
  if (shape === null) return [];
  if (typeof shape === "string") {
    const types = shape.split("|");
    return types.some((t) => leafOk(value, t))
      ? []
      : [`${path}: expected ${shape}, got ${JSON.stringify(value)}`];
  }
  if (value === null && shape.$nullable === true) return [];
  if ("$array" in shape) {
    if (!Array.isArray(value)) return [`${path}: expected an array, got ${JSON.stringify(value)}`];
    return value.flatMap((v, i) => shapeErrors(v, shape.$array as Shape, `${path}[${i}]`));
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return [`${path}: expected an object, got ${JSON.stringify(value)}`];
  }
  const errors: string[] = [];
  for (const [key, sub] of Object.entries(shape)) {
    if (key.startsWith("$")) continue;
    if (!Object.hasOwn(value, key)) errors.push(`${path}.${key}: missing`);
    else {errors.push(
        ...shapeErrors((value as Record<string, unknown>)[key], sub as Shape, `${path}.${key}`),
      );}
  }
  return errors;
}
