/**
 * kubemq-s3: a KubeMQ target connector for Amazon S3 and S3-compatible stores.
 *
 * Usage: `kubemq-s3 [-config config.yaml] [-log-format json|text]` (Go flag syntax, see
 * lib/go_flags.ts). The connector runs in a
 * worker whose permissions are derived from the config (see lib/sandbox/launcher.ts).
 *
 * `kubemq-s3 --health URL` fetches URL and exits 0 on a 2xx answer, 1 otherwise: the container
 * HEALTHCHECK of an image that has no shell or curl, with the binary's own permissions.
 */
import { parseGoFlags } from "./lib/go_flags.ts";
import { launch } from "./lib/sandbox/launcher.ts";

const USAGE = "Usage: kubemq-s3 [--config config.yaml] [--log-format json|text]\n" +
  "       kubemq-s3 --health http://127.0.0.1:8080/health\n" +
  "Flags are read as Go's flag package reads them: -config x, --config x and -config=x alike.";
const say = (text: string) => Deno.stderr.writeSync(new TextEncoder().encode(text + "\n"));

async function main(): Promise<number> {
  const parsed = parseGoFlags(Deno.args, {
    // No default here: unset means config.yaml, and `-config ""` means the CONFIG variable.
    config: "string",
    "log-format": "string",
    health: "string",
  });
  if (parsed.kind === "help") {
    say(USAGE);
    return 0;
  }
  if (parsed.kind === "error") {
    say(`${parsed.message}\n${USAGE}`);
    return 2;
  }
  const args = parsed.values as { config?: string; "log-format"?: string; health?: string };
  if (args.health !== undefined) return await health(args.health);
  const format = args["log-format"];
  if (format !== undefined && format !== "json" && format !== "text") {
    say(`Invalid --log-format ${JSON.stringify(format)}: expected "json" or "text"\n${USAGE}`);
    return 2;
  }
  return await launch({ configPath: args.config, logFormat: format });
}

/** One GET with a deadline; the exit code says whether it answered 2xx. */
async function health(url: string): Promise<number> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
    const body = await res.text();
    say(`${res.status} ${body.slice(0, 200)}`);
    return res.ok ? 0 : 1;
  } catch (err) {
    say(`Health check of ${url} failed: ${(err as Error).message}`);
    return 1;
  }
}

Deno.exit(await main());
