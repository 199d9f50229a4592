// deno-lint-ignore-file no-console -- a command-line tool: the console is its output
/**
 * A trivial responder on the connector's own KubeMQ client, with either transport, for
 * bench/probe_transport.ts: answers `{"reply_bytes":N}` with N bytes and anything else with
 * "ok". Usage: transport_responder.ts <grpc-js|h2> <broker address> <channel>
 */
import { createKubemqQueryClient } from "./transports/grpc_js_client.ts";
import type { KubemqRequestsClient as KubemqQueryClient } from "../lib/sources/kubemq/requests_port.ts";
import {
  createKubemqRequestsClient,
  SubscribeRequests,
} from "../lib/sources/kubemq/requests_client.ts";

const [transport, address, channel] = Deno.args;
if (!address || !channel || (transport !== "grpc-js" && transport !== "h2")) {
  console.error("usage: transport_responder.ts <grpc-js|h2> <broker address> <channel>");
  Deno.exit(2);
}
const config = { address, maxMessageBytes: 100 * 1024 * 1024, reconnectBackoffMs: 1000 };
const client: KubemqQueryClient = transport === "h2"
  ? createKubemqRequestsClient(config, SubscribeRequests.Queries)
  : createKubemqQueryClient(config);
const OK = new TextEncoder().encode("ok");
const REPLY_BYTES = /^\{"reply_bytes":(\d+)\}$/;
await client.ping(5000);
client.subscribe(channel, "", "transport-responder", (query) => {
  const m = query.body.length < 64 ? REPLY_BYTES.exec(new TextDecoder().decode(query.body)) : null;
  const body = m ? new Uint8Array(Number(m[1])).fill(0x41) : OK;
  void client.sendResponse({ ...query, clientId: "transport-responder", body }, 300_000);
}, (end) => console.error(`stream ended: ${end.message}`));
console.log("subscribed");
Deno.addSignalListener("SIGTERM", () => {
  client.close();
  Deno.exit(0);
});
