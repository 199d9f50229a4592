/** Messages between the launcher and the sandboxed worker that runs the connector. */
import type { PortableConfig } from "../config/config.ts";
import type { AllowList } from "./allow_list.ts";

/** What the launcher tells the worker about its sandbox, logged at startup. */
export interface StartupFacts {
  /** The permissions the worker runs with. */
  permissions: AllowList;
  /** Environment variables the config references (their values cross in `env`). */
  envVarsUsed: string[];
}

/** Launcher → worker. */
export type ToWorker =
  | {
    type: "start";
    /** The config the launcher validated (once: the worker does not validate it again). */
    config: PortableConfig;
    /** The launcher's validation warnings, logged by the worker with the startup. */
    warnings: string[];
    origin: string;
    logFormat: "json" | "text" | undefined;
    facts: StartupFacts;
    /** `host:port` for the sandbox self-test (see self_test.ts), or null. */
    selfTest: string | null;
  }
  | { type: "reload"; config: PortableConfig }
  | { type: "shutdown"; reason: string };

/** Worker → launcher. */
export type FromWorker =
  | { type: "started"; apiPort: number }
  | { type: "failed"; message: string }
  | { type: "reloaded"; errors: string[] }
  | { type: "exit"; code: number };
