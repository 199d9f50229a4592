// deno-lint-ignore-file no-console -- a command-line tool: the console is its output
/**
 * Produces the example trace of docs/operations.md from a real run: the OTLP test receiver, the
 * test broker, the connector with tracing on (production permission flags) against the S3 of
 * the environment (S3_ENDPOINT etc., as the tests use), and the sender CLI with `--trace`
 * (itself traced) sending an upload_item and a get_item of a missing key. Prints each trace as
 * a tree and writes the same text to the file given as the first argument, if any.
 *
 * @example
 * ```sh
 * deno run -A tools/trace_example.ts docs/results/trace_example.txt
 * ```
 * @module
 */
import { startTestBroker } from "../testing/broker.ts";
import { startConnector } from "../testing/connector.ts";
import { startOtlpReceiver } from "../testing/otlp_receiver.ts";
import { createTestBucket, deleteTestBucketFully, testS3Client } from "../testing/s3.ts";
import { formatSpanTree } from "../testing/span_tree.ts";

const ROOT = new URL("../", import.meta.url);
/** Attributes shown in the tree (ids and timings besides). */
const SHOWN = [
  "kubemq_s3.source.kind",
  "messaging.destination.name",
  "aws.s3.bucket",
  "aws.s3.key",
  "kubemq_s3.bytes_in",
  "kubemq_s3.bytes_out",
  "kubemq_s3.outcome",
  "error.type",
  "http.request.method",
  "http.response.status_code",
  "aws.request_id",
];

const otlp = await startOtlpReceiver();
const broker = await startTestBroker();
const s3 = testS3Client();
const bucket = await createTestBucket(s3, "trace-example");
const channel = "query.aws.s3";
const otel = {
  OTEL_DENO: "true",
  OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
  OTEL_EXPORTER_OTLP_ENDPOINT: otlp.endpoint,
  OTEL_BSP_SCHEDULE_DELAY: "100",
};
const connector = await startConnector({
  bindings: [{ name: "s3", source: { address: broker.address, channel } }],
  env: { ...otel, OTEL_SERVICE_NAME: "kubemq-s3" },
});
const out: string[] = [];
try {
  await broker.waitForSubscribers(channel, 1, 10_000);
  for (
    const args of [
      ["-m", "upload_item", "--bucket", bucket, "--item", "photos/cat.jpg", "--data", "meow"],
      ["-m", "get_item", "--bucket", bucket, "--item", "photos/missing.jpg"],
    ]
  ) {
    const cli = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-net",
        "--allow-read",
        "--allow-write",
        "tools/send.ts",
        ...args,
        "--address",
        broker.address,
        "--trace",
      ],
      cwd: ROOT,
      env: { ...otel, OTEL_SERVICE_NAME: "kubemq-send", NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(cli.stderr);
    const traceId = /trace id: ([0-9a-f]{32})/.exec(stderr)?.[1];
    if (!traceId) throw new Error(`no trace id printed:\n${stderr}`);
    // Complete once the sender's root span, the connector's request span, an S3 call span and
    // the runtime's HTTP attempt under it are in.
    const spans = await otlp.waitFor((all) => {
      const mine = all.filter((s) => s.traceId === traceId);
      return mine.some((s) => s.parentSpanId === "") &&
        mine.some((s) => s.scope === "kubemq-s3" && s.kind === 5) &&
        mine.some((s) => s.name.startsWith("S3.")) && mine.some((s) => s.scope === "deno");
    });
    const mine = spans.filter((s) => s.traceId === traceId);
    out.push(`$ deno task send ${args.join(" ")} --trace`, stderr.trim(), "");
    out.push(formatSpanTree(mine, { attributes: SHOWN }), "");
    const line = connector.records().find((r) => r.trace_id === traceId);
    if (line) out.push("The connector's request log line:", JSON.stringify(line), "");
  }
} finally {
  await connector.stop();
  await broker.close();
  await deleteTestBucketFully(bucket, s3);
  s3.destroy();
  await otlp.close();
}
const text = out.join("\n");
console.log(text);
if (Deno.args[0]) await Deno.writeTextFile(Deno.args[0], text + "\n");
