/**
 * Redaction: a copy of the config safe to log or serve. Values of secret fields, and of keys
 * that look secret (`*secret*`, `*token*`, `*password*`, `*_key`...), become `***`; fields
 * declared `secret: "partial"` show their first characters. Each kind's schema says how its
 * fields are shown, and a key outside any schema (middleware metadata) is shown as the kinds'
 * schemas show a field of that name: nothing here names a kind's field.
 */
import type { KindSet } from "../kinds/kind_set.ts";
import type { Schema, SecretMode } from "../schema.ts";
import { isPlainObject } from "./_tree.ts";
import type { AppConfig, EndpointConfig } from "./app_config.ts";

/** The shown replacement of a secret value. */
export const REDACTED = "***";

/** A copy of the config safe to log or serve, each field shown as its kind's schema says. */
export function redactConfig(config: AppConfig, kinds: KindSet): AppConfig {
  const declared = declaredModes(kinds);
  return {
    ...config,
    bindings: config.bindings.map((b) => ({
      ...b,
      middleware: {
        ...b.middleware,
        metadata: redactRecord(b.middleware.metadata, undefined, declared),
      },
      source: redactEndpoint(b.source, kinds.source(b.source.kind)?.properties, declared),
      target: redactEndpoint(b.target, kinds.target(b.target.kind)?.properties, declared),
    })),
  };
}

/**
 * How the kinds' schemas show a field of each name, for keys outside a schema: the strictest
 * mode any kind declares (a secret in one kind stays secret everywhere).
 */
function declaredModes(kinds: KindSet): Map<string, SecretMode> {
  const modes = new Map<string, SecretMode>();
  for (const kind of [...kinds.sources, ...kinds.targets]) {
    for (const [key, field] of Object.entries(kind.properties)) {
      if (field.secret !== false && modes.get(key) !== true) modes.set(key, field.secret);
    }
  }
  return modes;
}

function redactEndpoint(
  endpoint: EndpointConfig,
  schema: Schema | undefined,
  declared: Map<string, SecretMode>,
): EndpointConfig {
  const options = isPlainObject(endpoint.options)
    ? redactRecord(endpoint.options, schema, declared)
    : endpoint.options;
  return { ...endpoint, properties: redactRecord(endpoint.properties, schema, declared), options };
}

function redactRecord<T>(
  record: Record<string, T>,
  schema: Schema | undefined,
  declared: Map<string, SecretMode>,
) {
  const out: Record<string, T | string> = {};
  for (const [key, value] of Object.entries(record)) {
    const unset = value === undefined || value === "";
    const mode = schema?.[key]?.secret ?? declared.get(key);
    if (unset) out[key] = value;
    else if (mode === "partial") out[key] = typeof value === "string" ? partly(value) : REDACTED;
    else if (mode === true || looksSecret(key)) out[key] = REDACTED;
    else out[key] = value;
  }
  return out;
}

function looksSecret(key: string): boolean {
  const k = key.toLowerCase();
  // A key *file* or *path* names where a secret lives, which is worth seeing when debugging.
  if (/(_file|_path)$/.test(k)) return false;
  if (/secret|token|passw|credential|private|apikey/.test(k)) return true;
  return k.split(/[_.-]/).includes("key");
}

function partly(value: string): string {
  // Short values would be mostly revealed by 4 characters.
  return value.length >= 12 ? `${value.slice(0, 4)}${REDACTED}` : REDACTED;
}
