/**
 * Start the test broker (tools/broker/main.mjs) under Node for a Deno test, and drive its test
 * hooks through the broker's control HTTP API. It runs under Node because a grpc-js TLS server
 * under Deno fails every handshake.
 *
 * @example
 * ```ts
 * await using broker = await startTestBroker();
 * using client = createKubemqClient({ address: broker.address });
 * ```
 * @module
 */

const MAIN = new URL("../tools/broker/main.mjs", import.meta.url);
const STARTUP_TIMEOUT_MS = 10_000;

/** Options for {@link startTestBroker}. TLS files are paths to PEM files. */
export interface TestBrokerOptions {
  authToken?: string;
  tls?: { certFile: string; keyFile: string; caFile?: string; requireClientCert?: boolean };
  /** Copy the broker's log lines to this process's stderr (default: keep them quiet). */
  log?: boolean;
  /** Node executable; default "node". */
  node?: string;
  /** Keep the broker's records of requests, queue messages, events and stops (see records). */
  records?: boolean;
}

/** The broker's counters, as served by GET /stats. */
export interface BrokerStats {
  requests: number;
  delivered: number;
  responses: number;
  responsesDelivered: number;
  responsesDropped: number;
  /** Of those, responses to a request that had already been answered. */
  responsesDuplicate: number;
  timeouts: number;
  subscriptions: number;
  /** Open events and events-store subscriptions. */
  eventSubscriptions: number;
  queues: {
    sent: number;
    delivered: number;
    /** Of those, messages handed out again (received before: a requeue after a reject, a
     * visibility expiry or a receiver that went away). */
    redelivered: number;
    acked: number;
    rejected: number;
    visibilityExpired: number;
    requeued: number;
    rerouted: number;
    dropped: number;
    expired: number;
  };
  events: { events: number; stored: number; delivered: number };
  /** Last `authorization` metadata per RPC kind; null when the last call had none. */
  authTokens: Partial<Record<string, string | null>>;
}

/** The broker's record of one query or command (GET /requests). */
export interface RequestRecord {
  /** The sender's request id. */
  requestId: string;
  channel: string;
  /** When the broker accepted it (its Date.now(), ms since the epoch; as are the others). */
  sentAt: number;
  /** Client ids of the subscribers it was written to, in order. */
  deliveredTo: string[];
  /** When, one per `deliveredTo`. */
  deliveredAt: number[];
  /** Client ids of every response to it, late or duplicate ones included. */
  answeredBy: string[];
  /** When, one per `answeredBy`. */
  answeredAt: number[];
  /** How it ended for the sender. */
  outcome: "pending" | "answered" | "timeout" | "failed";
  /** When it ended for the sender. */
  settledAt?: number;
  error?: string;
}

/** The broker's record of one query or command subscription (GET /subscriptions). */
export interface SubscriptionRecord {
  clientId: string;
  channel: string;
  group: string;
  /** When it opened (the broker's Date.now()). */
  openedAt: number;
  /** When the broker dropped it: its stream's first end event, named by `how`. */
  endedAt?: number;
  how?: "cancelled" | "error" | "finish" | "close" | "half-closed";
}

/** The broker's record of one published event (GET /events). */
export interface EventRecord {
  eventId: string;
  channel: string;
  store: boolean;
  /** Client ids of the subscribers it was written to, in order. */
  deliveredTo: string[];
}

/** One channel's queue and events-store state, as served by GET /queue. */
export interface QueueState {
  /** Messages waiting to be received. */
  ready: number;
  /** Messages whose delay has not passed. */
  delayed: number;
  /** Messages held by a stream, neither acked nor rejected yet. */
  inFlight: number;
  /** Of those, how many each client id (the Receive's ClientID) holds. */
  heldBy: Record<string, number>;
  /** Streams waiting for a message. */
  receivers: number;
  /** Events in the channel's events store. */
  stored: number;
}

/** What the broker recorded of one SendRequest (query or command); times are Date.now() ms. */
export interface ChannelRequestRecord {
  /** The sender's RequestID. */
  id: string;
  channel: string;
  type: "query" | "command";
  /** When the broker accepted it. */
  at: number;
  /** Each copy written to a subscriber. */
  deliveredAt: number[];
  /** Each SendResponse for it; the first settles it. */
  respondedAt: number[];
  /** stopped: failed by a stop of the broker while still waiting for its response. */
  outcome: "open" | "answered" | "timeout" | "stopped" | "cancelled";
  settledAt: number | null;
}

/** What the broker recorded of one queue message it accepted. */
export interface ChannelQueueRecord {
  id: string;
  channel: string;
  at: number;
  /** Each delivery to a receiver: more than one is a redelivery. */
  deliveredAt: number[];
  acks: number;
  rejects: number;
  /** Times it was held by a stream that went away (crash, cancel, broker stop). */
  returned: number;
  visibilityExpired: number;
}

/** What the broker recorded of one event it accepted. */
export interface ChannelEventRecord {
  id: string;
  channel: string;
  store: boolean;
  at: number;
  /** Each copy written to a subscriber (events-store history replays included). */
  deliveredAt: number[];
}

/** One stop of the broker: when it began and ended (Date.now() ms), and how. */
export interface StopRecord {
  at: number;
  /** When the last connection was closed (a graceful stop drains in between). */
  endedAt: number | null;
  graceful: boolean;
}

/** A channel's records, and every stop of the broker (GET /records). */
export interface ChannelRecords {
  stops: StopRecord[];
  requests: ChannelRequestRecord[];
  queue: ChannelQueueRecord[];
  events: ChannelEventRecord[];
}

/**
 * How the broker stops. `graceful`: like a gRPC server draining on SIGTERM (KubeMQ's
 * shutdown): subscription streams end with status OK, every connection gets GOAWAY, the
 * listener closes, and connections still open after `graceMs` (default 1000) are closed.
 * `goaway`: "single" (default) sends one GOAWAY naming the last stream processed (Node, Envoy,
 * nginx); "double" sends grpc-go's GracefulStop pair (largest stream id and a PING, then the
 * final GOAWAY).
 */
export interface BrokerStopOptions {
  graceful?: boolean;
  graceMs?: number;
  goaway?: "single" | "double";
}

/** A running broker process. Dispose it (or call close) to kill it and wait for its exit. */
export interface TestBroker {
  /** "127.0.0.1:port" */
  readonly address: string;
  readonly port: number;
  readonly controlPort: number;
  /** Resolves with the count once >= n subscriptions match `channel`; rejects on timeout. */
  waitForSubscribers(channel: string, n: number, timeoutMs?: number): Promise<number>;
  /**
   * Stops serving; the process stays up. By default crash-like: streams end with UNAVAILABLE
   * and connections drop without GOAWAY. `graceful` drains like a Go server on SIGTERM.
   */
  stop(opts?: BrokerStopOptions): Promise<void>;
  /** Stops (as `stop(opts)`, default crash-like) and listens again on the same port. */
  restart(opts?: BrokerStopOptions): Promise<void>;
  /** End every subscription stream with status OK; returns how many. */
  endStreams(): Promise<number>;
  stats(): Promise<BrokerStats>;
  /** A queue's (and events-store channel's) state. */
  queue(channel: string): Promise<QueueState>;
  /** The broker's record of each query and command on `channel` (every channel if omitted). */
  requests(channel?: string): Promise<RequestRecord[]>;
  /** The broker's record of each query and command subscription on `channel` (or all). */
  subscriptions(channel?: string): Promise<SubscriptionRecord[]>;
  /** The broker's record of each event published on `channel` (every channel if omitted). */
  events(channel?: string): Promise<EventRecord[]>;
  /** A channel's records (empty unless started with `records: true`). */
  records(channel: string): Promise<ChannelRecords>;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

interface ListeningLine {
  event: "listening";
  port: number;
  controlPort: number;
}

function stopQuery(opts: BrokerStopOptions): string {
  if (!opts.graceful) return "";
  const q = new URLSearchParams({ graceful: "true" });
  if (opts.graceMs !== undefined) q.set("grace_ms", String(opts.graceMs));
  if (opts.goaway !== undefined) q.set("goaway", opts.goaway);
  return `?${q}`;
}

/** Spawn `node tools/broker/main.mjs --port 0 --control-port 0` and wait until it listens. */
export async function startTestBroker(opts: TestBrokerOptions = {}): Promise<TestBroker> {
  const args = [MAIN.pathname, "--port", "0", "--control-port", "0"];
  if (opts.authToken !== undefined) args.push("--auth-token", opts.authToken);
  if (opts.tls) {
    args.push("--tls-cert", opts.tls.certFile, "--tls-key", opts.tls.keyFile);
    if (opts.tls.caFile) args.push("--tls-ca", opts.tls.caFile);
    if (opts.tls.requireClientCert) args.push("--require-client-cert");
  }
  if (!opts.log) args.push("--quiet");
  if (opts.records) args.push("--records");
  const child = new Deno.Command(opts.node ?? "node", {
    args,
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();

  // Read stdout to the end in the background (so the pipe never fills) and hand over the
  // first line.
  let firstLine: (line: string | null) => void = () => {};
  const firstLinePromise = new Promise<string | null>((resolve) => firstLine = resolve);
  const drained = (async () => {
    let text = "";
    let done = false;
    for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
      if (done) continue;
      text += chunk;
      const nl = text.indexOf("\n");
      if (nl >= 0) {
        done = true;
        firstLine(text.slice(0, nl));
      }
    }
    firstLine(null);
  })();

  let exited = false;
  const status = child.status.then((s) => {
    exited = true;
    return s;
  });
  const kill = async () => {
    if (!exited) {
      try {
        child.kill("SIGTERM");
      } catch {
        // Already gone.
      }
    }
    await status;
    await drained;
  };

  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), STARTUP_TIMEOUT_MS);
  });
  const line = await Promise.race([firstLinePromise, timeout]);
  clearTimeout(timer);
  if (line === "timeout" || line === null) {
    await kill();
    const s = await status;
    throw new Error(
      line === "timeout"
        ? `Test broker did not start within ${STARTUP_TIMEOUT_MS} ms`
        : `Test broker exited before listening (code ${s.code})`,
    );
  }
  const info = JSON.parse(line) as ListeningLine;
  const control = `http://127.0.0.1:${info.controlPort}`;

  const call = async <T>(method: "GET" | "POST", path: string): Promise<[number, T]> => {
    const res = await fetch(`${control}${path}`, { method });
    return [res.status, (await res.json()) as T];
  };
  const post = async (path: string) => {
    const [code, body] = await call<{ error?: string }>("POST", path);
    if (code !== 200) {
      throw new Error(`Broker control POST ${path} failed (${code}): ${body.error}`);
    }
    return body;
  };

  const close = kill;
  return {
    address: `127.0.0.1:${info.port}`,
    port: info.port,
    controlPort: info.controlPort,
    async waitForSubscribers(channel, n, timeoutMs = 5000) {
      const q = new URLSearchParams({ channel, n: String(n), timeout_ms: String(timeoutMs) });
      const [code, body] = await call<{ count: number; error?: string }>(
        "GET",
        `/subscribers?${q}`,
      );
      if (code !== 200) throw new Error(body.error ?? `Broker control returned ${code}`);
      return body.count;
    },
    async stop(opts = {}) {
      await post(`/stop${stopQuery(opts)}`);
    },
    async restart(opts = {}) {
      await post(`/restart${stopQuery(opts)}`);
    },
    async endStreams() {
      return ((await post("/end-streams")) as { ended: number }).ended;
    },
    async stats() {
      const [code, body] = await call<BrokerStats>("GET", "/stats");
      if (code !== 200) throw new Error(`Broker control GET /stats failed (${code})`);
      return body;
    },
    async queue(channel) {
      const q = new URLSearchParams({ channel });
      const [code, body] = await call<QueueState>("GET", `/queue?${q}`);
      if (code !== 200) throw new Error(`Broker control GET /queue failed (${code})`);
      return body;
    },
    async requests(channel) {
      const q = channel === undefined ? "" : `?${new URLSearchParams({ channel })}`;
      const [code, body] = await call<RequestRecord[]>("GET", `/requests${q}`);
      if (code !== 200) throw new Error(`Broker control GET /requests failed (${code})`);
      return body;
    },
    async subscriptions(channel) {
      const q = channel === undefined ? "" : `?${new URLSearchParams({ channel })}`;
      const [code, body] = await call<SubscriptionRecord[]>("GET", `/subscriptions${q}`);
      if (code !== 200) throw new Error(`Broker control GET /subscriptions failed (${code})`);
      return body;
    },
    async events(channel) {
      const q = channel === undefined ? "" : `?${new URLSearchParams({ channel })}`;
      const [code, body] = await call<EventRecord[]>("GET", `/events${q}`);
      if (code !== 200) throw new Error(`Broker control GET /events failed (${code})`);
      return body;
    },
    async records(channel) {
      const q = new URLSearchParams({ channel });
      const [code, body] = await call<ChannelRecords>("GET", `/records?${q}`);
      if (code !== 200) throw new Error(`Broker control GET /records failed (${code})`);
      return body;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
