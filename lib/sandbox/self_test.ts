/**
 * The sandbox self-test: from inside the worker, try what the permissions must deny (connect to
 * an address outside the allow-list, read a file, write one, spawn a process, read an unlisted
 * environment variable, resolve a name) and report each outcome. It only ever attempts what
 * should fail, through the same APIs a dependency would use (Deno's and `node:`), so it is safe
 * to enable in production: set KUBEMQ_S3_SANDBOX_SELFTEST=host:port (an address the config does
 * not name) and read the `Sandbox self-test` log lines.
 */
import net from "node:net";
import fs from "node:fs";
import process from "node:process";
import { parseHostPort } from "../host_port.ts";

/** The environment variable that enables the self-test; its value is the address to try. */
export const SELF_TEST_ENV = "KUBEMQ_S3_SANDBOX_SELFTEST";

/** One attempt and how it ended. */
export interface ProbeOutcome {
  /** What was tried, e.g. `net.connect (Deno)`. */
  probe: string;
  /** The address, file, command or variable it was tried on. */
  target: string;
  /** True when Deno's permission check refused it (`Deno.errors.NotCapable`). */
  denied: boolean;
  /** The error's name (`NotCapable`), or null when the attempt succeeded. */
  error: string | null;
  /** The error's message, or what the attempt returned. */
  detail: string;
}

/** A file every Linux container and host has, and that the connector never needs. */
const UNLISTED_FILE = "/etc/hostname";
/** A variable every process has, and that the connector never needs. */
const UNLISTED_ENV = "PATH";

async function attempt(
  probe: string,
  target: string,
  run: () => unknown,
): Promise<ProbeOutcome> {
  try {
    const result = await run();
    return { probe, target, denied: false, error: null, detail: String(result).slice(0, 80) };
  } catch (err) {
    const e = err as Error;
    return {
      probe,
      target,
      denied: err instanceof Deno.errors.NotCapable,
      error: e?.name ?? "Error",
      detail: e?.message ?? String(err),
    };
  }
}

/**
 * Runs every probe once; `connectTo` is a `host:port` that must not be reachable. Never throws:
 * a probe that unexpectedly succeeds is reported with `denied: false`.
 */
export async function runSandboxSelfTest(connectTo: string): Promise<ProbeOutcome[]> {
  const { host, port } = parseHostPort(connectTo);
  return [
    await attempt("net.connect (Deno)", connectTo, async () => {
      const conn = await Deno.connect({ hostname: host, port });
      conn.close();
      return "connected";
    }),
    // npm dependencies (grpc-js, the AWS SDK) connect through node:net.
    await attempt("net.connect (node:net)", connectTo, () =>
      new Promise((resolve, reject) => {
        const socket = net.createConnection({ host, port });
        socket.once("error", reject);
        socket.once("connect", () => {
          socket.destroy();
          resolve("connected");
        });
      })),
    await attempt("dns.resolve (Deno)", "example.com", () => Deno.resolveDns("example.com", "A")),
    await attempt("read (Deno)", UNLISTED_FILE, () => Deno.readTextFile(UNLISTED_FILE)),
    await attempt("read (node:fs)", UNLISTED_FILE, () => fs.readFileSync(UNLISTED_FILE)),
    await attempt("write (Deno)", "a temp file", async () => {
      const path = await Deno.makeTempFile();
      await Deno.remove(path);
      return path;
    }),
    await attempt("run (Deno)", "true", async () => {
      const out = await new Deno.Command("true").output();
      return `exit ${out.code}`;
    }),
    await attempt("env (Deno)", UNLISTED_ENV, () => Deno.env.get(UNLISTED_ENV)),
    await attempt("env (node:process)", UNLISTED_ENV, () => process.env[UNLISTED_ENV]),
  ];
}
