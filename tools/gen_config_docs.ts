/**
 * Generates the property tables of docs/configuration.md from the schemas the config loader
 * validates with, between `<!-- config:NAME:start -->` and `<!-- config:NAME:end -->` markers,
 * so the reference cannot drift from the code.
 *
 * `deno run --allow-read --allow-write --allow-run tools/gen_config_docs.ts` rewrites the file
 * (formatted by `deno fmt`, so `deno fmt --check` agrees);
 * `--check` exits 1 when it is out of date. Every property needs an example below, and every
 * example must parse with its property's own parser: a new, renamed or re-typed property fails
 * the generator until its example is right.
 */
import { appProperties } from "../lib/config/config.ts";
import { middlewareAliases, middlewareProperties } from "../lib/config/middleware_options.ts";
import type { Field, Schema } from "../lib/schema.ts";
import { kubemqQueryProperties } from "../lib/sources/kubemq_query/options.ts";
import { kubemqQueueProperties } from "../lib/sources/kubemq_queue/options.ts";
import { kubemqCommandProperties } from "../lib/sources/kubemq_command/options.ts";
import {
  kubemqEventsProperties,
  kubemqEventsStoreProperties,
} from "../lib/sources/kubemq_events/options.ts";
import { s3TargetProperties } from "../lib/targets/aws_s3/options.ts";
import { formatMarkdown } from "./readme.ts";

const DOC = new URL("../docs/configuration.md", import.meta.url);

interface Section {
  schema: Schema;
  examples: Record<string, string>;
  aliases?: Readonly<Record<string, string>>;
  /** Rendered in docs/configuration.md only (the README shows the query source's table). */
  docsOnly?: boolean;
}

/** Examples of the connection properties every KubeMQ source kind shares. */
const connectionExamples = {
  address: "kubemq-cluster-grpc.kubemq:50000",
  client_id: "kubemq-s3-prod",
  auth_token: "${KUBEMQ_TOKEN}",
  tls: "true",
  ca_cert: "/etc/kubemq-s3/tls/ca.pem",
  client_cert: "/etc/kubemq-s3/tls/client.pem",
  client_key: "/etc/kubemq-s3/tls/client.key",
  max_message_bytes: "52428800",
  do_not_parse_payload: "false",
};
/** Examples of the subscription properties of command, events and events-store. */
const subscriptionExamples = {
  ...connectionExamples,
  group: "s3-workers",
  sources: "4",
  auto_reconnect: "true",
  reconnect_interval_seconds: "5",
  max_reconnects: "10",
  concurrency: "128",
};

/** The sections of the reference: a schema and an example value per property. */
export const sections: Record<string, Section> = {
  top: {
    schema: appProperties,
    examples: {
      apiPort: "8080",
      apiHost: "127.0.0.1",
      enableRequestApi: "true",
      drainTimeoutSeconds: "60",
      logFormat: "text",
    },
  },
  middleware: {
    schema: middlewareProperties,
    aliases: middlewareAliases,
    examples: {
      log_level: "info",
      retry_attempts: "3",
      retry_delay_milliseconds: "200",
      retry_max_jitter_milliseconds: "50",
      retry_delay_type: "fixed",
      rate_per_second: "50",
      metadata: '{"bucket_name":"invoices"}',
      request_timeout_seconds: "120",
    },
  },
  source: {
    schema: kubemqQueryProperties,
    examples: {
      address: "kubemq-cluster-grpc.kubemq:50000",
      client_id: "kubemq-s3-prod",
      auth_token: "${KUBEMQ_TOKEN}",
      channel: "query.aws.s3",
      group: "s3-workers",
      sources: "4",
      auto_reconnect: "true",
      reconnect_interval_seconds: "5",
      max_reconnects: "10",
      do_not_parse_payload: "false",
      tls: "true",
      ca_cert: "/etc/kubemq-s3/tls/ca.pem",
      client_cert: "/etc/kubemq-s3/tls/client.pem",
      client_key: "/etc/kubemq-s3/tls/client.key",
      concurrency: "128",
      max_message_bytes: "52428800",
    },
  },
  source_queue: {
    schema: kubemqQueueProperties,
    docsOnly: true,
    examples: {
      ...connectionExamples,
      channel: "queue.aws.s3",
      sources: "4",
      response_channel: "queue.aws.s3.responses",
      batch_size: "2",
      wait_timeout: "60",
      max_requeue: "10",
      dead_letter_queue: "queue.aws.s3.failed",
      visibility_timeout_seconds: "300",
      requeue_delay_seconds: "2",
      concurrency: "16",
    },
  },
  source_command: {
    schema: kubemqCommandProperties,
    docsOnly: true,
    examples: { ...subscriptionExamples, channel: "command.aws.s3" },
  },
  source_events: {
    schema: kubemqEventsProperties,
    docsOnly: true,
    examples: {
      ...subscriptionExamples,
      channel: "events.aws.s3",
      response_channel: "events.aws.s3.results",
    },
  },
  source_events_store: {
    schema: kubemqEventsStoreProperties,
    docsOnly: true,
    examples: {
      ...subscriptionExamples,
      channel: "events-store.aws.s3",
      response_channel: "events-store.aws.s3.results",
      start_position: "sequence",
      start_value: "1200",
    },
  },
  target: {
    schema: s3TargetProperties,
    examples: {
      aws_key: "${AWS_ACCESS_KEY_ID}",
      aws_secret_key: "${AWS_SECRET_ACCESS_KEY}",
      region: "eu-central-1",
      token: "${AWS_SESSION_TOKEN}",
      downloader: "true",
      uploader: "true",
      endpoint: "http://minio.storage:9000",
      force_path_style: "true",
      checksum: "when_required",
      insecure_skip_verify: "false",
      part_size_mb: "16",
      part_concurrency: "8",
      request_timeout_seconds: "300",
      wait_timeout_seconds: "60",
    },
  },
};

const cell = (text: string) => text.replaceAll("|", "\\|").replaceAll("\n", " ");
const code = (text: string) => text.includes("`") ? `\`\` ${text} \`\`` : `\`${text}\``;

/** An integer field's range, read from its own parser's error so it cannot drift. */
function range(field: Field<unknown>): string {
  if (field.type !== "integer") return "";
  try {
    field.parse("not a number");
  } catch (err) {
    const m = /an integer from (-?\d+) to (-?\d+)/.exec((err as Error).message);
    if (m) return ` (${m[1]}–${m[2]})`;
  }
  return "";
}

function typeOf(field: Field<unknown>): string {
  if (field.values) return field.values.map((v) => (v === "" ? '""' : v)).join(" | ");
  return field.type + range(field);
}

/** The table of one section; throws when an example is missing, unknown or invalid. */
export function table(name: string, section: Section): string {
  const keys = Object.keys(section.schema);
  for (const key of Object.keys(section.examples)) {
    if (!keys.includes(key)) throw new Error(`${name}: example for unknown property ${key}`);
  }
  const rows = [
    "| Property | Type | Required | Default | Example | Description |",
    "| :--- | :--- | :--- | :--- | :--- | :--- |",
  ];
  for (const key of keys) {
    const field = section.schema[key]!;
    const example = section.examples[key];
    if (example === undefined) throw new Error(`${name}: property ${key} has no example`);
    // `${VAR}` examples are expanded before parsing; they stand for a value of the type.
    if (!example.startsWith("${")) {
      try {
        field.parse(example);
      } catch (err) {
        throw new Error(`${name}: example ${key}=${example} is invalid: ${(err as Error).message}`);
      }
    }
    const aliases = Object.entries(section.aliases ?? {})
      .filter(([alias, target]) => target === key && !field.description.includes(alias))
      .map(([alias]) => ` Also accepted as ${code(alias)}.`)
      .join("");
    const secret = field.secret ? " Secret: never logged or served." : "";
    const dflt = field.default === undefined
      ? ""
      : code(field.default === "" ? '""' : field.default);
    rows.push(
      `| ${code(key)} | ${cell(typeOf(field))} | ${field.required ? "yes" : "no"} | ${dflt} | ${
        code(example)
      } | ${cell(field.description + aliases + secret)} |`,
    );
  }
  return rows.join("\n");
}

/** Replaces every generated block of `text`; throws when a marker is missing. */
export function render(text: string): string {
  let out = text;
  for (const [name, section] of Object.entries(sections)) {
    const start = `<!-- config:${name}:start -->`;
    const end = `<!-- config:${name}:end -->`;
    const a = out.indexOf(start);
    const b = out.indexOf(end);
    if (a < 0 && b < 0 && section.docsOnly) continue;
    if (a < 0 || b < a) throw new Error(`docs/configuration.md lacks ${start} ... ${end}`);
    out = `${out.slice(0, a + start.length)}\n${table(name, section)}\n${out.slice(b)}`;
  }
  return out;
}

if (import.meta.main) {
  const current = await Deno.readTextFile(DOC);
  for (const [name, section] of Object.entries(sections)) {
    if (section.docsOnly && !current.includes(`<!-- config:${name}:start -->`)) {
      throw new Error(`docs/configuration.md lacks <!-- config:${name}:start --> ... end`);
    }
  }
  const next = await formatMarkdown(render(current));
  if (Deno.args.includes("--check")) {
    if (next !== current) {
      console.error(
        "docs/configuration.md is out of date: run deno run -R -W --allow-run tools/gen_config_docs.ts",
      );
      Deno.exit(1);
    }
  } else if (next !== current) {
    await Deno.writeTextFile(DOC, next);
    console.error("docs/configuration.md updated");
  }
}
