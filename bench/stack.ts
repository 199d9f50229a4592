/**
 * The benchmark's stack: S3 (from the environment or the local radosgw), a test broker, and the
 * connector started as `deno task start` starts it, with its process id for /proc readings.
 */
import { forEachLine } from "../testing/lines.ts";
import { startTestBroker, type TestBroker } from "../testing/broker.ts";
import {
  permissionFlags,
  runtimeEnv,
  type TestBinding,
  writeConfig,
} from "../testing/connector.ts";
import { type S3TestEnv, s3TestEnv } from "../testing/s3.ts";

const root = decodeURIComponent(new URL("../", import.meta.url).pathname);

/** S3 from S3_ENDPOINT/S3_ACCESS_KEY/S3_SECRET_KEY, else the local radosgw (started if needed). */
export async function ensureS3(): Promise<S3TestEnv> {
  if (!Deno.env.get("S3_ENDPOINT")) {
    const out = await new Deno.Command("bash", {
      args: [`${root}tools/s3/radosgw.sh`, "start"],
      stdout: "null",
      stderr: "piped",
    }).output();
    if (!out.success) {
      throw new Error(`radosgw.sh start failed:\n${new TextDecoder().decode(out.stderr)}`);
    }
  }
  return s3TestEnv();
}

/** The broker: BENCH_BROKER_ADDRESS if given, else a test broker started here. */
export async function ensureBroker(): Promise<{ address: string; close(): Promise<void> }> {
  const given = Deno.env.get("BENCH_BROKER_ADDRESS");
  if (given) return { address: given, close: () => Promise.resolve() };
  const broker: TestBroker = await startTestBroker();
  return { address: broker.address, close: () => broker.close() };
}

/**
 * Extra `deno run` flags for the connector from BENCH_CONNECTOR_DENO_FLAGS, for profiling, e.g.
 * `--v8-flags=--prof` (V8 writes isolate-*.log files into the working directory).
 */
function extraDenoFlags(): string[] {
  return (Deno.env.get("BENCH_CONNECTOR_DENO_FLAGS") ?? "").split(/\s+/).filter(Boolean);
}

/** A connector process started for the benchmark. */
export interface BenchConnector {
  pid: number;
  apiUrl: string;
  /** From spawn to the "HTTP API listening" log line, ms. */
  listeningMs: number;
  /** From spawn to the first /ready 200, ms. */
  readyMs: number;
  /** The last log lines, for error reports. */
  tail(): string[];
  stop(): Promise<void>;
}

/** Writes a one-binding config for `channel` on the broker at `address`. */
export function benchConfig(address: string, channel: string): Promise<string> {
  const binding: TestBinding = { name: "bench", source: { address, channel } };
  return writeConfig([binding]);
}

/**
 * Spawns `deno run <permissions.flags> main.ts --config <path>` (with `env` added to the
 * environment) and waits for /ready 200,
 * polling every 5 ms so the measured start-to-ready time is close to the real one.
 */
export async function startBenchConnector(
  configPath: string,
  env: Record<string, string> = {},
): Promise<BenchConnector> {
  const t0 = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      ...permissionFlags(),
      ...extraDenoFlags(),
      // BENCH_CONNECTOR_MAIN=bench/app_direct.ts runs the app without its Worker, to profile it.
      `${root}${Deno.env.get("BENCH_CONNECTOR_MAIN") ?? "main.ts"}`,
      "--config",
      configPath,
    ],
    cwd: root,
    env: { NO_COLOR: "1", ...runtimeEnv(), ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const tail: string[] = [];
  // BENCH_CONNECTOR_LOG=<file> keeps every line (e.g. of --v8-flags=--trace-gc) for profiling.
  const logPath = Deno.env.get("BENCH_CONNECTOR_LOG");
  const logFile = logPath
    ? await Deno.open(logPath, { write: true, create: true, append: true })
    : null;
  const lineBytes = new TextEncoder();
  let port: number | null = null;
  let listeningMs = Number.NaN;
  const pump = (stream: ReadableStream<Uint8Array>) =>
    forEachLine(stream, (line) => {
      tail.push(line);
      if (tail.length > 50) tail.shift();
      logFile?.writeSync(lineBytes.encode(line + "\n"));
      if (port === null && line.includes("HTTP API listening")) {
        try {
          port = Number((JSON.parse(line) as { port: unknown }).port);
          listeningMs = performance.now() - t0;
        } catch { /* not the JSON line */ }
      }
    });
  const pumps = Promise.all([pump(child.stdout), pump(child.stderr)]);
  let exited = false;
  const status = child.status.then(async (s) => {
    exited = true;
    await pumps;
    logFile?.close();
    return s;
  });
  const stop = async () => {
    if (!exited) {
      try {
        child.kill("SIGTERM");
      } catch { /* already gone */ }
    }
    await status;
  };
  const deadline = t0 + 30_000;
  let readyMs = Number.NaN;
  try {
    for (;;) {
      if (exited) throw new Error(`connector exited during start:\n${tail.join("\n")}`);
      if (performance.now() > deadline) {
        throw new Error(`connector not ready in 30 s:\n${tail.join("\n")}`);
      }
      if (port !== null) {
        const res = await fetch(`http://127.0.0.1:${port}/ready`).catch(() => null);
        await res?.body?.cancel();
        if (res?.status === 200) {
          readyMs = performance.now() - t0;
          break;
        }
      }
      await new Promise((r) => setTimeout(r, 5));
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    pid: child.pid,
    apiUrl: `http://127.0.0.1:${port}`,
    listeningMs,
    readyMs,
    tail: () => [...tail],
    stop,
  };
}
