/**
 * What the client tests (queue_client_test.ts, events_client_test.ts) share: a test broker, one
 * connection of the connector's own, a client of it, and a kubemq-js witness on the other side.
 */
import { type KubemqConnection, openConnection } from "../../../lib/sources/kubemq/connection.ts";
import { startTestBroker, type TestBroker } from "../../../testing/broker.ts";
import { createQueuesClient, type QueuesClient } from "../../../testing/kubemq_queues.ts";

export const enc = (s: string) => new TextEncoder().encode(s);
export const dec = (b: Uint8Array) => new TextDecoder().decode(b);
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** The client id the connector's side uses. */
export const CLIENT = "s3-connector";

/** Runs `fn` with a client made by `create` over a fresh connection to a fresh broker. */
export async function withClient<C>(
  create: (conn: KubemqConnection) => C,
  fn: (client: C, broker: TestBroker, witness: QueuesClient) => Promise<void>,
  opts: { authToken?: string } = {},
): Promise<void> {
  await using broker = await startTestBroker(opts);
  const conn = openConnection({
    address: broker.address,
    maxMessageBytes: 8 * 1024 * 1024,
    ...(opts.authToken ? { authToken: opts.authToken } : {}),
  });
  using witness = createQueuesClient({
    address: broker.address,
    ...(opts.authToken ? { authToken: opts.authToken } : {}),
  });
  try {
    await fn(create(conn), broker, witness);
  } finally {
    conn.close();
  }
}
