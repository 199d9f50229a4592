/**
 * The configuration module's entry point: loading and validating config.yaml. Everything is
 * checked before anything starts, and every problem is reported at once, each naming its path
 * (`bindings[0].target.properties.region`).
 *
 * One file per job: the schema and types (`app_config.ts`), the error (`config_error.ts`),
 * YAML (`yaml.ts`), `${ENV}` expansion (`env.ts`), validation (`validate.ts`), text to config
 * (`parse.ts`), where the text comes from (`load.ts`), key case (`fold_keys.ts`) and redaction
 * (`redact.ts`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { kindRegistry } from "../kind_registry.ts";
 * import { ConfigError, parseConfigText } from "./config.ts";
 *
 * let errors: readonly string[] = [];
 * try {
 *   parseConfigText("bindings: {name: a}", { env: {}, kinds: kindRegistry });
 * } catch (err) {
 *   if (err instanceof ConfigError) errors = err.errors;
 * }
 * assert.deepEqual(errors, ["bindings: expected a list of bindings, got a mapping"]);
 * ```
 *
 * @module
 */
export {
  type AppConfig,
  appProperties,
  type BindingConfig,
  type EndpointConfig,
} from "./app_config.ts";
export { ConfigError } from "./config_error.ts";
export { type Env, expandEnv, lookupEnv } from "./env.ts";
export { loadConfig, type LoadConfigOptions, type LoadedConfig } from "./load.ts";
export { type ParseConfigOptions, parseConfigText, type ParsedConfig } from "./parse.ts";
export { redactConfig, REDACTED } from "./redact.ts";
export { fromPortable, type PortableConfig, toPortable } from "./portable.ts";
