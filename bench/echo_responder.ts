// deno-lint-ignore-file no-console -- a command-line tool: the console is its output
/**
 * Scenario A's trivial responder, run as its own process like the connector. It answers a query
 * with its own body, except two cases for the large-message floor of scenario D: a body of
 * `{"reply_bytes":N}` is answered with N bytes, and a body over 1 MiB with 2 bytes, so each
 * direction of a large transfer can be timed alone. Usage: echo_responder.ts <address> <channel>
 */
import { createKubemqClient } from "../testing/kubemq_client.ts";

const [address, channel] = Deno.args;
if (!address || !channel) {
  console.error("usage: echo_responder.ts <broker address> <channel>");
  Deno.exit(2);
}
const OK = new TextEncoder().encode("ok");
const REPLY_BYTES = /^\{"reply_bytes":(\d+)\}$/;
const replies = new Map<number, Uint8Array>();

function answer(body: Uint8Array): Uint8Array {
  if (body.length > 1024 * 1024) return OK;
  if (body.length < 64) {
    const m = REPLY_BYTES.exec(new TextDecoder().decode(body));
    if (m) {
      const n = Number(m[1]);
      let reply = replies.get(n);
      if (!reply) replies.set(n, reply = new Uint8Array(n).fill(0x41));
      return reply;
    }
  }
  return body;
}

const client = createKubemqClient({ address, clientId: "bench-echo" });
const sub = client.subscribeQueries(
  channel,
  "",
  (req) => ({ executed: true, body: answer(req.body) }),
);
// The received list would grow with every query: the responder needs none of it.
setInterval(() => (sub.received.length = 0), 1000);
console.log("subscribed");
Deno.addSignalListener("SIGTERM", () => {
  void sub.close().finally(() => {
    client.close();
    Deno.exit(0);
  });
});
