/**
 * A minimal query responder as its own process, for checks on a process's memory: it answers
 * every query on a channel with a short body, and with `--keep` keeps every body it received (a
 * deliberate leak that the leak bound of testing/rss_trend.ts must catch). Run with
 * `--v8-flags=--expose-gc`, it collects its garbage once a second, so that a run of seconds
 * measures what it keeps rather than how far V8 lets its heap grow before a full collection.
 *
 *   deno run --allow-net --allow-env --allow-read [--v8-flags=--expose-gc] testing/responder.ts \
 *     --address H:P --channel C [--keep]
 *
 * @module
 */
import { parseArgs } from "node:util";
import { createKubemqClient } from "./kubemq_client.ts";

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      address: { type: "string" },
      channel: { type: "string" },
      keep: { type: "boolean", default: false },
    },
  });
  if (!values.address || !values.channel) throw new Error("--address and --channel are needed");
  const kept: Uint8Array[] = [];
  const client = createKubemqClient({ address: values.address });
  const reply = new TextEncoder().encode("ok");
  const sub = client.subscribeQueries(values.channel, "", (req) => {
    // The client lists every request it received: empty it unless the leak is wanted.
    if (values.keep) kept.push(req.body.slice());
    else sub.received.length = 0;
    return { executed: true, body: reply };
  });
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) setInterval(gc, 1000);
  Deno.addSignalListener("SIGTERM", () => {
    client.close();
    Deno.exit(kept.length >= 0 ? 0 : 1);
  });
  await sub.status;
}
