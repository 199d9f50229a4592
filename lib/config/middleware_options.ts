/**
 * The binding-level `properties` of config.yaml: logging, retries, rate limit, extra metadata and
 * a per-request deadline applied to every request of one binding.
 *
 * @example
 * ```ts
 * const mw = parseMiddlewareOptions({ retry_attempts: "3", rate_per_seconds: "10" });
 * mw.rate_per_second; // 10: the original's misspelt key still works
 * ```
 */
import {
  FieldError,
  FieldErrors,
  int,
  oneOf,
  type Parsed,
  parseFields,
  stringMap,
} from "../schema.ts";

/**
 * The original reads these integers with `strconv.ParseInt(v, 10, 32)` and checks them against
 * `math.MaxInt32` (middleware/retry.go, ratelimit.go), so every value up to it must start here.
 */
export const GO_INT32_MAX = 2_147_483_647;

/** Property schema of a binding's own `properties` (the binding middleware). */
export const middlewareProperties = {
  log_level: oneOf(["debug", "info", "error", ""] as const, {
    description:
      "debug: log whole requests and responses; info: metadata only; error: failures only; empty: no request log.",
    default: "",
    example: "info",
  }),
  retry_attempts: int({
    description: "Attempts per request, the first included (1 = no retry).",
    default: "1",
    min: 1,
    max: GO_INT32_MAX,
    example: "3",
  }),
  retry_delay_milliseconds: int({
    description: "Delay before a retry (the base delay for back-off).",
    default: "100",
    min: 0,
    max: GO_INT32_MAX,
    example: "200",
  }),
  retry_max_jitter_milliseconds: int({
    description: "Up to this much random time is added to each retry delay.",
    default: "100",
    min: 0,
    max: GO_INT32_MAX,
    example: "50",
  }),
  retry_delay_type: oneOf(["back-off", "fixed", "random"] as const, {
    description:
      "back-off: the delay doubles per attempt; fixed: always the delay; random: up to the delay.",
    default: "back-off",
    example: "fixed",
  }),
  rate_per_second: int({
    description:
      "Requests per second let through to the target (0 = unlimited). Alias: rate_per_seconds.",
    default: "0",
    min: 0,
    max: GO_INT32_MAX,
    example: "50",
  }),
  metadata: stringMap({
    description:
      'JSON object of strings merged into every request\'s metadata, e.g. {"bucket_name":"b"}.',
    default: "{}",
    example: '{"bucket_name":"invoices"}',
  }),
  request_timeout_seconds: int({
    description: "Deadline of one request, retries included (0 = none).",
    default: "0",
    min: 0,
    max: 86_400,
    example: "120",
  }),
} as const;

/** Parsed binding middleware options. */
export type MiddlewareOptions = Parsed<typeof middlewareProperties>;

/**
 * Other spellings accepted for a key. The original connector's code reads `rate_per_seconds`
 * while its README documents `rate_per_second`, so existing configs use either.
 */
export const middlewareAliases: Readonly<Record<string, keyof typeof middlewareProperties>> = {
  rate_per_seconds: "rate_per_second",
};

/**
 * Parses a binding's raw `properties`, resolving aliases. Throws {@link FieldErrors} listing
 * every bad key at once; an alias set together with its key to a different value is one of them.
 */
export function parseMiddlewareOptions(
  raw: Readonly<Record<string, string>>,
): MiddlewareOptions {
  const resolved: Record<string, string> = { ...raw };
  const aliasErrors: FieldError[] = [];
  for (const [alias, key] of Object.entries(middlewareAliases)) {
    const aliasValue = raw[alias];
    delete resolved[alias];
    // A blank alias counts as unset, as a blank value does for any key.
    if (aliasValue === undefined || aliasValue.trim() === "") continue;
    const keyValue = raw[key];
    if (keyValue === undefined || keyValue.trim() === "") {
      resolved[key] = aliasValue;
    } else if (keyValue.trim() !== aliasValue.trim()) {
      aliasErrors.push(
        new FieldError(
          alias,
          aliasValue,
          "invalid",
          `the same value as its alias ${key} (${JSON.stringify(keyValue)})`,
        ),
      );
    }
  }
  let options: MiddlewareOptions | undefined;
  let errors: FieldError[] = [];
  try {
    options = parseFields(middlewareProperties, resolved);
  } catch (err) {
    if (!(err instanceof FieldErrors)) throw err;
    errors = err.errors;
  }
  errors.push(...aliasErrors);
  if (options === undefined || errors.length > 0) throw new FieldErrors(errors);
  return options;
}
