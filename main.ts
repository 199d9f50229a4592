/**
 * kubemq-s3: a KubeMQ target connector for Amazon S3 and S3-compatible stores.
 *
 * Usage: `kubemq-s3 [--config config.yaml] [--log-format json|text]`. The connector runs in a
 * worker whose permissions are derived from the config (see lib/sandbox/launcher.ts).
 */
import { parseArgs } from "node:util";
import { launch } from "./lib/sandbox/launcher.ts";

const USAGE = "Usage: kubemq-s3 [--config config.yaml] [--log-format json|text]";
const say = (text: string) => Deno.stderr.writeSync(new TextEncoder().encode(text + "\n"));

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
    say(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    say(USAGE);
    return 0;
  }
  const format = args["log-format"];
  if (format !== undefined && format !== "json" && format !== "text") {
    say(`Invalid --log-format ${JSON.stringify(format)}: expected "json" or "text"\n${USAGE}`);
    return 2;
  }
  return await launch({ configPath: args.config, logFormat: format });
}

Deno.exit(await main());
