/**
 * kubemq-s3: a KubeMQ target connector for Amazon S3 and S3-compatible stores.
 *
 * Usage: `deno task start [--config config.yaml] [--log-format json|text]`
 */
import { parseArgs } from "node:util";
import { startApp } from "./lib/app.ts";
import { ConfigError } from "./lib/config/config.ts";

const encoder = new TextEncoder();
const say = (text: string) => Deno.stderr.writeSync(encoder.encode(text + "\n"));

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: Deno.args,
      options: {
        config: { type: "string", default: "config.yaml" },
        "log-format": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }).values;
  } catch (err) {
    say(
      `${(err as Error).message}\nUsage: kubemq-s3 [--config config.yaml] [--log-format json|text]`,
    );
    return 2;
  }
  if (args.help) {
    say("Usage: kubemq-s3 [--config config.yaml] [--log-format json|text]");
    return 0;
  }
  const format = args["log-format"];
  if (format !== undefined && format !== "json" && format !== "text") {
    say(`Invalid --log-format ${JSON.stringify(format)}: expected "json" or "text"`);
    return 2;
  }
  let app;
  try {
    app = await startApp({
      configPath: args.config,
      env: (name) => Deno.env.get(name),
      logFormat: format,
    });
  } catch (err) {
    if (err instanceof ConfigError) {
      say(err.message);
      return 2;
    }
    throw err;
  }
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    Deno.addSignalListener(signal, () => void app.shutdown(signal));
  }
  return await app.done;
}

Deno.exit(await main());
