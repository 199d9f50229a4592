/**
 * Values in the form the original's responses have them: aws-sdk-go v1 structs marshalled by Go's
 * encoding/json, where a nil pointer is `null` and a time is RFC 3339 with the fraction's
 * trailing zeros dropped (`time.RFC3339Nano`).
 *
 * @example
 * ```ts
 * goTime(new Date("2026-11-24T10:00:00.000Z")); // "2026-11-24T10:00:00Z"
 * goTime(new Date("2026-11-24T10:00:00.120Z")); // "2026-11-24T10:00:00.12Z"
 * ```
 */
import { GO_STRUCT_ZEROS, type GoStructs } from "./sdk_structs.ts";

/** A time as Go's encoding/json writes a UTC time.Time; null when absent (a nil pointer). */
export function goTime(date: Date | undefined | null): string | null {
  if (!date || Number.isNaN(date.getTime())) return null;
  const iso = date.toISOString(); // 2026-11-24T10:00:00.120Z
  const [seconds, fraction = ""] = iso.slice(0, -1).split(".");
  const trimmed = fraction.replace(/0+$/, "");
  return `${seconds}${trimmed ? `.${trimmed}` : ""}Z`;
}

/** A value as a Go *T field marshals it: the value, or null when it is absent. */
export function goPointer<T>(value: T | undefined | null): T | null {
  return value ?? null;
}

/**
 * A struct of aws-sdk-go v1 as json.Marshal writes it: every key in declaration order, a field
 * not given (or undefined) as its zero value (null for pointers and slices). Nested structs are
 * built with goStruct too.
 */
export function goStruct<K extends keyof GoStructs>(
  name: K,
  values: { [F in keyof GoStructs[K]]?: GoStructs[K][F] | undefined },
): GoStructs[K] {
  const out: Record<string, unknown> = {};
  const given = values as Record<string, unknown>;
  for (const [key, zero] of Object.entries(GO_STRUCT_ZEROS[name])) {
    out[key] = given[key] === undefined ? zero : given[key];
  }
  return out as unknown as GoStructs[K];
}

/**
 * JSON bytes as Go's json.Marshal writes them: no spaces, and `<`, `>`, `&`, U+2028 and U+2029
 * escaped as `\u003c`, `\u003e`, `\u0026`, `\u2028`, `\u2029` (its HTML-safe default). These
 * characters only occur inside strings, so the replacement never touches the structure.
 */
export function goJsonData(value: unknown): Uint8Array {
  const text = JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
  return new TextEncoder().encode(text);
}
