/**
 * Argument parsing for `tools/send.ts`, the sender CLI: pure (no I/O), so it is unit-tested
 * directly. Flags become KubeMQ connection settings and a connector request; the method name
 * and metadata keys are checked against the S3 method registry.
 *
 * @example
 * ```ts
 * const parsed = parseSendArgs(["--method", "get_item", "--bucket", "b", "--item", "k"], {});
 * if (parsed.kind === "send") console.log(parsed.options.request);
 * ```
 * @module
 */

import { parseArgs } from "node:util";
import type { Method } from "../../lib/targets/aws_s3/method.ts";
import { methods, methodsByName } from "../../lib/targets/aws_s3/registry.ts";

/** Default broker address (overridden by env KUBEMQ_ADDRESS, then --address). */
export const DEFAULT_ADDRESS = "localhost:50000";
/** Default channel, as in the seed's example config. */
export const DEFAULT_CHANNEL = "query.aws.s3";
/** Base timeout in seconds when --timeout is not given. */
export const DEFAULT_TIMEOUT_SECONDS = 30;
/** Seconds added to the default timeout per MiB of request data. */
export const TIMEOUT_SECONDS_PER_MIB = 2;
/** The largest timeout KubeMQ's int32 millisecond field can carry. */
export const MAX_TIMEOUT_SECONDS = Math.floor(2147483647 / 1000);

/** Convenience flags and the metadata keys they set. */
export const METADATA_FLAGS = {
  bucket: "bucket_name",
  item: "item_name",
  "copy-source": "copy_source",
} as const;

/** What to send as the query body. */
export type RequestSpec =
  | {
    kind: "request";
    /** The method, already checked against the registry. */
    method: string;
    /** Full request metadata, `method` included. */
    metadata: Record<string, string>;
    /** Data from --data (UTF-8), or null. */
    data: Uint8Array | null;
    /** A file whose bytes are the data (--data-file); read by the CLI. */
    dataFile?: string;
  }
  | {
    kind: "raw";
    /** The --json text, sent as the body byte for byte. */
    body: Uint8Array;
  };

/** Everything the CLI needs to send one request. */
export interface SendOptions {
  address: string;
  channel: string;
  clientId: string;
  authToken?: string;
  /** Path of a PEM CA file; enables TLS. */
  caCert?: string;
  /** TLS server name to verify instead of the address's host. */
  tlsServerName?: string;
  /** --timeout in seconds; undefined means the size-based default ({@link defaultTimeoutSeconds}). */
  timeoutSeconds?: number;
  request: RequestSpec;
  /** Write the response data to this file instead of printing it. */
  out?: string;
  /** --trace: start a trace (a W3C `traceparent` in the message's tags) and print its id. */
  trace?: boolean;
  /** Notes for stderr: metadata keys the method does not know, data it ignores, etc. */
  warnings: string[];
}

/** The outcome of parsing: send, print help, or a usage error (exit 2). */
export type ParseResult =
  | { kind: "send"; options: SendOptions }
  | { kind: "help"; text: string }
  | { kind: "error"; message: string };

/** Environment variables consulted: KUBEMQ_ADDRESS, KUBEMQ_AUTH_TOKEN. */
export type Env = Readonly<Record<string, string | undefined>>;

const OPTIONS = {
  address: { type: "string" },
  channel: { type: "string" },
  "client-id": { type: "string" },
  "auth-token": { type: "string" },
  "ca-cert": { type: "string" },
  "tls-server-name": { type: "string" },
  timeout: { type: "string" },
  method: { type: "string", short: "m" },
  bucket: { type: "string" },
  item: { type: "string" },
  "copy-source": { type: "string" },
  wait: { type: "boolean" },
  meta: { type: "string", multiple: true },
  data: { type: "string" },
  "data-file": { type: "string" },
  out: { type: "string", short: "o" },
  json: { type: "string" },
  trace: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

/** The default timeout for a request carrying `dataBytes` of data: 30 s + 2 s per MiB. */
export function defaultTimeoutSeconds(dataBytes: number): number {
  return DEFAULT_TIMEOUT_SECONDS + Math.ceil(dataBytes / (1024 * 1024)) * TIMEOUT_SECONDS_PER_MIB;
}

/** The sorted method names, one per line, for "unknown method" errors. */
export function methodList(): string {
  return methods.map((m) => `  ${m.name}`).join("\n");
}

function flagFor(key: string): string {
  for (const [flag, k] of Object.entries(METADATA_FLAGS)) if (k === key) return `--${flag}`;
  if (key === "wait_for_completion") return "--wait";
  return `--meta ${key}=...`;
}

function wrap(text: string, width: number, indent: string, hanging = ""): string {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.map((l, i) => indent + (i > 0 ? hanging : "") + l).join("\n");
}

function methodHelp(m: Method): string {
  const out = [`  ${m.name}`, wrap(m.description, 88, "      ")];
  for (const [key, field] of Object.entries(m.metadata)) {
    const flag = flagFor(key);
    const tags = [
      field.required ? "required" : "",
      field.values ? `one of ${field.values.join("|")}` : field.type !== "string" ? field.type : "",
      field.default !== undefined ? `default ${field.default}` : "",
    ].filter(Boolean).join(", ");
    const name = flag.startsWith("--meta") ? key : `${key} (${flag})`;
    out.push(wrap(`${name}${tags ? ` [${tags}]` : ""}: ${field.description}`, 88, "      ", "  "));
  }
  if (m.data !== "none") {
    const what = m.dataDescription ?? "The request's data.";
    out.push(wrap(`data (--data-file/--data) [${m.data}]: ${what}`, 88, "      ", "  "));
  }
  return out.join("\n");
}

/** The --help text, generated from the method registry. */
export function usage(): string {
  return `Send one request to the KubeMQ S3 target connector and print its response.

Usage:
  deno run --allow-net --allow-read --allow-write tools/send.ts --method NAME [flags]

Connection:
  --address HOST:PORT     KubeMQ gRPC address (default $KUBEMQ_ADDRESS, else ${DEFAULT_ADDRESS})
  --channel NAME          query channel (default ${DEFAULT_CHANNEL})
  --client-id ID          sender client id (default kubemq-send-<random>)
  --auth-token TOKEN      sent as "authorization" metadata (default $KUBEMQ_AUTH_TOKEN)
  --ca-cert FILE          use TLS, trusting this PEM CA
  --tls-server-name NAME  TLS name to verify (needed for TLS to an IP address)
  --timeout SECONDS       how long the broker waits for the connector's answer (default
                          ${DEFAULT_TIMEOUT_SECONDS} s + ${TIMEOUT_SECONDS_PER_MIB} s per MiB of request data; give
                          large get_item downloads a larger --timeout)

Request:
  --method, -m NAME       the S3 method (see below)
  --bucket NAME           metadata bucket_name
  --item KEY              metadata item_name
  --copy-source SRC       metadata copy_source ("bucket" or "bucket/key")
  --wait                  metadata wait_for_completion=true
  --meta KEY=VALUE        any other metadata (repeatable)
  --data TEXT             request data: this text, UTF-8
  --data-file FILE        request data: the file's bytes (KubeMQ's 100 MiB body limit and
                          base64 allow about 75 MiB)
  --json BODY             send BODY as the query body as is, e.g. to try malformed requests;
                          excludes the other request flags

Tracing:
  --trace                 start a trace: the message's tags carry a W3C traceparent, which the
                          connector continues (when its tracing is on); prints the trace id on
                          stderr. Run with OTEL_DENO=true to export this sender's span as well

Environment (read only when permitted, e.g. --allow-env=KUBEMQ_ADDRESS,KUBEMQ_AUTH_TOKEN):
  KUBEMQ_ADDRESS, KUBEMQ_AUTH_TOKEN  defaults for --address and --auth-token

Output:
  --out, -o FILE          write the response data (bytes) to FILE instead of printing it
  --help, -h              this text

Response metadata prints as "key: value" lines, then the data: pretty JSON when it is JSON,
text when it is printable UTF-8, else a note of its size (use --out).
Exit status: 0 success, 1 the connector answered with an error (is_error), 2 usage error,
KubeMQ error (e.g. no connector subscribed on the channel) or I/O error.

Methods (metadata keys; flags in parentheses, others via --meta):
${methods.map(methodHelp).join("\n")}
`;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(
        (prev[j] ?? 0) + 1,
        (row[j - 1] ?? 0) + 1,
        (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    prev = row;
  }
  return prev[b.length] ?? 0;
}

function unknownMethod(name: string): string {
  let best: { name: string; distance: number } | undefined;
  for (const m of methods) {
    const distance = editDistance(name.toLowerCase(), m.name);
    if (!best || distance < best.distance) best = { name: m.name, distance };
  }
  const hint = best && best.distance <= Math.max(2, Math.floor(name.length / 4))
    ? ` Did you mean "${best.name}"?`
    : "";
  return `Unknown method "${name}".${hint} Valid methods:\n${methodList()}`;
}

/**
 * Parses the CLI's arguments. `env` supplies KUBEMQ_ADDRESS and KUBEMQ_AUTH_TOKEN defaults;
 * `randomId` makes the default client id deterministic in tests.
 */
export function parseSendArgs(
  args: readonly string[],
  env: Env = {},
  randomId: () => string = () => crypto.randomUUID().slice(0, 8),
): ParseResult {
  let values;
  try {
    ({ values } = parseArgs({ args: [...args], options: OPTIONS, strict: true }));
  } catch (err) {
    return { kind: "error", message: `${(err as Error).message}\nRun with --help for usage.` };
  }
  if (values.help) return { kind: "help", text: usage() };
  const error = (message: string): ParseResult => ({ kind: "error", message });

  const address = values.address ?? env.KUBEMQ_ADDRESS ?? DEFAULT_ADDRESS;
  if (!/^(\[[^\]]+\]|[^\s:\/]+):\d+$/.test(address)) {
    return error(`Invalid --address "${address}": expected HOST:PORT, e.g. ${DEFAULT_ADDRESS}`);
  }
  const channel = values.channel ?? DEFAULT_CHANNEL;
  if (channel === "") return error("--channel must not be empty");
  const clientId = values["client-id"] ?? `kubemq-send-${randomId()}`;
  if (clientId === "") return error("--client-id must not be empty");

  let timeoutSeconds: number | undefined;
  if (values.timeout !== undefined) {
    timeoutSeconds = Number(values.timeout);
    if (
      values.timeout.trim() === "" || !Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0 ||
      timeoutSeconds > MAX_TIMEOUT_SECONDS
    ) {
      return error(
        `Invalid --timeout "${values.timeout}": expected seconds, > 0 and <= ${MAX_TIMEOUT_SECONDS}`,
      );
    }
  }

  const options: SendOptions = {
    address,
    channel,
    clientId,
    request: { kind: "raw", body: new Uint8Array() },
    warnings: [],
  };
  const authToken = values["auth-token"] ?? env.KUBEMQ_AUTH_TOKEN;
  if (authToken !== undefined) options.authToken = authToken;
  if (values["ca-cert"] !== undefined) options.caCert = values["ca-cert"];
  if (values["tls-server-name"] !== undefined) {
    options.tlsServerName = values["tls-server-name"];
  }
  if (timeoutSeconds !== undefined) options.timeoutSeconds = timeoutSeconds;
  if (values.out !== undefined) options.out = values.out;
  if (values.trace) options.trace = true;

  if (values.json !== undefined) {
    const conflicting = [
      "method",
      "bucket",
      "item",
      "copy-source",
      "wait",
      "meta",
      "data",
      "data-file",
    ].filter((k) => values[k as keyof typeof values] !== undefined);
    if (conflicting.length > 0) {
      return error(
        `--json sends the body as is; it cannot be combined with ${
          conflicting.map((k) => `--${k}`).join(", ")
        }`,
      );
    }
    options.request = { kind: "raw", body: new TextEncoder().encode(values.json) };
    return { kind: "send", options };
  }

  if (values.method === undefined) {
    return error(`Missing --method. Valid methods:\n${methodList()}\nRun with --help for usage.`);
  }
  const method = methodsByName.get(values.method);
  if (!method) return error(unknownMethod(values.method));

  const metadata: Record<string, string> = { method: method.name };
  const set = (key: string, value: string, source: string): string | undefined => {
    if (key === "method") return `Set the method with --method, not ${source}`;
    const previous = metadata[key];
    if (previous !== undefined && previous !== value) {
      return `Conflicting values for metadata "${key}": "${previous}" and "${value}" (${source})`;
    }
    metadata[key] = value;
    return undefined;
  };
  for (const [flag, key] of Object.entries(METADATA_FLAGS)) {
    const value = values[flag as keyof typeof METADATA_FLAGS];
    if (value === undefined) continue;
    const problem = set(key, value, `--${flag}`);
    if (problem) return error(problem);
  }
  if (values.wait) set("wait_for_completion", "true", "--wait");
  for (const pair of values.meta ?? []) {
    const eq = pair.indexOf("=");
    if (eq <= 0) return error(`Invalid --meta "${pair}": expected KEY=VALUE`);
    const problem = set(pair.slice(0, eq), pair.slice(eq + 1), `--meta ${pair}`);
    if (problem) return error(problem);
  }

  if (values.data !== undefined && values["data-file"] !== undefined) {
    return error("Give either --data or --data-file, not both");
  }
  const request: RequestSpec = {
    kind: "request",
    method: method.name,
    metadata,
    data: values.data === undefined ? null : new TextEncoder().encode(values.data),
  };
  if (values["data-file"] !== undefined) request.dataFile = values["data-file"];
  options.request = request;

  // Warnings, not errors: sending an incomplete request on purpose shows the connector's answer.
  const known = method.metadata;
  for (const key of Object.keys(metadata)) {
    if (key !== "method" && !(key in known)) {
      options.warnings.push(
        `metadata "${key}" is not used by ${method.name} (it knows: ${
          Object.keys(known).join(", ") || "no keys"
        })`,
      );
    }
  }
  for (const [key, field] of Object.entries(known)) {
    if (field.required && metadata[key] === undefined) {
      options.warnings.push(`${method.name} requires "${key}" (${flagFor(key)}); sending anyway`);
    }
  }
  const hasData = request.data !== null || request.dataFile !== undefined;
  if (method.data === "none" && hasData) {
    options.warnings.push(`${method.name} does not use data; sending it anyway`);
  }
  if (method.data === "required" && !hasData) {
    options.warnings.push(`${method.name} requires data (--data-file or --data); sending anyway`);
  }
  return { kind: "send", options };
}
