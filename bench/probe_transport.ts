// deno-lint-ignore-file no-console -- a command-line tool: the console is its output
/**
 * Side-by-side comparison of the connector's two KubeMQ transports (grpc-js in client.ts, the
 * lean node:http2 one in h2_client.ts) on the large-message floor: a trivial responder process
 * on each receives a `--size` MiB wire body and sends one back, through the test broker.
 * Prints per transfer the time and the responder's peak RSS (VmHWM after a reset, plus 20 ms
 * sampling). Usage: `deno run -A bench/probe_transport.ts [--size 64] [--repeats 3]`.
 */
import { parseArgs } from "node:util";
import { createKubemqClient } from "../testing/kubemq_client.ts";
import { encodeRequest } from "../lib/wire.ts";
import { payload } from "./context.ts";
import { memory, resetPeak, sampleRss } from "./proc.ts";
import { ensureBroker } from "./stack.ts";

const { values: args } = parseArgs({
  args: Deno.args,
  options: { size: { type: "string", default: "64" }, repeats: { type: "string", default: "3" } },
});
const MiB = 1024 * 1024;
const broker = await ensureBroker();
const sender = createKubemqClient({ address: broker.address, clientId: "probe-sender" });
const body = encodeRequest({
  metadata: { method: "upload_item" },
  data: payload(Number(args.size) * MiB),
});
const askLarge = new TextEncoder().encode(`{"reply_bytes":${body.length}}`);
try {
  for (const transport of ["grpc-js", "h2"]) {
    const channel = `probe.${transport}.${Date.now().toString(36)}`;
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        new URL("./transport_responder.ts", import.meta.url).pathname,
        transport,
        broker.address,
        channel,
      ],
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    await reader.read();
    await new Promise((r) => setTimeout(r, 500));
    const idle = memory(child.pid).rss;
    for (let r = 0; r < Number(args.repeats); r++) {
      for (
        const [dir, msg, expect] of [["receive", body, 2], ["send", askLarge, body.length]] as const
      ) {
        resetPeak(child.pid);
        const sampler = sampleRss(child.pid);
        const t0 = performance.now();
        const res = await sender.sendQuery({ channel, body: msg, timeoutMs: 300_000 });
        const ms = performance.now() - t0;
        const peak = Math.max(sampler.stop(), memory(child.pid).hwm);
        if (res.body.length !== expect) throw new Error(`${transport}: ${res.error}`);
        console.log(
          `${transport.padEnd(7)} ${dir.padEnd(7)} ${args.size} MiB object (${
            (body.length / MiB).toFixed(1)
          } MiB message): ${ms.toFixed(0)} ms, idle ${(idle / MiB).toFixed(0)} MiB, peak ${
            (peak / MiB).toFixed(0)
          } MiB`,
        );
      }
    }
    child.kill("SIGTERM");
    await child.status;
    await reader.cancel().catch(() => {});
  }
} finally {
  sender.close();
  await broker.close();
}
