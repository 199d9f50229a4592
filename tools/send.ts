// deno-lint-ignore-file no-console -- a command-line tool: the console is its output
/**
 * The sender CLI, like kubemqctl's "queries send": sends one request to the S3 target connector
 * through KubeMQ and prints the decoded response. Run with `--help` for usage (generated from
 * the method registry).
 *
 * @example
 * ```sh
 * deno run --allow-net --allow-read --allow-write tools/send.ts --method list_buckets
 * deno run --allow-net --allow-read --allow-write tools/send.ts -m upload_item \
 *   --bucket b --item k --data-file ./photo.jpg
 * deno run --allow-net --allow-read --allow-write tools/send.ts -m get_item \
 *   --bucket b --item k --out ./copy.jpg
 * ```
 *
 * Exit status: 0 success, 1 the connector answered `is_error`, 2 usage, KubeMQ or I/O error.
 * @module
 */

import { decodeResponse, encodeRequest, type TargetResponse } from "../lib/wire.ts";
import { canReadEnv, createSender, KubemqCallError, type SendPhase } from "./lib/kubemq_sender.ts";
import { KUBEMQ_MAX_MESSAGE_BYTES } from "../testing/kubemq_channel.ts";
import { defaultTimeoutSeconds, parseSendArgs, type SendOptions } from "./lib/send_args.ts";
import { type SendTrace, startSendTrace } from "./lib/send_trace.ts";

/** Request data above this size gets a progress indicator on stderr. */
export const PROGRESS_THRESHOLD_BYTES = 8 * 1024 * 1024;
/** Printed text beyond this many characters is cut, with a note suggesting --out. */
export const MAX_PRINT_CHARS = 64 * 1024;

/** Exit codes. */
export const Exit = { Ok: 0, TargetError: 1, Usage: 2 } as const;

const MiB = 1024 * 1024;
const encoder = new TextEncoder();

function mib(bytes: number): string {
  return `${(bytes / MiB).toFixed(1)} MiB`;
}

function describeBytes(bytes: number): string {
  return bytes >= MiB ? `${bytes} bytes (${mib(bytes)})` : `${bytes} bytes`;
}

/** A progress indicator on stderr: a live line on a TTY, one line otherwise, or nothing. */
class Progress {
  #tty: boolean;
  #enabled: boolean;
  #text = "";
  #phaseStarted = 0;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(enabled: boolean) {
    this.#tty = Deno.stderr.isTerminal();
    this.#enabled = enabled;
  }

  /** On a TTY: replace the live line. Elsewhere nothing; see {@link once}. */
  show(text: string, ticking = false): void {
    if (!this.#enabled || !this.#tty) return;
    this.#text = text;
    this.#phaseStarted = performance.now();
    this.#render(ticking);
    if (ticking && this.#timer === undefined) {
      this.#timer = setInterval(() => this.#render(true), 250);
    } else if (!ticking) this.#stopTimer();
  }

  /** Off a TTY: the single progress line. */
  once(text: string): void {
    if (this.#enabled && !this.#tty) console.error(text);
  }

  #render(ticking: boolean): void {
    const elapsed = ticking
      ? ` ${((performance.now() - this.#phaseStarted) / 1000).toFixed(1)} s`
      : "";
    Deno.stderr.writeSync(encoder.encode(`\r\x1b[K${this.#text}${elapsed}`));
  }

  #stopTimer(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Clears the live line. */
  done(): void {
    this.#stopTimer();
    if (this.#enabled && this.#tty && this.#text) Deno.stderr.writeSync(encoder.encode("\r\x1b[K"));
    this.#text = "";
  }
}

async function readDataFile(path: string, progress: (size: number) => Progress): Promise<{
  data: Uint8Array;
  progress: Progress;
}> {
  using file = await Deno.open(path, { read: true });
  const { size, isFile } = await file.stat();
  if (!isFile) throw new Error("not a regular file");
  const p = progress(size);
  const data = new Uint8Array(size);
  let offset = 0;
  while (offset < size) {
    const n = await file.read(data.subarray(offset, Math.min(size, offset + 4 * MiB)));
    if (n === null) break;
    offset += n;
    p.show(`reading ${path}: ${Math.floor((offset / size) * 100)}% of ${mib(size)}`);
  }
  // A file that shrank while being read: take what was there.
  if (offset < size) return { data: data.slice(0, offset), progress: p };
  return { data, progress: p };
}

/** True when `text` has no control characters other than tab, newline and carriage return. */
function isPrintable(text: string): boolean {
  // deno-lint-ignore no-control-regex
  return !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/.test(text);
}

// JSON.rawJSON (ES2025 JSON.parse source text access) is in V8 but not yet in TS's lib.
const rawJSON = (JSON as unknown as { rawJSON?: (text: string) => unknown }).rawJSON;

/** Pretty JSON when `text` is a JSON object or array (numbers keep their exact digits). */
function prettyJson(text: string): string | undefined {
  const trimmed = text.trimStart();
  if (!trimmed.startsWith("{") && !trimmed.startsWith("[")) return undefined;
  try {
    const value = JSON.parse(
      text,
      (_key, v, context?: { source?: string }) =>
        typeof v === "number" && context?.source !== undefined && rawJSON
          ? rawJSON(context.source)
          : v,
    );
    return JSON.stringify(value, null, 2);
  } catch {
    return undefined;
  }
}

/** Renders response data for the terminal: JSON, text or a size note. */
export function renderData(data: Uint8Array): { text: string; truncatedFrom?: number } {
  if (data.length === 0) return { text: "<0 bytes of data>" };
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(data);
  } catch {
    return { text: `<${describeBytes(data.length)} of binary data; use --out FILE>` };
  }
  if (!isPrintable(text)) {
    return { text: `<${describeBytes(data.length)} of binary data; use --out FILE>` };
  }
  const shown = prettyJson(text) ?? text;
  if (shown.length > MAX_PRINT_CHARS) {
    return { text: shown.slice(0, MAX_PRINT_CHARS), truncatedFrom: shown.length };
  }
  return { text: shown };
}

function printResponse(response: TargetResponse, options: SendOptions): Promise<void> | void {
  const lines = Object.entries(response.metadata).map(([k, v]) => `${k}: ${v}`);
  if (lines.length > 0) console.log(lines.join("\n"));
  if (response.data === null) {
    if (lines.length === 0 && !response.isError) {
      console.log("<empty response: no metadata, no data>");
    }
    if (options.out !== undefined && !response.isError) {
      console.error(`note: the response has no data; ${options.out} was not written`);
    }
    return;
  }
  if (options.out !== undefined) {
    const out = options.out;
    const data = response.data;
    return Deno.writeFile(out, data).then(() => {
      console.log(`data: ${describeBytes(data.length)} written to ${out}`);
    });
  }
  const rendered = renderData(response.data);
  if (lines.length > 0) console.log("");
  console.log(rendered.text);
  if (rendered.truncatedFrom !== undefined) {
    console.error(
      `note: output truncated to ${MAX_PRINT_CHARS} of ${rendered.truncatedFrom} characters; ` +
        `use --out FILE to save all ${response.data.length} bytes`,
    );
  }
}

function kubemqErrorMessage(err: KubemqCallError, options: SendOptions, timeoutS: number): string {
  if (err.isTimeout) {
    return `No response on channel "${options.channel}" within ${timeoutS} s ` +
      `(KubeMQ: ${err.details}).\n` +
      `Probably no connector is subscribed on that channel (check --channel and the ` +
      `connector's config), or it did not answer in time (try a larger --timeout).`;
  }
  if (err.code === 14) {
    return `Cannot reach KubeMQ at ${options.address} (UNAVAILABLE: ${err.details}). ` +
      `Check --address${options.caCert ? ", --ca-cert and --tls-server-name" : " (and TLS)"}.`;
  }
  if (err.code === 4) {
    return `KubeMQ at ${options.address} gave no answer at all (DEADLINE_EXCEEDED: ${err.details})`;
  }
  return `KubeMQ error: ${err.message}`;
}

/** Runs the CLI; returns the exit code. */
export async function main(args: readonly string[]): Promise<number> {
  // Read only with --allow-env (e.g. --allow-env=KUBEMQ_ADDRESS,KUBEMQ_AUTH_TOKEN), never a prompt.
  const env = (name: string) => canReadEnv(name) ? Deno.env.get(name) : undefined;
  const parsed = parseSendArgs(args, {
    KUBEMQ_ADDRESS: env("KUBEMQ_ADDRESS"),
    KUBEMQ_AUTH_TOKEN: env("KUBEMQ_AUTH_TOKEN"),
  });
  if (parsed.kind === "help") {
    console.log(parsed.text);
    return Exit.Ok;
  }
  if (parsed.kind === "error") {
    console.error(`Error: ${parsed.message}`);
    return Exit.Usage;
  }
  const options = parsed.options;
  for (const w of options.warnings) console.error(`warning: ${w}`);

  // Build the body.
  let progress = new Progress(false);
  let body: Uint8Array;
  let dataBytes = 0;
  if (options.request.kind === "raw") {
    body = options.request.body;
    dataBytes = body.length;
    progress = new Progress(body.length > PROGRESS_THRESHOLD_BYTES);
  } else {
    let data = options.request.data;
    if (options.request.dataFile !== undefined) {
      const path = options.request.dataFile;
      try {
        const read = await readDataFile(
          path,
          (size) => new Progress(size > PROGRESS_THRESHOLD_BYTES),
        );
        data = read.data;
        progress = read.progress;
      } catch (err) {
        console.error(`Error: cannot read --data-file ${path}: ${(err as Error).message}`);
        return Exit.Usage;
      }
    } else if (data !== null) {
      progress = new Progress(data.length > PROGRESS_THRESHOLD_BYTES);
    }
    dataBytes = data?.length ?? 0;
    body = encodeRequest({ metadata: options.request.metadata, data });
  }
  if (body.length > KUBEMQ_MAX_MESSAGE_BYTES) {
    progress.done();
    console.error(
      `Error: the request body is ${describeBytes(body.length)}, over KubeMQ's limit of ` +
        `${describeBytes(KUBEMQ_MAX_MESSAGE_BYTES)}. Data travels as base64 (4/3 of its size), ` +
        `so the largest data is about ${mib(Math.floor(KUBEMQ_MAX_MESSAGE_BYTES * 3 / 4) - 4096)}.`,
    );
    return Exit.Usage;
  }
  const timeoutS = options.timeoutSeconds ?? defaultTimeoutSeconds(dataBytes);

  let caCert: Uint8Array | undefined;
  if (options.caCert !== undefined) {
    try {
      caCert = await Deno.readFile(options.caCert);
    } catch (err) {
      progress.done();
      console.error(`Error: cannot read --ca-cert ${options.caCert}: ${(err as Error).message}`);
      return Exit.Usage;
    }
  }

  let sender;
  try {
    sender = createSender({
      address: options.address,
      authToken: options.authToken,
      caCert,
      serverName: options.tlsServerName,
    });
  } catch (err) {
    progress.done();
    console.error(`Error: ${(err as Error).message}`);
    return Exit.Usage;
  }

  progress.once(
    `sending ${mib(body.length)} to ${options.address} channel ${options.channel} ` +
      `(timeout ${timeoutS} s)...`,
  );
  const onPhase = (phase: SendPhase) => {
    if (phase === "sending") progress.show(`sending ${mib(body.length)}...`, true);
    else if (phase === "waiting") progress.show("waiting for the response...", true);
    else progress.show("receiving the response...", true);
  };
  let trace: SendTrace | null = null;
  if (options.trace) {
    trace = startSendTrace(
      `send ${options.request.kind === "request" ? options.request.method : "raw"}`,
    );
    // Before sending, so the id is known even when no answer comes.
    console.error(`trace id: ${trace.traceId} (traceparent ${trace.tags.traceparent})`);
  }
  let result;
  try {
    result = await sender.sendQuery({
      channel: options.channel,
      clientId: options.clientId,
      body,
      timeoutMs: Math.round(timeoutS * 1000),
      onPhase,
      ...(trace ? { tags: trace.tags } : {}),
    });
  } catch (err) {
    trace?.end((err as Error).message);
    progress.done();
    console.error(
      `Error: ${
        err instanceof KubemqCallError
          ? kubemqErrorMessage(err, options, timeoutS)
          : (err as Error).message
      }`,
    );
    return Exit.Usage;
  } finally {
    sender.close();
  }
  progress.done();
  if (trace) {
    // The connector answers with its own span's context when it traces.
    const answered = result.tags.traceparent;
    console.error(
      answered
        ? `trace: the connector's span is ${answered}`
        : "trace: the connector sent no trace context (its tracing is off)",
    );
  }

  if (result.error !== "") {
    trace?.end(result.error);
    console.error(`Error: the responder reported a KubeMQ error: ${result.error}`);
    return Exit.Usage;
  }
  let response: TargetResponse;
  try {
    response = decodeResponse(result.body);
    trace?.end(response.isError ? response.error : undefined);
  } catch (err) {
    trace?.end((err as Error).message);
    console.error(
      `Error: the response is not a connector response (${(err as Error).message}); ` +
        `raw body (${describeBytes(result.body.length)}):`,
    );
    console.error(renderData(result.body).text);
    return Exit.Usage;
  }

  try {
    await printResponse(response, options);
  } catch (err) {
    console.error(`Error: cannot write --out ${options.out}: ${(err as Error).message}`);
    return Exit.Usage;
  }
  if (response.isError) {
    console.error(`Error: ${response.error || "(the connector gave no error text)"}`);
    return Exit.TargetError;
  }
  return Exit.Ok;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
