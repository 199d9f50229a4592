/**
 * Logging with LogTape: JSON lines in production, readable lines in dev. Every binding gets its
 * own category so its `log_level` applies to it alone.
 */
import {
  configureSync,
  getJsonLinesFormatter,
  getLogger,
  getTextFormatter,
  type Logger,
  type LogLevel,
  type LogRecord,
  resetSync,
} from "@logtape/logtape";

/** The root category of every logger of the connector. */
export const ROOT = "kubemq-s3";

/** Output format. */
export type LogFormat = "json" | "text";

/** A binding's middleware log level, as in the original ("" = lifecycle and failures only). */
export type BindingLogLevel = "debug" | "info" | "error" | "";

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
    : getTextFormatter({ timestamp: "date-time-tz", value: (v) => Deno.inspect(v) });
  const sink = (record: LogRecord) => write(formatter(record));
  resetSync();
  configureSync({
    reset: true,
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
