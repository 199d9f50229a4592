/**
 * The connector itself: from validated config text it starts logging, the bindings and the
 * HTTP API, applies config reloads, and drains on shutdown. It runs inside the sandboxed worker.
 */
import { serveApi } from "./api/server.ts";
import { type AppConfig, redactConfig } from "./config/config.ts";
import { kindRegistry } from "./kind_registry.ts";
import { logger, setupLogging } from "./log.ts";
import { Metrics } from "./metrics.ts";
import { Runtime } from "./runtime.ts";
import type { StartupFacts } from "./sandbox/messages.ts";

/** How the app is started. */
export interface AppOptions {
  /** The validated config (the launcher validates it once), its warnings, and its origin. */
  config: AppConfig;
  warnings: readonly string[];
  origin: string;
  /** Overrides the config's logFormat (dev uses text). */
  logFormat?: "json" | "text" | undefined;
  /** What the launcher tells about the sandbox, logged at startup; absent when not sandboxed. */
  startupFacts?: StartupFacts;
}

/** A running app. */
export interface App {
  /** Resolves with the exit code once the app has stopped. */
  done: Promise<number>;
  /** Drains and stops; `done` then resolves with 0. */
  shutdown(reason: string): Promise<void>;
  /**
   * Applies a changed, validated config: changed bindings restart, unchanged ones keep serving.
   * (An invalid config never gets here: the launcher rejects it and keeps the running one.)
   */
  reload(config: AppConfig): Promise<void>;
  apiPort: number;
}

const readFile = (path: string) => Deno.readFile(path);

function specs(config: AppConfig) {
  return config.bindings.map((b) => ({
    name: b.name,
    middleware: b.middleware,
    source: { kind: b.source.kind, name: b.source.name, options: b.source.options },
    target: { kind: b.target.kind, name: b.target.name, options: b.target.options },
  }));
}

function loggingBindings(config: AppConfig) {
  return config.bindings.map((b) => ({ name: b.name, level: b.middleware.log_level }));
}

/** Starts everything from a validated config. */
export async function startApp(options: AppOptions): Promise<App> {
  let config = options.config;
  const format = options.logFormat ?? config.logFormat;
  setupLogging(format, loggingBindings(config));
  const log = logger("app");
  for (const w of options.warnings) log.warn("Config warning: {warning}", { warning: w });
  // The message itself names the bindings and network allow-list, so even a reader of the
  // rendered text alone sees what runs and what it may reach; the properties hold it all.
  const net = options.startupFacts?.permissions.net;
  log.info(
    "Starting with configuration from {origin}: bindings {bindingNames}; network allowed to {net}",
    {
      origin: options.origin,
      bindingNames: config.bindings.map((b) => b.name).join(", "),
      net: net ? net.join(", ") : "(not sandboxed)",
      config: redactConfig(config, kindRegistry),
      ...options.startupFacts,
    },
  );

  let exit!: (code: number) => void;
  const done = new Promise<number>((resolve) => (exit = resolve));
  let accepting = false;
  let stopping = false;
  const metrics = new Metrics();
  const runtime = new Runtime({
    kinds: kindRegistry,
    metrics,
    readFile,
    onAllDead: () => void shutdown("every binding gave up", 1),
  });
  const api = await serveApi(config.apiHost, config.apiPort, {
    bindings: () => runtime.bindings(),
    redactedConfig: () => redactConfig(config, kindRegistry),
    metrics,
    enableRequestApi: () => config.enableRequestApi,
    accepting: () => accepting,
  });
  await runtime.start(specs(config));
  accepting = true;

  async function reload(next: AppConfig): Promise<void> {
    const drainMs = config.drainTimeoutSeconds * 1000;
    config = next;
    setupLogging(format, loggingBindings(config));
    const result = await runtime.reload(specs(config), drainMs);
    log.info(
      "Config reloaded: started {started}, stopped {stopped}, unchanged {unchanged}",
      result,
    );
  }

  async function shutdown(reason: string, code = 0): Promise<void> {
    if (stopping) return;
    stopping = true;
    accepting = false;
    log.info("Shutting down ({reason}); draining in-flight requests for up to {seconds} s", {
      reason,
      seconds: config.drainTimeoutSeconds,
    });
    await runtime.stop(config.drainTimeoutSeconds * 1000);
    await api.shutdown();
    log.info("Stopped");
    exit(code);
  }

  return { done, shutdown: (reason) => shutdown(reason), reload, apiPort: api.port };
}
