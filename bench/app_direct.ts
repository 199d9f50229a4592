/**
 * Runs the connector's app (lib/app.ts) in the main isolate, without the launcher's sandbox
 * Worker, for profiling: `deno run --cpu-prof` profiles only the main isolate, so the bench's
 * `BENCH_CONNECTOR_MAIN=bench/app_direct.ts` with `BENCH_CONNECTOR_DENO_FLAGS="--cpu-prof"`
 * gives a profile of the code that serves requests. Not for production: no permission sandbox.
 * Usage: app_direct.ts --config <path>
 */
import { parseArgs } from "node:util";
import { startApp } from "../lib/app.ts";
import { parseConfigText } from "../lib/config/config.ts";
import { kindRegistry } from "../lib/kind_registry.ts";

const { values } = parseArgs({ args: Deno.args, options: { config: { type: "string" } } });
const path = values.config ?? "config.yaml";
const parsed = parseConfigText(await Deno.readTextFile(path), {
  env: (name) => Deno.env.get(name),
  kinds: kindRegistry,
  origin: path,
});
const app = await startApp({
  config: parsed.config,
  warnings: parsed.warnings,
  origin: path,
  logFormat: "json",
});
Deno.addSignalListener("SIGTERM", () => void app.shutdown("SIGTERM"));
Deno.exit(await app.done);
