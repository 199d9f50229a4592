/**
 * Where the config comes from: the file `--config` names (default `config.yaml`), or the
 * `CONFIG` environment variable (YAML, JSON, or base64 of either).
 */
import type { KindSet } from "../kinds/kind_set.ts";
import { ConfigError } from "./config_error.ts";
import { type Env, lookupEnv } from "./env.ts";
import { parseConfigText, type ParsedConfig } from "./parse.ts";

/** Options of {@link loadConfig}. */
export interface LoadConfigOptions {
  /**
   * `--config` as given: a path, `""` (read `CONFIG`, as the original does for `--config ""`),
   * or undefined (`config.yaml`, the flag's default in the newest original).
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
 * Loads the configuration as the newest original does: `--config` defaults to `config.yaml`,
 * and that file wins over the `CONFIG` environment variable. `CONFIG` (YAML or JSON, optionally
 * base64-encoded) is read when `--config ""` is given, and, as our addition, when no path was
 * given and `config.yaml` does not exist (the original fails there). `CONFIG` is then listed in
 * `envVarsUsed`.
 *
 * @example Load the config from the `CONFIG` variable
 * ```ts
 * import assert from "node:assert/strict";
 * import { kindRegistry } from "../kind_registry.ts";
 * import { loadConfig } from "./load.ts";
 *
 * const CONFIG = JSON.stringify({
 *   bindings: [{
 *     name: "s3",
 *     source: { kind: "kubemq.query", properties: { address: "localhost:50000", channel: "q" } },
 *     target: { kind: "aws.s3", properties: { region: "us-east-1" } },
 *   }],
 * });
 * const loaded = await loadConfig({ path: "", env: { CONFIG }, kinds: kindRegistry });
 * assert.equal(loaded.origin, "CONFIG");
 * assert.equal(loaded.config.bindings[0]?.name, "s3");
 * ```
 */
export async function loadConfig(options: LoadConfigOptions): Promise<LoadedConfig> {
  const inline = lookupEnv(options.env, "CONFIG");
  const hasInline = inline !== undefined && inline.trim() !== "";
  const read = options.readTextFile ?? ((p: string) => Deno.readTextFile(p));
  let sourceText: string | undefined;
  let origin = "CONFIG";
  if (options.path === "") {
    if (!hasInline) {
      throw new ConfigError(
        ['--config "": the CONFIG environment variable is not set (or blank)'],
        [],
        "CONFIG",
      );
    }
  } else {
    origin = options.path ?? "config.yaml";
    try {
      sourceText = await read(origin);
    } catch (err) {
      const missing = err instanceof Deno.errors.NotFound;
      // Our addition: without --config, a missing config.yaml falls back to CONFIG.
      if (!(missing && options.path === undefined && hasInline)) {
        const detail = missing
          ? "file not found (pass another path, or put the config in the CONFIG environment variable)"
          : (err as Error).message;
        throw new ConfigError([`${origin}: cannot read: ${detail}`], [], origin);
      }
      origin = "CONFIG";
    }
  }
  if (sourceText === undefined) sourceText = decodeInlineConfig(inline ?? "");
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
