/**
 * Config text to a validated configuration: YAML, then `${ENV}` expansion, then validation.
 * Every problem is reported at once, each naming its path.
 */
import type { KindSet } from "../kinds/kind_set.ts";
import type { AppConfig } from "./app_config.ts";
import { ConfigError } from "./config_error.ts";
import { type Env, expandEnv } from "./env.ts";
import { Validator } from "./validate.ts";
import { parseYaml } from "./yaml.ts";

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
 *
 * @example Parse a config held in a string
 * ```ts
 * import assert from "node:assert/strict";
 * import { kindRegistry } from "../kind_registry.ts";
 * import { parseConfigText } from "./parse.ts";
 *
 * const text = `
 * bindings:
 *   - name: s3
 *     source: { kind: kubemq.query, properties: { address: "localhost:50000", channel: "q" } }
 *     target: { kind: aws.s3, properties: { region: "\${REGION}" } }
 * `;
 * const { config, envVarsUsed } = parseConfigText(text, {
 *   env: { REGION: "eu-central-1" },
 *   kinds: kindRegistry,
 * });
 * assert.equal(config.bindings[0]?.target.properties["region"], "eu-central-1");
 * assert.deepEqual(envVarsUsed, ["REGION"]);
 * ```
 */
export function parseConfigText(text: string, options: ParseConfigOptions): ParsedConfig {
  const origin = options.origin ?? "config.yaml";
  const { tree, warnings } = parseYaml(text, origin);
  const expanded = expandEnv(tree, options.env);
  const v = new Validator(options.kinds, warnings, expanded.errors, expanded.failed);
  const config = v.app(expanded.tree);
  if (v.errors.length > 0 || config === undefined) {
    throw new ConfigError(v.errors, v.warnings, origin);
  }
  return { config, warnings: v.warnings, envVarsUsed: [...expanded.used].sort() };
}
