/**
 * The KubeMQ source kinds the bench drives through their public path: a binding of that kind in
 * the connector's config, and a sender built on the test clients (testing/), never on lib/'s own
 * clients. Each driver sends `upload_item` requests and resolves when the connector's outcome is
 * back: the query's response, the command's Executed, or, for the queue and events, the outcome
 * the connector publishes on `response_channel`, matched by the message's or event's id.
 */
import type { TestBinding } from "../testing/connector.ts";
import { createKubemqClient } from "../testing/kubemq_client.ts";
import { createQueuesClient, type EventMsg, type QueueMsg } from "../testing/kubemq_queues.ts";
import { decodeResponse, encodeRequest } from "../lib/wire.ts";

/** The kinds the bench measures, by their short name (`kubemq.<name>` in config). */
export const BENCH_KINDS = ["query", "command", "queue", "events"] as const;
/** One of {@link BENCH_KINDS}. */
export type BenchKind = typeof BENCH_KINDS[number];

/** The kind named on a command line; throws for any other name. */
export function benchKind(name: string): BenchKind {
  const kind = BENCH_KINDS.find((k) => k === name);
  if (!kind) throw new Error(`kind: one of ${BENCH_KINDS.join(", ")}, not ${name}`);
  return kind;
}

/**
 * The connector binding for `kind` on `channel`, with every source property at its default
 * except the ones a driver needs: the outcome channel of the queue and events, and, for
 * `parallel` transfers at once through the queue, `batch_size` (one receiver holding them all).
 */
export function kindBinding(
  kind: BenchKind,
  address: string,
  channel: string,
  parallel = 1,
): TestBinding {
  const source: Record<string, string> = { address, channel };
  if (kind === "queue" || kind === "events") source.response_channel = responseChannel(channel);
  if (kind === "queue" && parallel > 1) source.batch_size = String(parallel);
  return { name: `bench-${kind}`, sourceKind: `kubemq.${kind}`, source };
}

function responseChannel(channel: string): string {
  return `${channel}.responses`;
}

/** Sends requests through one kind and sees their outcomes. */
export interface KindDriver {
  readonly kind: BenchKind;
  /** Sends `upload_item` of `data` as `key`; resolves once the outcome says ok, else throws. */
  upload(key: string, data: Uint8Array): Promise<void>;
  /**
   * Resolves once a small upload went through: the connector's subscription is up (an event
   * sent before that is lost, so the events driver sends again until one is answered).
   */
  ready(): Promise<void>;
  close(): Promise<void>;
}

/** Where the driver sends. */
export interface DriverOptions {
  address: string;
  channel: string;
  bucket: string;
  /** How long one upload may take, ms. */
  timeoutMs: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function uploadBody(bucket: string, key: string, data: Uint8Array): Uint8Array {
  return encodeRequest({
    metadata: { method: "upload_item", bucket_name: bucket, item_name: key },
    data,
  });
}

/** Throws when a response envelope (the query's, or an outcome's body) carries an error. */
function checkOutcome(body: Uint8Array, what: string): void {
  const out = decodeResponse(body);
  if (out.isError) throw new Error(`${what}: ${out.error}`);
}

/** A driver for `kind`. */
export function createKindDriver(kind: BenchKind, o: DriverOptions): KindDriver {
  switch (kind) {
    case "query":
    case "command":
      return _requestDriver(kind, o);
    case "queue":
      return _queueDriver(o);
    case "events":
      return _eventsDriver(o);
  }
}

function _requestDriver(kind: "query" | "command", o: DriverOptions): KindDriver {
  const client = createKubemqClient({ address: o.address, clientId: `bench-${kind}-sender` });
  const upload = async (key: string, data: Uint8Array, timeoutMs = o.timeoutMs) => {
    const req = { channel: o.channel, body: uploadBody(o.bucket, key, data), timeoutMs };
    if (kind === "query") {
      const res = await client.sendQuery(req);
      if (!res.executed) throw new Error(`query ${key} not executed: ${res.error}`);
      checkOutcome(res.body, `query ${key}`);
    } else {
      // A command's response has no body: Executed is the outcome, Error its text.
      const res = await client.sendCommand(req);
      if (!res.executed) throw new Error(`command ${key} not executed: ${res.error}`);
    }
  };
  return {
    kind,
    upload: (key, data) => upload(key, data),
    async ready() {
      for (let attempt = 0;; attempt++) {
        try {
          return await upload("bench/ready", new TextEncoder().encode("ready"), 2000);
        } catch (err) {
          if (attempt > 20) throw err;
          await sleep(100);
        }
      }
    },
    close: () => Promise.resolve(client.close()),
  };
}

/** Waits until `find` returns a message, polling every 20 ms; throws after `timeoutMs`. */
async function _poll<T>(what: string, find: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const got = find();
    if (got !== undefined) return got;
    if (performance.now() > deadline) throw new Error(`no ${what} within ${timeoutMs} ms`);
    await sleep(20);
  }
}

function _queueDriver(o: DriverOptions): KindDriver {
  const q = createQueuesClient({ address: o.address, clientId: "bench-queue-sender" });
  const outcomes = new Map<string, QueueMsg>();
  let waiting = 0;
  let closed = false;
  // One puller for every waiting upload, so parallel uploads do not take each other's outcomes.
  let pulling: Promise<void> | null = null;
  let failure: Error | null = null;
  const pullWhileWaiting = async () => {
    try {
      while (waiting > 0 && !closed) {
        const got = await q.pull(responseChannel(o.channel), {
          max: Math.max(1, waiting),
          waitSeconds: 1,
        });
        if (got.isError) throw new Error(`pulling outcomes: ${got.error}`);
        for (const m of got.messages) outcomes.set(m.tags.message_id ?? "", m);
      }
    } catch (err) {
      // Every waiting upload fails with it, rather than an unhandled rejection.
      failure = err instanceof Error ? err : new Error(String(err));
    }
    pulling = null;
  };
  const upload = async (key: string, data: Uint8Array, timeoutMs = o.timeoutMs) => {
    const id = crypto.randomUUID();
    const sent = await q.send({ channel: o.channel, id, body: uploadBody(o.bucket, key, data) });
    if (sent.isError) throw new Error(`queue send ${key}: ${sent.error}`);
    waiting++;
    pulling ??= pullWhileWaiting();
    try {
      const m = await _poll(`outcome of ${key}`, () => {
        if (failure) throw failure;
        return outcomes.get(id);
      }, timeoutMs);
      outcomes.delete(id);
      checkOutcome(m.body, `queue ${key}`);
    } finally {
      waiting--;
    }
  };
  return {
    kind: "queue",
    upload: (key, data) => upload(key, data),
    ready: async () => await upload("bench/ready", new TextEncoder().encode("ready"), 60_000),
    async close() {
      closed = true;
      await pulling?.catch(() => {});
      q.close();
    },
  };
}

function _eventsDriver(o: DriverOptions): KindDriver {
  const q = createQueuesClient({ address: o.address, clientId: "bench-events-sender" });
  const sub = q.subscribeEvents({ channel: responseChannel(o.channel) });
  const outcomeOf = (id: string) => sub.received.find((e: EventMsg) => e.tags.event_id === id);
  const upload = async (key: string, data: Uint8Array, timeoutMs = o.timeoutMs) => {
    const id = crypto.randomUUID();
    const sent = await q.sendEvent({
      channel: o.channel,
      id,
      body: uploadBody(o.bucket, key, data),
    });
    if (!sent.sent) throw new Error(`event ${key} not sent: ${sent.error}`);
    const e = await _poll(`outcome of ${key}`, () => outcomeOf(id), timeoutMs);
    checkOutcome(e.body, `event ${key}`);
  };
  return {
    kind: "events",
    upload: (key, data) => upload(key, data),
    async ready() {
      for (let attempt = 0;; attempt++) {
        try {
          return await upload("bench/ready", new TextEncoder().encode("ready"), 2000);
        } catch (err) {
          if (attempt > 15) throw err;
        }
      }
    },
    async close() {
      await sub.close();
      q.close();
    },
  };
}
