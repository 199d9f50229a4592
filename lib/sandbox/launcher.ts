/**
 * The launcher: reads and validates the config, derives the permission allow-list from it, and
 * runs the connector in a Worker whose Deno permissions are exactly that list. It also watches
 * the config file and forwards SIGTERM/SIGINT as a drain request.
 *
 * Why a worker: a compiled binary's permissions are fixed when it is built, but the endpoints
 * are only known once config.yaml is read. Worker permissions (`--unstable-worker-options`) can
 * be narrowed at run time, and nothing inside the worker can widen them again.
 */
import { lookup } from "node:dns/promises";
import { ConfigError, loadConfig, type LoadedConfig, toPortable } from "../config/config.ts";
import { kindRegistry } from "../kind_registry.ts";
import { logger, setupLogging } from "../log.ts";
import { parseHostPort } from "../host_port.ts";
import { type AllowList, deriveAllowList } from "./allow_list.ts";
import type { FromWorker, ToWorker } from "./messages.ts";
import { SELF_TEST_ENV } from "./self_test.ts";
import { collectorHostPort, tracesExport, tracingOnInProcess } from "./telemetry.ts";

/** Launcher options, from the command line. */
export interface LaunchOptions {
  /** --config: a path, "" for the CONFIG variable, or unset for config.yaml. */
  configPath: string | undefined;
  logFormat: "json" | "text" | undefined;
}

const encoder = new TextEncoder();
const say = (text: string) => Deno.stderr.writeSync(encoder.encode(text + "\n"));

async function resolveHost(host: string): Promise<string[]> {
  try {
    return (await lookup(host, { all: true })).map((a) => a.address);
  } catch {
    // Unresolvable now: the name itself stays allowed; the connection will report the failure.
    return [];
  }
}

/**
 * Computes the worker's allow-list for a loaded config; with tracing on, `collector` (the OTLP
 * endpoint's `host:port`) is added to its network entries.
 */
export async function allowListFor(
  loaded: LoadedConfig,
  collector: string | null = null,
): Promise<AllowList> {
  const allow = await deriveAllowList(loaded.config, {
    resolve: resolveHost,
    env: (name) => Deno.env.get(name),
  });
  if (collector !== null && !allow.net.includes(collector)) {
    allow.net = [...allow.net, collector].sort();
  }
  return allow;
}

class WorkerHandle {
  readonly worker: Worker;
  readonly exited: Promise<number>;
  readonly started: Promise<{ apiPort: number } | { error: string }>;
  #onReloaded: ((errors: string[]) => void) | null = null;

  constructor(allow: AllowList, start: ToWorker) {
    this.worker = new Worker(new URL("./worker.ts", import.meta.url), {
      type: "module",
      deno: {
        permissions: {
          net: allow.net,
          read: allow.read.length > 0 ? allow.read : false,
          env: allow.env,
          sys: allow.sys,
          write: false,
          run: false,
          ffi: false,
          import: false,
        },
      },
    } as WorkerOptions);
    let started!: (v: { apiPort: number } | { error: string }) => void;
    this.started = new Promise((r) => (started = r));
    let exited!: (code: number) => void;
    this.exited = new Promise((r) => (exited = r));
    this.worker.onmessage = (e: MessageEvent<FromWorker>) => {
      const m = e.data;
      if (m.type === "started") started({ apiPort: m.apiPort });
      else if (m.type === "failed") {
        started({ error: m.message });
        exited(2);
      } else if (m.type === "reloaded") this.#onReloaded?.(m.errors);
      else if (m.type === "exit") exited(m.code);
    };
    this.worker.onerror = (e) => {
      e.preventDefault();
      logger("launcher").error("The connector worker crashed: {error}", { error: e.message });
      started({ error: e.message });
      exited(1);
    };
    this.worker.postMessage(start);
  }

  post(msg: ToWorker): void {
    this.worker.postMessage(msg);
  }

  reload(loaded: LoadedConfig): Promise<string[]> {
    return new Promise((resolve) => {
      this.#onReloaded = resolve;
      this.post({ type: "reload", config: toPortable(loaded.config) });
    });
  }
}

/** Runs the connector until it stops; returns the process exit code. */
export async function launch(options: LaunchOptions): Promise<number> {
  const load = () =>
    loadConfig({
      ...(options.configPath !== undefined ? { path: options.configPath } : {}),
      env: (n) => Deno.env.get(n),
      kinds: kindRegistry,
    });
  let loaded: LoadedConfig;
  try {
    loaded = await load();
  } catch (err) {
    if (err instanceof ConfigError) {
      say(err.message);
      return 2;
    }
    throw err;
  }
  const format = options.logFormat ?? loaded.config.logFormat;
  setupLogging(format, []);
  const log = logger("launcher");
  let collector: string | null = null;
  if (await tracingOnInProcess((n) => Deno.env.get(n))) {
    const env = (n: string) => Deno.env.get(n);
    try {
      collector = collectorHostPort(env);
    } catch (err) {
      say(`Tracing is on (OTEL_DENO) but ${(err as Error).message}`);
      return 2;
    }
    log.info(
      "Tracing on (OTEL_DENO): the runtime exports spans to {endpoint} ({protocol}); the " +
        "worker's allow-list has {collector}",
      { ...tracesExport(env), collector },
    );
  }
  let allow = await allowListFor(loaded, collector);
  const selfTest = selfTestAddress(log);
  const startMsg = (l: LoadedConfig, a: AllowList): ToWorker => ({
    type: "start",
    config: toPortable(l.config),
    warnings: l.warnings,
    origin: l.origin,
    logFormat: options.logFormat,
    facts: { permissions: a, envVarsUsed: l.envVarsUsed },
    selfTest,
  });
  // Signals from the start on: one that arrives while the worker starts is a drain request
  // once it has started (without a listener SIGTERM would end the process at once).
  let stopping = false;
  let earlySignal: string | null = null;
  let onSignal = (signal: string) => void (earlySignal ??= signal);
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    Deno.addSignalListener(signal, () => onSignal(signal));
  }
  let handle = new WorkerHandle(allow, startMsg(loaded, allow));
  const first = await handle.started;
  if ("error" in first) {
    say(first.error);
    handle.worker.terminate();
    return 2;
  }

  let restarting: Promise<void> = Promise.resolve();
  /** Applies an edited config file; a failure is logged and the running config stays. */
  const applyChange = async () => {
    if (stopping) return;
    let next: LoadedConfig;
    try {
      next = await load();
    } catch (err) {
      const errors = err instanceof ConfigError ? err.errors : [(err as Error).message];
      log.error("Config change rejected, the running config stays: {errors}", { errors });
      return;
    }
    if (next.sourceText === loaded.sourceText) return;
    const nextAllow = await allowListFor(next, collector);
    if (JSON.stringify(nextAllow) === JSON.stringify(allow)) {
      // Validated here, once; the worker only reports a failure to apply it.
      const errors = await handle.reload(next);
      if (errors.length === 0) loaded = next;
      return;
    }
    // New endpoints need new permissions, which a running worker cannot get: drain it and
    // start a new one.
    log.info("Config change needs other permissions; restarting the connector worker", {
      permissions: nextAllow,
    });
    // A signal arriving meanwhile waits for this, then drains the new worker.
    let restarted!: () => void;
    restarting = new Promise((r) => (restarted = r));
    try {
      const old = handle;
      old.post({ type: "shutdown", reason: "config change" });
      await old.exited;
      old.worker.terminate();
      try {
        handle = new WorkerHandle(nextAllow, startMsg(next, nextAllow));
        const s = await handle.started;
        if ("error" in s) throw new Error(s.error);
        loaded = next;
        allow = nextAllow;
        log.info("Connector worker restarted with the new config");
      } catch (err) {
        // The old worker is gone: start it again on the config that was running.
        log.error(
          "The new config failed to start, the running config stays: {error}; restarting the " +
            "connector worker with it",
          { error: (err as Error).message },
        );
        handle.worker.terminate();
        handle = new WorkerHandle(allow, startMsg(loaded, allow));
        const again = await handle.started;
        if ("error" in again) {
          log.error("The running config failed to start again: {error}", { error: again.error });
        } else log.info("Connector worker restarted with the running config");
      }
    } finally {
      restarted();
    }
  };
  const watcher = loaded.origin === "CONFIG" ? null : watch(loaded.origin, async () => {
    try {
      await applyChange();
    } catch (err) {
      log.error("Config reload failed, the running config stays: {error}", {
        error: (err as Error).message,
      });
    }
  });

  onSignal = (signal: string) => {
    if (stopping) return;
    stopping = true;
    watcher?.close();
    void restarting.then(() => handle.post({ type: "shutdown", reason: signal }));
  };
  if (earlySignal) onSignal(earlySignal);
  // A worker that exits on its own (every binding gave up) ends the process with its code,
  // unless it is being replaced by a config restart.
  for (;;) {
    const current = handle;
    const code = await current.exited;
    // An exit caused by a config restart: wait for the replacement, then watch that one.
    await restarting;
    if (current !== handle) continue;
    current.worker.terminate();
    watcher?.close();
    restarting = Promise.resolve();
    return code;
  }
}

/** The self-test address from the environment, when set and well-formed. */
function selfTestAddress(log: ReturnType<typeof logger>): string | null {
  const value = Deno.env.get(SELF_TEST_ENV)?.trim();
  if (!value) return null;
  try {
    parseHostPort(value);
    return value;
  } catch {
    log.warn("Ignoring {name}={value}: expected host:port", { name: SELF_TEST_ENV, value });
    return null;
  }
}

function watch(path: string, onChange: () => Promise<void>): Deno.FsWatcher | null {
  let watcher: Deno.FsWatcher;
  try {
    watcher = Deno.watchFs(path);
  } catch (err) {
    logger("launcher").warn("Cannot watch {path} for changes: {error}", {
      path,
      error: String(err),
    });
    return null;
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  let chain = Promise.resolve();
  (async () => {
    try {
      for await (const _event of watcher) {
        // Editors write in several steps (and Kubernetes swaps a symlink): act once quiet.
        clearTimeout(timer);
        timer = setTimeout(() => {
          // onChange logs its own failures; this keeps the chain going if one slips through.
          chain = chain.then(onChange).catch((err) => {
            logger("launcher").error("Config reload failed, the running config stays: {error}", {
              error: String(err),
            });
          });
        }, 300);
      }
    } catch { /* closed */ }
    clearTimeout(timer);
  })();
  return watcher;
}
