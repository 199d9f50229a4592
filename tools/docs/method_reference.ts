/**
 * The S3 method reference, generated from the method registry: a summary table, then per method
 * its metadata keys and a request and response exactly as they travel (encoded by lib/wire.ts),
 * with the response's data decoded beside it. Also the short method index of README.md.
 */
import type { Method } from "../../lib/targets/aws_s3/method.ts";
import { methods } from "../../lib/targets/aws_s3/registry.ts";
import { encodeRequest, encodeResponse, okResponse } from "../../lib/wire.ts";
import { cell } from "./markdown.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A wire body pretty-printed, two spaces, as a sender would see it in a JSON viewer. */
const pretty = (body: Uint8Array) => JSON.stringify(JSON.parse(decoder.decode(body)), null, 2);

function fence(lang: string, text: string): string {
  return `\`\`\`${lang}\n${text}\n\`\`\``;
}

function example(m: Method): string {
  const { metadata, data, response, responseData } = m.example;
  const request = encodeRequest({
    metadata,
    data: data === undefined || data === null ? null : encoder.encode(data),
  });
  const reply = encodeResponse(
    okResponse(
      response,
      responseData === undefined || responseData === null ? null : encoder.encode(responseData),
    ),
  );
  const parts = [
    "Request body:",
    fence("json", pretty(request)),
    "Response body:",
    fence("json", pretty(reply)),
  ];
  if (responseData !== undefined && responseData !== null) {
    let decoded = responseData;
    let lang = "text";
    try {
      decoded = JSON.stringify(JSON.parse(responseData), null, 2);
      lang = "json";
    } catch {
      // Not JSON: the bytes are shown as text.
    }
    parts.push("`data` decoded:", fence(lang, decoded));
  }
  return parts.join("\n\n");
}

function metadataTable(m: Method): string {
  const rows = [
    "| Metadata key | Required | Default | Description |",
    "| :--- | :--- | :--- | :--- |",
    `| method | yes | | "${m.name}" |`,
  ];
  for (const [key, field] of Object.entries(m.metadata)) {
    const values = field.values ? ` One of: ${field.values.join(", ")}.` : "";
    rows.push(
      `| ${key} | ${field.required ? "yes" : "no"} | ${field.default ?? ""} | ${
        cell(field.description + values)
      } |`,
    );
  }
  if (m.data !== "none") {
    rows.push(
      `| (data) | ${m.data === "required" ? "yes" : "no"} | | ${
        cell(m.dataDescription ?? "Request data.")
      } |`,
    );
  }
  return rows.join("\n");
}

/** The full reference for docs/methods.md. */
export function methodsMarkdown(list: readonly Method[] = methods): string {
  const summary = [
    "| Method | What it does |",
    "| :--- | :--- |",
    ...list.map((m) => `| [${m.name}](#${m.name}) | ${cell(m.description)} |`),
  ].join("\n");
  const sections = list.map((m) =>
    `### ${m.name}\n\n${m.description}\n\n${metadataTable(m)}\n\n${example(m)}`
  );
  return `${summary}\n\n${sections.join("\n\n")}`;
}

/** The README's method index: every method name, linked to its section in docs/methods.md. */
export function methodIndexMarkdown(list: readonly Method[] = methods): string {
  return list.map((m) => `[\`${m.name}\`](docs/methods.md#${m.name})`).join(" · ");
}
