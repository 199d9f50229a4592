/**
 * `deno task dev`: the connector end to end on local defaults.
 *
 * 1. Starts the local S3 (radosgw, installed from Debian when missing) unless S3_ENDPOINT is set.
 * 2. Starts the test broker on localhost:50000 unless something already listens there
 *    (a real KubeMQ, say).
 * 3. Starts the connector with config.yaml and the production permission flags, readable logs.
 * 4. Sends a short demo through KubeMQ (create a bucket, upload, download, list, clean up) and
 *    shows the commands to send your own queries.
 *
 * Flags: `--once` exits after the demo (used by tests and CI); `--no-demo` skips it.
 */
import { parseArgs } from "node:util";
import { decodeResponse, encodeRequest, type TargetResponse } from "../lib/wire.ts";
import { createSender } from "./lib/kubemq_sender.ts";
import { listening } from "../testing/listening.ts";

const root = decodeURIComponent(new URL("../", import.meta.url).pathname);
const encoder = new TextEncoder();
const say = (text: string) => Deno.stdout.writeSync(encoder.encode(text + "\n"));
const ADDRESS = "localhost:50000";
const CHANNEL = "query.aws.s3";

const args = parseArgs({
  args: Deno.args,
  options: {
    once: { type: "boolean", default: false },
    "no-demo": { type: "boolean", default: false },
    config: { type: "string", default: "config.yaml" },
  },
}).values;

const children: Deno.ChildProcess[] = [];

/** True when this run started radosgw, so that it stops it again on exit. */
let startedS3 = false;

async function radosgw(command: "start" | "stop" | "status"): Promise<boolean> {
  const out = await new Deno.Command("bash", {
    args: [`${root}tools/s3/radosgw.sh`, command],
    stdout: "null",
    stderr: command === "status" ? "null" : "inherit",
  }).output();
  return out.success;
}

async function readEnvFile(path: string): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  for (const line of (await Deno.readTextFile(path)).split("\n")) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m) env[m[1]!] = m[2]!;
  }
  return env;
}

async function s3Env(): Promise<Record<string, string>> {
  if (Deno.env.get("S3_ENDPOINT")) {
    say(`Using S3 at ${Deno.env.get("S3_ENDPOINT")} (from S3_ENDPOINT)`);
    return {};
  }
  if (await radosgw("status")) {
    say("Using the local S3 that is already running (tools/s3/radosgw.sh)");
  } else if (await listening(7480)) {
    // Another checkout's radosgw (or any S3) holds the port: reuse it with the default test
    // credentials rather than failing with "port in use".
    say("Port 7480 already answers: using it as S3 with the test credentials");
    return {
      S3_ENDPOINT: "http://127.0.0.1:7480",
      S3_ACCESS_KEY: "kubemq-s3-test",
      S3_SECRET_KEY: "kubemq-s3-test-secret",
      S3_REGION: "us-east-1",
    };
  } else {
    say("Starting local S3 (Ceph radosgw on 127.0.0.1:7480; first run installs it from Debian)...");
    if (!await radosgw("start")) throw new Error("radosgw failed to start (see above)");
    startedS3 = true;
  }
  return await readEnvFile(`${root}.stack/radosgw/s3.env`);
}

async function startBroker(): Promise<void> {
  if (await listening(50000)) {
    say(`Something already listens on ${ADDRESS}: using it as KubeMQ.`);
    return;
  }
  say(`Starting the test broker (a KubeMQ stand-in for development) on ${ADDRESS}...`);
  const child = new Deno.Command("node", {
    args: [`${root}tools/broker/main.mjs`, "--port", "50000", "--quiet"],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  children.push(child);
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const { value } = await reader.read();
  if (!value?.includes('"listening"')) throw new Error(`broker did not start: ${value ?? ""}`);
  reader.releaseLock();
  void child.stdout.cancel().catch(() => {});
}

async function startConnector(env: Record<string, string>): Promise<void> {
  const flags = (await Deno.readTextFile(`${root}permissions.flags`)).trim().split(/\s+/);
  say(`Starting the connector: deno run ${flags.join(" ")} main.ts --config ${args.config}`);
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", ...flags, `${root}main.ts`, "--config", args.config, "--log-format", "text"],
    env,
    stdout: "inherit",
    stderr: "inherit",
  }).spawn();
  children.push(child);
  const deadline = Date.now() + 30_000;
  for (;;) {
    const res = await fetch("http://127.0.0.1:8080/ready").catch(() => null);
    const body = await res?.text();
    if (res?.status === 200) return;
    if (Date.now() > deadline) throw new Error(`connector not ready after 30 s: ${body}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function demo(): Promise<boolean> {
  using sender = createSender({ address: ADDRESS });
  const ask = async (metadata: Record<string, string>, data: string | null = null) => {
    const res = await sender.sendQuery({
      channel: CHANNEL,
      clientId: "kubemq-s3-dev-demo",
      body: encodeRequest({ metadata, data: data === null ? null : encoder.encode(data) }),
      timeoutMs: 30_000,
    });
    const r: TargetResponse = decodeResponse(res.body);
    const shown = r.isError
      ? `ERROR ${r.error}`
      : `${JSON.stringify(r.metadata)}${
        r.data ? ` data: ${new TextDecoder().decode(r.data).slice(0, 160)}` : ""
      }`;
    say(`  ${metadata.method} -> ${shown}`);
    return r;
  };
  const bucket = `demo-${Date.now().toString(36)}`;
  const text = "hello from KubeMQ to S3";
  say("\nDemo: queries through KubeMQ -> connector -> S3");
  const steps = [
    await ask({ method: "create_bucket", bucket_name: bucket, wait_for_completion: "true" }),
    await ask({ method: "upload_item", bucket_name: bucket, item_name: "hello.txt" }, text),
  ];
  const got = await ask({ method: "get_item", bucket_name: bucket, item_name: "hello.txt" });
  steps.push(
    got,
    await ask({ method: "list_bucket_items", bucket_name: bucket }),
    await ask({ method: "delete_bucket", bucket_name: bucket, force: "true" }),
  );
  const ok = steps.every((s) => !s.isError) &&
    new TextDecoder().decode(got.data ?? new Uint8Array()) === text;
  say(ok ? "Demo passed: the bytes came back exactly." : "Demo FAILED (see above).");
  return ok;
}

async function stopAll(): Promise<void> {
  for (const child of children.reverse()) {
    try {
      child.kill("SIGTERM");
    } catch { /* gone */ }
    await child.status;
  }
  // Leave the machine as it was: a radosgw this run started is stopped again.
  if (startedS3) {
    say("Stopping the local S3 this run started...");
    await radosgw("stop");
  }
}

let code = 0;
try {
  const env = await s3Env();
  await startBroker();
  await startConnector(env);
  if (!args["no-demo"]) code = (await demo()) ? 0 : 1;
  if (!args.once) {
    say(`
The connector is serving queries on channel ${CHANNEL} at ${ADDRESS}. Try, in another terminal:
  deno task send --method list_buckets
  deno task send --method create_bucket --bucket my-bucket --wait
  deno task send --method upload_item --bucket my-bucket --item notes.txt --data-file README.md
  deno task send --method get_item --bucket my-bucket --item notes.txt --out /tmp/notes.txt
HTTP API: http://127.0.0.1:8080/health /ready /metrics /bindings /bindings/stats /bindings/state
Press Ctrl-C to stop (this stops the broker, the connector and a local S3 it started).`);
    await new Promise<void>((resolve) => {
      Deno.addSignalListener("SIGINT", () => resolve());
      Deno.addSignalListener("SIGTERM", () => resolve());
    });
  }
} catch (err) {
  say(`dev: ${(err as Error).message}`);
  code = 1;
} finally {
  await stopAll();
}
Deno.exit(code);
