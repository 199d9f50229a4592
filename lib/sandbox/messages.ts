/** Messages between the launcher and the sandboxed worker that runs the connector. */
import type { Env } from "../config/config.ts";

/** Launcher → worker. */
export type ToWorker =
  | {
    type: "start";
    configText: string;
    origin: string;
    env: Record<string, string>;
    logFormat: "json" | "text" | undefined;
    facts: Record<string, unknown>;
    /** `host:port` for the sandbox self-test (see self_test.ts), or null. */
    selfTest: string | null;
  }
  | { type: "reload"; configText: string; env: Record<string, string> }
  | { type: "shutdown"; reason: string };

/** Worker → launcher. */
export type FromWorker =
  | { type: "started"; apiPort: number }
  | { type: "failed"; message: string }
  | { type: "reloaded"; errors: string[] }
  | { type: "exit"; code: number };

/** An env lookup over a plain record (what crosses the worker boundary). */
export function envFrom(record: Record<string, string>): Env {
  return (name) => record[name];
}
