/**
 * Redaction: a copy of the config safe to log or serve. Values of secret fields, and of keys
 * that look secret (`*secret*`, `*token*`, `*password*`, `*_key`...), become `***`; fields
 * declared `secret: "partial"` show their first characters. Each kind's schema says how its
 * fields are shown: nothing here names a kind's field.
 */
import type { KindSet } from "../kinds/kind_set.ts";
import type { Schema } from "../schema.ts";
import { isPlainObject } from "./_tree.ts";
import type { AppConfig, EndpointConfig } from "./app_config.ts";

/** The shown replacement of a secret value. */
export const REDACTED = "***";

/** A copy of the config safe to log or serve, each field shown as its kind's schema says. */
export function redactConfig(config: AppConfig, kinds: KindSet): AppConfig {
  return {
    ...config,
    bindings: config.bindings.map((b) => ({
      ...b,
      middleware: { ...b.middleware, metadata: redactRecord(b.middleware.metadata, undefined) },
      source: redactEndpoint(b.source, kinds.source(b.source.kind)?.properties),
      target: redactEndpoint(b.target, kinds.target(b.target.kind)?.properties),
    })),
  };
}

function redactEndpoint(endpoint: EndpointConfig, schema: Schema | undefined): EndpointConfig {
  const options = isPlainObject(endpoint.options)
    ? redactRecord(endpoint.options, schema)
    : endpoint.options;
  return { ...endpoint, properties: redactRecord(endpoint.properties, schema), options };
}

function redactRecord<T>(record: Record<string, T>, schema: Schema | undefined) {
  const out: Record<string, T | string> = {};
  for (const [key, value] of Object.entries(record)) {
    const unset = value === undefined || value === "";
    const mode = schema?.[key]?.secret;
    const partial = mode === "partial" || (mode === undefined && SEMI_PUBLIC.has(key));
    if (unset) out[key] = value;
    else if (partial) out[key] = typeof value === "string" ? partly(value) : REDACTED;
    else if (mode === true || looksSecret(key)) out[key] = REDACTED;
    else out[key] = value;
  }
  return out;
}

/**
 * Keys outside any schema (e.g. middleware metadata) whose usual meaning is an identifier that
 * grants no access: shown in part. A kind's own fields say so in their schema instead.
 */
const SEMI_PUBLIC = new Set(["access_key_id", "aws_access_key_id"]);

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
