/**
 * Booleans as the original connector reads them: Go's `strconv.ParseBool` accepts exactly
 * `1 t T TRUE true True` and `0 f F FALSE false False`. Config properties and request metadata
 * both go through {@link parseGoBool}, so a config or a sender written for the original works
 * unchanged. Unlike the original (which silently falls back to the default), anything else is
 * reported.
 *
 * @example
 * ```ts
 * parseGoBool("True"); // true
 * parseGoBool("0"); // false
 * parseGoBool("yes"); // undefined
 * ```
 */

const TRUE = new Set(["1", "t", "T", "TRUE", "true", "True"]);
const FALSE = new Set(["0", "f", "F", "FALSE", "false", "False"]);

/** What a boolean field expects, for error messages. */
export const GO_BOOL_EXPECTED =
  `"true" or "false" (also accepted: 1, t, T, TRUE, True, 0, f, F, FALSE, False)`;

/** The value `strconv.ParseBool` gives for `raw`, or undefined when Go would reject it. */
export function parseGoBool(raw: string): boolean | undefined {
  if (TRUE.has(raw)) return true;
  if (FALSE.has(raw)) return false;
  return undefined;
}
