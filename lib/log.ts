/**
 * Logging with LogTape: JSON lines in production, readable lines in dev. Every binding gets its
 * own category so its `log_level` applies to it alone. A request's binding, method and request
 * id ride along as implicit context, so lines logged deep inside a target (progress of a long
 * transfer or of emptying a bucket) carry them too.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { MiddlewareOptions } from "./config/middleware_options.ts";
import {
  configureSync,
  getJsonLinesFormatter,
  getLogger,
  getTextFormatter,
  type Logger,
  type LogLevel,
  type LogRecord,
  resetSync,
  withContext,
} from "@logtape/logtape";

/** The root category of every logger of the connector. */
export const ROOT = "kubemq-s3";

/** Output format. */
export type LogFormat = "json" | "text";

/** A binding's middleware log level, as in the original ("" = lifecycle and failures only). */
export type BindingLogLevel = MiddlewareOptions["log_level"];

function levelOf(level: BindingLogLevel): LogLevel {
  return level === ""
    ? "warning"
    : level === "debug"
    ? "debug"
    : level === "info"
    ? "info"
    : "error";
}

const encoder = new TextEncoder();

/** One store for the whole isolate: reconfiguring logging must not lose running contexts. */
const contextStorage = new AsyncLocalStorage<Record<string, unknown>>();

function shownValue(value: unknown): string {
  if (typeof value === "string") return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean" || value === null) {
    return String(value);
  }
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * The readable format: LogTape's text line, then every property the message does not show as
 * `key=value`, so dev output loses nothing the JSON lines carry (the effective config at
 * startup, a request's id and duration).
 */
export function textFormatter(): (record: LogRecord) => string {
  const text = getTextFormatter({ timestamp: "date-time-tz", value: (v) => Deno.inspect(v) });
  return (record) => {
    const template = typeof record.rawMessage === "string"
      ? record.rawMessage
      : record.rawMessage.join("");
    const shown = new Set([...template.matchAll(/\{\s*([^{}\s]+)\s*\}/g)].map((m) => m[1]));
    const extra = Object.entries(record.properties)
      .filter(([k]) => !shown.has(k))
      .map(([k, v]) => ` ${k}=${shownValue(v)}`)
      .join("");
    const line = text(record);
    return extra === "" ? line : line.replace(/\r?\n$/, "") + extra + "\n";
  };
}

/**
 * (Re)configures logging. Lines go to stderr synchronously, so nothing is lost at exit.
 * `bindings` sets each binding's lowest level; everything else logs at `info`.
 */
export function setupLogging(
  format: LogFormat,
  bindings: readonly { name: string; level: BindingLogLevel }[],
  write: (line: string) => void = (line) => Deno.stderr.writeSync(encoder.encode(line)),
): void {
  const formatter = format === "json"
    ? getJsonLinesFormatter({ properties: "flatten", message: "rendered" })
    : textFormatter();
  const sink = (record: LogRecord) => write(formatter(record));
  resetSync();
  configureSync({
    reset: true,
    contextLocalStorage: contextStorage,
    sinks: { out: sink },
    loggers: [
      { category: [ROOT], lowestLevel: "info", sinks: ["out"] },
      { category: ["logtape", "meta"], lowestLevel: "warning", sinks: ["out"] },
      ...bindings.map((b) => ({
        // Only per-request lines follow log_level; lifecycle lines (started, reconnecting)
        // are under the binding's own category and always show.
        category: [ROOT, "requests", b.name],
        lowestLevel: levelOf(b.level),
        parentSinks: "override" as const,
        sinks: ["out"],
      })),
    ],
  });
}

/** The connector's main logger, or a child category. */
export function logger(...category: string[]): Logger {
  return getLogger([ROOT, ...category]);
}

/** The lifecycle logger of one binding. */
export function bindingLogger(name: string): Logger {
  return getLogger([ROOT, "binding", name]);
}

/** The per-request logger of one binding, filtered by its `log_level`. */
export function requestLogger(name: string): Logger {
  return getLogger([ROOT, "requests", name]);
}

/**
 * Runs `fn` with `fields` (binding, method, requestId) attached to every line logged inside it,
 * including lines of code that only has a kind's logger.
 */
export function withLogContext<T>(fields: Record<string, unknown>, fn: () => T): T {
  return withContext(fields, fn);
}

/**
 * Decides which progress reports of one long operation get logged: the first, the last, one
 * per `stepPercent` crossed, and otherwise at most one per `intervalMs`. A 20 MiB upload in
 * 8 MiB parts logs each part; a slow 5 GiB one logs about once a second, not once per part.
 */
export function progressGate(
  intervalMs = 1000,
  stepPercent = 25,
  now: () => number = () => performance.now(),
): (done: number, total: number) => boolean {
  let lastAt = -Infinity;
  let lastStep = -1;
  return (done, total) => {
    const percent = total > 0 ? Math.min(100, (done / total) * 100) : 100;
    const step = Math.floor(percent / stepPercent);
    const t = now();
    const due = lastStep < 0 || done >= total || step > lastStep || t - lastAt >= intervalMs;
    if (!due) return false;
    lastAt = t;
    lastStep = step;
    return true;
  };
}
