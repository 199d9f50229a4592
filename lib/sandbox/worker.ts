/**
 * The sandboxed worker: runs the connector with the narrowed permissions the launcher gave it.
 * Nothing here can widen them.
 */
/// <reference lib="deno.worker" />
import { type App, startApp } from "../app.ts";
import { logger } from "../log.ts";
import { fromPortable } from "../config/config.ts";
import { kindRegistry } from "../kind_registry.ts";
import type { FromWorker, ToWorker } from "./messages.ts";
import { KEPT_SERVING } from "./kept_serving.ts";
import { runSandboxSelfTest } from "./self_test.ts";

const post = (message: FromWorker) => self.postMessage(message);
let app: App | null = null;

// A stray rejection or exception in a library callback must not take the connector down.
self.addEventListener("unhandledrejection", (event) => {
  event.preventDefault();
  logger("worker").error(`Unhandled rejection ${KEPT_SERVING}: {error}`, {
    error: String(event.reason?.stack ?? event.reason),
  });
});
self.addEventListener("error", (event) => {
  event.preventDefault();
  logger("worker").error(`Uncaught exception ${KEPT_SERVING}: {error}`, {
    error: String(event.error?.stack ?? event.message),
  });
});

/** Logs each self-test probe; a probe that was not denied is an error worth alerting on. */
async function selfTest(connectTo: string): Promise<void> {
  const log = logger("sandbox");
  for (const outcome of await runSandboxSelfTest(connectTo)) {
    if (outcome.denied) {
      log.info("Sandbox self-test: {probe} {target} denied: {error}: {detail}", { ...outcome });
    } else {
      log.error("Sandbox self-test: {probe} {target} was NOT denied: {error}: {detail}", {
        ...outcome,
      });
    }
  }
}

self.onmessage = async (event: MessageEvent<ToWorker>) => {
  const msg = event.data;
  switch (msg.type) {
    case "start":
      try {
        app = await startApp({
          config: fromPortable(msg.config, kindRegistry),
          warnings: msg.warnings,
          origin: msg.origin,
          logFormat: msg.logFormat,
          startupFacts: msg.facts,
        });
      } catch (err) {
        post({ type: "failed", message: (err as Error).message });
        return;
      }
      post({ type: "started", apiPort: app.apiPort });
      if (msg.selfTest) void selfTest(msg.selfTest);
      post({ type: "exit", code: await app.done });
      break;
    case "reload": {
      // A reload that throws is reported as failed (the launcher keeps the running config),
      // never left unanswered.
      const errors: string[] = [];
      try {
        if (app) await app.reload(fromPortable(msg.config, kindRegistry));
      } catch (err) {
        errors.push(`Config reload failed: ${(err as Error).message}`);
        logger("worker").error("Config reload failed: {error}", { error: (err as Error).message });
      }
      post({ type: "reloaded", errors });
      break;
    }
    case "shutdown":
      if (app) await app.shutdown(msg.reason);
      else post({ type: "exit", code: 0 });
      break;
  }
};
