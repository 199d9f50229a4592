// deno-lint-ignore-file no-console -- a command-line tool: the console is its output
/**
 * A trivial responder on one KubeMQ transport, for bench/probe_transport.ts: answers
 * `{"reply_bytes":N}` with N bytes and anything else with "ok". Only the chosen transport's
 * modules are loaded (dynamic import), so its idle RSS is its own.
 * Usage: transport_responder.ts <lean|connect-es|grpc-js> <broker address> <channel>
 */
import type { KubemqClientConfig } from "../lib/sources/kubemq/client_config.ts";
import type { KubemqRequestsClient as KubemqQueryClient } from "../lib/sources/kubemq/requests_port.ts";

type Config = KubemqClientConfig & { reconnectBackoffMs: number };
/** The transports, each loaded only when chosen. */
const TRANSPORTS: Record<string, () => Promise<(c: Config) => KubemqQueryClient>> = {
  "lean": async () => {
    const { createKubemqRequestsClient, SubscribeRequests } = await import(
      "../lib/sources/kubemq/requests_client.ts"
    );
    return (c) => createKubemqRequestsClient(c, SubscribeRequests.Queries);
  },
  "connect-es": async () =>
    (await import("./connect_es/query_client.ts")).createKubemqQueryConnectClient,
  "grpc-js": async () => (await import("./transports/grpc_js_client.ts")).createKubemqQueryClient,
};

const [transport, address, channel] = Deno.args;
const load = transport === undefined ? undefined : TRANSPORTS[transport];
if (!address || !channel || !load) {
  console.error("usage: transport_responder.ts <lean|connect-es|grpc-js> <address> <channel>");
  Deno.exit(2);
}
const client = (await load())({
  address,
  maxMessageBytes: 100 * 1024 * 1024,
  reconnectBackoffMs: 1000,
});
const OK = new TextEncoder().encode("ok");
const REPLY_BYTES = /^\{"reply_bytes":(\d+)\}$/;
await client.ping(5000);
/** Subscribes, and again 200 ms after the stream ends (a broker restart), once a ping passes. */
function subscribe(): void {
  client.subscribe(channel!, "", "transport-responder", (query) => {
    const m = query.body.length < 64
      ? REPLY_BYTES.exec(new TextDecoder().decode(query.body))
      : null;
    const body = m ? new Uint8Array(Number(m[1])).fill(0x41) : OK;
    client.sendResponse({ ...query, clientId: "transport-responder", body }, 300_000).catch((
      err,
    ) => console.error(`sendResponse failed: ${err}`));
  }, (end) => {
    console.error(`stream ended: ${end.message}`);
    if (!closing) setTimeout(again, 200);
  });
}
async function again(): Promise<void> {
  while (!closing) {
    try {
      await client.ping(2000);
      return subscribe();
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
let closing = false;
subscribe();
console.log("subscribed");
Deno.addSignalListener("SIGTERM", () => {
  closing = true;
  client.close();
  Deno.exit(0);
});
