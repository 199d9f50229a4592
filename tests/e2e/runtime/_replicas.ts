/**
 * Shared by the replica tests: three connector replicas in one KubeMQ group, each with its own
 * client id (so the broker's record names which replica a query went to), and a steady load of
 * upload_item queries whose outcomes the sender keeps.
 */
import { decodeResponse, encodeRequest } from "../../../lib/wire.ts";
import type { TestBroker } from "../../../testing/broker.ts";
import { startConnector, type TestConnector } from "../../../testing/connector.ts";
import { createKubemqClient } from "../../../testing/kubemq_client.ts";
import { sha256 } from "../../../testing/sha256.ts";

/** The KubeMQ group the replicas share. */
export const GROUP = "s3-replicas";

/** Starts replica `i` (client id `replica-i`) and waits until it is ready. */
export async function startReplica(
  broker: TestBroker,
  channel: string,
  i: number,
  source: Record<string, string> = {},
  sourceKind?: string,
): Promise<TestConnector> {
  return await startConnector({
    bindings: [{
      name: "replica",
      ...(sourceKind ? { sourceKind } : {}),
      source: {
        address: broker.address,
        channel,
        group: GROUP,
        client_id: `replica-${i}`,
        ...source,
      },
    }],
    top: { drainTimeoutSeconds: 10 },
  });
}

/** One query of the load, as its sender saw it. */
export interface SentQuery {
  requestId: string;
  key: string;
  sha: string;
  /** "ok": answered without is_error; "error": answered with is_error; "failed": no answer. */
  outcome: "pending" | "ok" | "error" | "failed";
  detail?: string;
}

/** A running load: `senders` loops of upload_item queries until stopped. */
export interface Load {
  readonly sent: SentQuery[];
  /** Stops sending and waits for every query in flight to settle. */
  stop(): Promise<void>;
}

/** Starts `senders` loops, each sending one 1-8 KiB upload_item at a time to `channel`. */
export function startLoad(
  address: string,
  channel: string,
  bucket: string,
  options: { senders?: number; timeoutMs?: number } = {},
): Load {
  const client = createKubemqClient({ address });
  const sent: SentQuery[] = [];
  let running = true;
  const loop = async (s: number) => {
    for (let i = 0; running; i++) {
      const key = `load/${s}/${i}`;
      const data = crypto.getRandomValues(new Uint8Array(1024 + ((i * 997) % 7168)));
      const q: SentQuery = {
        requestId: crypto.randomUUID(),
        key,
        sha: await sha256(data),
        outcome: "pending",
      };
      sent.push(q);
      try {
        const res = await client.sendQuery({
          channel,
          requestId: q.requestId,
          timeoutMs: options.timeoutMs ?? 5000,
          body: encodeRequest({
            metadata: { method: "upload_item", bucket_name: bucket, item_name: key },
            data,
          }),
        });
        const out = decodeResponse(res.body);
        q.outcome = res.executed && !out.isError ? "ok" : "error";
        if (q.outcome === "error") q.detail = out.error || res.error;
      } catch (err) {
        q.outcome = "failed";
        q.detail = (err as Error).message;
      }
    }
  };
  const loops = Array.from({ length: options.senders ?? 6 }, (_, s) => loop(s));
  return {
    sent,
    async stop() {
      running = false;
      await Promise.all(loops);
      client.close();
    },
  };
}

/** Resolves after `ms`. */
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
