/**
 * Scenario A's trivial responder, run as its own process like the connector: answers every
 * query on a channel with the request's own body. Usage: echo_responder.ts <address> <channel>
 */
import { createKubemqClient } from "../tests/support/kubemq_client.ts";

const [address, channel] = Deno.args;
if (!address || !channel) {
  console.error("usage: echo_responder.ts <broker address> <channel>");
  Deno.exit(2);
}
const client = createKubemqClient({ address, clientId: "bench-echo" });
const sub = client.subscribeQueries(channel, "", (req) => ({ executed: true, body: req.body }));
// The received list would grow with every query: the echo needs none of it.
setInterval(() => (sub.received.length = 0), 1000);
console.log("subscribed");
Deno.addSignalListener("SIGTERM", () => {
  void sub.close().finally(() => {
    client.close();
    Deno.exit(0);
  });
});
