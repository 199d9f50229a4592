/**
 * The connector process: loads the config, starts logging, the bindings and the HTTP API,
 * reloads on config changes, and drains on shutdown.
 */
import { serveApi } from "./api/server.ts";
import { ConfigError, loadConfig, type LoadedConfig, redactConfig } from "./config/config.ts";
import { kindRegistry } from "./kind_registry.ts";
import { logger, setupLogging } from "./log.ts";
import { Metrics } from "./metrics.ts";
import { Runtime } from "./runtime.ts";

/** How the app is started. */
export interface AppOptions {
  configPath: string;
  env: (name: string) => string | undefined;
  /** Overrides the config's logFormat (dev uses text). */
  logFormat?: "json" | "text" | undefined;
  /** Watch the config file and reload on change (default true when read from a file). */
  watch?: boolean;
  /** Extra facts to log at startup (the permission allow-list). */
  startupFacts?: Record<string, unknown>;
}

/** A running app. */
export interface App {
  /** Resolves with the exit code once the app has stopped. */
  done: Promise<number>;
  /** Drains and stops; `done` then resolves with 0. */
  shutdown(reason: string): Promise<void>;
  apiPort: number;
}

const readFile = (path: string) => Deno.readFile(path);

function specs(loaded: LoadedConfig) {
  return loaded.config.bindings.map((b) => ({
    name: b.name,
    middleware: b.middleware,
    source: { kind: b.source.kind, name: b.source.name, options: b.source.options },
    target: { kind: b.target.kind, name: b.target.name, options: b.target.options },
  }));
}

function loggingBindings(loaded: LoadedConfig) {
  return loaded.config.bindings.map((b) => ({ name: b.name, level: b.middleware.log_level }));
}

/**
 * Loads the config and starts everything. Throws ConfigError (with every problem) before
 * anything starts when the config is invalid.
 */
export async function startApp(options: AppOptions): Promise<App> {
  const load = () =>
    loadConfig({ path: options.configPath, env: options.env, kinds: kindRegistry });
  let loaded = await load();
  const format = options.logFormat ?? loaded.config.logFormat;
  setupLogging(format, loggingBindings(loaded));
  const log = logger("app");
  for (const w of loaded.warnings) log.warn("Config warning: {warning}", { warning: w });
  log.info("Starting with configuration from {origin}", {
    origin: loaded.origin,
    config: redactConfig(loaded.config, kindRegistry),
    ...options.startupFacts,
  });

  let exit!: (code: number) => void;
  const done = new Promise<number>((resolve) => (exit = resolve));
  let accepting = false;
  let stopping = false;
  const metrics = new Metrics();
  const runtime = new Runtime({
    kinds: {
      source: (k) => kindRegistry.sources.find((s) => s.kind === k),
      target: (k) => kindRegistry.targets.find((t) => t.kind === k),
    },
    metrics,
    readFile,
    onAllDead: () => void shutdown("every binding gave up", 1),
  });
  const api = await serveApi(loaded.config.apiHost, loaded.config.apiPort, {
    bindings: () => runtime.bindings(),
    metrics,
    enableRequestApi: loaded.config.enableRequestApi,
    accepting: () => accepting,
  });
  await runtime.start(specs(loaded));
  accepting = true;

  let watcher: Deno.FsWatcher | null = null;
  if ((options.watch ?? true) && loaded.origin !== "CONFIG") {
    watcher = watchConfig(options.configPath, async () => {
      let next: LoadedConfig;
      try {
        next = await load();
      } catch (err) {
        const errors = err instanceof ConfigError ? err.errors : [(err as Error).message];
        log.error("Config change rejected, the running config stays: {errors}", { errors });
        return;
      }
      if (next.sourceText === loaded.sourceText) return;
      const drainMs = loaded.config.drainTimeoutSeconds * 1000;
      loaded = next;
      setupLogging(format, loggingBindings(loaded));
      const result = await runtime.reload(specs(loaded), drainMs);
      log.info(
        "Config reloaded: started {started}, stopped {stopped}, unchanged {unchanged}",
        result,
      );
    });
  }

  async function shutdown(reason: string, code = 0): Promise<void> {
    if (stopping) return;
    stopping = true;
    accepting = false;
    log.info("Shutting down ({reason}); draining in-flight requests for up to {seconds} s", {
      reason,
      seconds: loaded.config.drainTimeoutSeconds,
    });
    watcher?.close();
    await runtime.stop(loaded.config.drainTimeoutSeconds * 1000);
    await api.shutdown();
    log.info("Stopped");
    exit(code);
  }

  return { done, shutdown: (reason) => shutdown(reason), apiPort: api.port };
}

function watchConfig(path: string, onChange: () => Promise<void>): Deno.FsWatcher | null {
  let watcher: Deno.FsWatcher;
  try {
    watcher = Deno.watchFs(path);
  } catch (err) {
    logger("app").warn("Cannot watch {path} for changes: {error}", { path, error: String(err) });
    return null;
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running = Promise.resolve();
  (async () => {
    try {
      for await (const _event of watcher) {
        // Editors write in several steps: act once the file has been quiet for a moment.
        clearTimeout(timer);
        timer = setTimeout(() => {
          running = running.then(onChange).catch(() => {});
        }, 300);
      }
    } catch { /* closed */ }
    clearTimeout(timer);
  })();
  return watcher;
}
