/**
 * Starts the connector as `deno task start` does (same permission flags, read from
 * permissions.flags), with a config written to a temp file, and captures its JSON log lines.
 */
import { forEachLine } from "./lines.ts";
import { s3TestEnv } from "./s3.ts";

const root = new URL("../", import.meta.url);
const rootPath = decodeURIComponent(root.pathname);

/** The production permission flags: the single source of truth both tasks read. */
export function permissionFlags(): string[] {
  return Deno.readTextFileSync(`${rootPath}permissions.flags`).trim().split(/\s+/);
}

/**
 * The production process environment (runtime.env: what `deno task start`, the image and the
 * manifests set before the process starts), as `NAME=value` lines.
 */
export function runtimeEnv(): Record<string, string> {
  const text = Deno.readTextFileSync(`${rootPath}runtime.env`);
  return Object.fromEntries(
    text.split("\n").map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith("#"))
      .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
  );
}

/**
 * The command that runs the connector with `args`: `deno run <permissions.flags> main.ts`, as
 * `deno task start` does, or the compiled binary named by `KUBEMQ_S3_BINARY` (the release
 * workflow runs the end-to-end suite against the binary `deno task compile` built).
 */
export function connectorCommand(args: string[]): { command: string; args: string[] } {
  const binary = Deno.env.get("KUBEMQ_S3_BINARY");
  if (binary) return { command: binary, args };
  return {
    command: Deno.execPath(),
    args: ["run", ...permissionFlags(), `${rootPath}main.ts`, ...args],
  };
}

/** One binding of a test config. */
export interface TestBinding {
  name?: string;
  /** Binding middleware properties. */
  properties?: Record<string, string>;
  source: Record<string, string>;
  /** Source kind; default kubemq.query. */
  sourceKind?: string;
  target?: Record<string, string>;
}

/** Options of a test connector. */
export interface ConnectorOptions {
  /** Bindings; a source needs at least `address` and `channel`. */
  bindings: TestBinding[];
  /** Extra top-level config keys (enableRequestApi, drainTimeoutSeconds, ...). */
  top?: Record<string, unknown>;
  /** Extra environment for the process. */
  env?: Record<string, string>;
  /** Wait until /ready answers 200 (default true). */
  waitReady?: boolean;
}

/** A running connector process. */
export interface TestConnector {
  apiPort: number;
  apiUrl: string;
  configPath: string;
  /** Every line it wrote to stderr so far (JSON log lines, or text before logging starts). */
  lines(): string[];
  /** Parsed JSON log records so far. */
  records(): Record<string, unknown>[];
  /** Waits until a log record matches. */
  waitForLog(match: (r: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<
    Record<string, unknown>
  >;
  /** Sends a signal and waits for exit; returns the exit code. */
  stop(signal?: Deno.Signal): Promise<number>;
  /** Resolves with the exit code when the process ends by itself. */
  exited: Promise<number>;
  /** Resolves when the process ends: its exit code and the signal that ended it, if any. */
  exitStatus: Promise<{ code: number; signal: Deno.Signal | null }>;
  /** The exit status once the process has ended, else null (a crash check for tests). */
  ended(): { code: number; signal: Deno.Signal | null } | null;
  [Symbol.asyncDispose](): Promise<void>;
}

const started: TestConnector[] = [];

/**
 * Every connector this module started in this isolate (one test file), in order: for checks over
 * a whole file's connectors, such as the reliability suite's count of "(kept serving)" lines.
 */
export function startedConnectors(): readonly TestConnector[] {
  return started;
}

/** The default aws.s3 target properties for the test S3 server. */
export function testTargetProperties(): Record<string, string> {
  const env = s3TestEnv();
  return {
    endpoint: env.endpoint,
    region: env.region,
    aws_key: env.accessKey,
    aws_secret_key: env.secretKey,
  };
}

/** Writes a config file for `bindings`. */
export async function writeConfig(
  bindings: TestBinding[],
  top: Record<string, unknown> = {},
  path?: string,
): Promise<string> {
  const file = path ?? await Deno.makeTempFile({ prefix: "kubemq-s3-", suffix: ".yaml" });
  const config = {
    apiPort: 0,
    apiHost: "127.0.0.1",
    logFormat: "json",
    drainTimeoutSeconds: 10,
    ...top,
    bindings: bindings.map((b, i) => ({
      name: b.name ?? `binding-${i}`,
      properties: b.properties ?? {},
      source: {
        kind: b.sourceKind ?? "kubemq.query",
        name: (b.sourceKind ?? "kubemq.query").replace(".", "-"),
        properties: b.source,
      },
      target: { kind: "aws.s3", name: "aws-s3", properties: b.target ?? testTargetProperties() },
    })),
  };
  // JSON is YAML too.
  await Deno.writeTextFile(file, JSON.stringify(config, null, 2));
  return file;
}

/** Starts the connector and waits until its HTTP API listens (and, by default, is ready). */
export async function startConnector(options: ConnectorOptions): Promise<TestConnector> {
  const configPath = await writeConfig(options.bindings, options.top ?? {});
  return await startConnectorWithConfig(configPath, options);
}

/** Starts the connector on an existing config file. */
export async function startConnectorWithConfig(
  configPath: string,
  options: {
    env?: Record<string, string>;
    waitReady?: boolean;
    /** Command-line arguments instead of `--config <configPath>`. */
    args?: string[];
    /** Working directory (default: the repository root). */
    cwd?: string;
  } = {},
): Promise<TestConnector> {
  const cmd = connectorCommand(options.args ?? ["--config", configPath]);
  const child = new Deno.Command(cmd.command, {
    args: cmd.args,
    cwd: options.cwd ?? rootPath,
    env: { NO_COLOR: "1", ...runtimeEnv(), ...options.env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const lines: string[] = [];
  const records: Record<string, unknown>[] = [];
  const waiters = new Set<() => void>();
  const onLine = (line: string) => {
    lines.push(line);
    try {
      records.push(JSON.parse(line));
    } catch { /* not JSON */ }
    for (const w of waiters) w();
  };
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    await forEachLine(stream, onLine);
    for (const w of waiters) w();
  };
  const pumps = Promise.all([pump(child.stderr), pump(child.stdout)]);
  const exitStatus = child.status.then(async (s) => {
    await pumps;
    return { code: s.code, signal: s.signal };
  });
  const exited = exitStatus.then((s) => s.code);
  let done = false;
  let endedWith: { code: number; signal: Deno.Signal | null } | null = null;
  exitStatus.then((s) => {
    endedWith = s;
    done = true;
  });

  const waitForLog = (match: (r: Record<string, unknown>) => boolean, timeoutMs = 15_000) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const check = () => {
        const hit = records.find(match);
        if (hit) {
          cleanup();
          resolve(hit);
        } else if (done) {
          cleanup();
          reject(new Error(`connector exited; output:\n${lines.join("\n")}`));
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`no matching log line in ${timeoutMs} ms; output:\n${lines.join("\n")}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });

  const stop = async (signal: Deno.Signal = "SIGTERM") => {
    if (!done) {
      try {
        child.kill(signal);
      } catch { /* already gone */ }
    }
    return await exited;
  };

  let listening: Record<string, unknown>;
  try {
    listening = await waitForLog((r) =>
      typeof r.message === "string" &&
      r.message.startsWith("HTTP API listening")
    );
  } catch (err) {
    await stop("SIGKILL");
    throw err;
  }
  const apiPort = Number(listening.port);
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const connector: TestConnector = {
    apiPort,
    apiUrl,
    configPath,
    lines: () => [...lines],
    records: () => [...records],
    waitForLog,
    stop,
    exited,
    exitStatus,
    ended: () => endedWith,
    async [Symbol.asyncDispose]() {
      await stop("SIGKILL");
    },
  };
  started.push(connector);
  if (options.waitReady ?? true) {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const res = await fetch(`${apiUrl}/ready`).catch(() => null);
      const text = await res?.text();
      if (res?.status === 200) break;
      if (Date.now() > deadline || done) {
        await stop("SIGKILL");
        throw new Error(`connector not ready: ${text}\n${lines.join("\n")}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return connector;
}
