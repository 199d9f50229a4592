/**
 * Broker restarts under light traffic, through the real stack, for every source kind: query,
 * command, queue, events and events-store, one connector process per kind (so that a crash
 * names its kind) on one test broker. GRACEFUL_RESTARTS (50) graceful stops, the way a Go gRPC
 * server (KubeMQ) drains on SIGTERM (streams end OK, GOAWAY, then the connections close), and
 * ABRUPT_RESTARTS (20) crash-like stops (connections dropped).
 *
 * Witnesses that are not the connector: each connector's exit status (a crash is a failure,
 * never retried), the senders' records, the broker's records (what it delivered, when, and
 * whether an answer came back; how often a queue message or event was delivered) and S3 (read
 * back by hash). The rules per kind are in _request_classes.ts (query, command) and
 * _restart_messages.ts (queue, events, events-store).
 */
import assert from "node:assert/strict";
import type { S3Client } from "@aws-sdk/client-s3";
import { encodeRequest } from "../../lib/wire.ts";
import { startTestBroker, type TestBroker } from "../../testing/broker.ts";
import { createKubemqClient } from "../../testing/kubemq_client.ts";
import { startConnector, type TestConnector } from "../../testing/connector.ts";
import { stopCountingCrashes } from "../../testing/crashes.ts";
import { withTestBucket } from "../../testing/s3.ts";
import { waitUntil } from "../../testing/wait_until.ts";
import { IN_FLIGHT_BOUND_MS, type RestartWindow } from "./_request_classes.ts";
import { startMessageTraffic, verifyMessages } from "./_restart_messages.ts";
import { type KindVerdict, startRequestTraffic, verifyRequests } from "./_restart_requests.ts";
import { recordArea } from "./_support.ts";

const GRACEFUL = Number(Deno.env.get("GRACEFUL_RESTARTS") ?? "50");
const ABRUPT = Number(Deno.env.get("ABRUPT_RESTARTS") ?? "20");
/** Grace period of a graceful stop: long enough for the clients to close, short for the test. */
const GRACE_MS = 300;
/**
 * The shortest time from a restart to the next stop (longer when a kind takes longer to serve
 * again), so that some work is in flight at a stop. Longer than the bound within which a request
 * counts as in flight at the stop: the requests delivered in the first part of every window are
 * judged strictly, however fast the recovery.
 */
const UP_MS = IN_FLIGHT_BOUND_MS + 500;
/** How long a kind may take to serve again after a restart. */
const RECOVERY_MS = 15_000;
/** How long a connector may take to exit after SIGTERM (drainTimeoutSeconds is 10). */
const STOP_MS = 20_000;

const KINDS = ["query", "command", "queue", "events", "events-store"] as const;
type Kind = typeof KINDS[number];

/** One kind under test: its connector, its traffic, and how to judge it at the end. */
interface KindRun {
  kind: Kind;
  channel: string;
  connector: TestConnector;
  /** Resolves once the kind serves again after a restart that ended at `recoveredAt`. */
  serving(recoveredAt: number): Promise<void>;
  stopTraffic(): Promise<void>;
  verify(windows: RestartWindow[], s3: S3Client, bucket: string): Promise<KindVerdict>;
}

/** Starts one connector for `kind`, subscribed (a queue's receiver may be busy already). */
async function startKindConnector(
  broker: TestBroker,
  kind: Kind,
): Promise<[string, TestConnector]> {
  const channel = `restarts.${kind}.${Date.now().toString(36)}`;
  const source: Record<string, string> = { address: broker.address, channel };
  if (kind !== "queue") source.reconnect_interval_seconds = "0";
  const connector = await startConnector({
    bindings: [{
      name: kind,
      sourceKind: `kubemq.${kind}`,
      source,
      properties: { log_level: "info" },
    }],
  });
  if (kind !== "queue") await broker.waitForSubscribers(channel, 1, RECOVERY_MS);
  return [channel, connector];
}

/**
 * Starts the traffic of one kind. A first request (query, command) is answered before, outside
 * the figures: the first upload of a fresh process (its S3 client, its first compiles) is not
 * what this test is about.
 */
async function startKind(
  broker: TestBroker,
  kind: Kind,
  [channel, connector]: [string, TestConnector],
  bucket: string,
): Promise<KindRun> {
  if (kind === "query" || kind === "command") {
    using client = createKubemqClient({ address: broker.address });
    const send = kind === "query" ? client.sendQuery : client.sendCommand;
    const body = encodeRequest({
      metadata: { method: "upload_item", bucket_name: bucket, item_name: `warm-up/${kind}` },
      data: new Uint8Array(64),
    });
    const warmUp = crypto.randomUUID();
    await send({ channel, body, timeoutMs: RECOVERY_MS, requestId: warmUp });
    const traffic = startRequestTraffic(broker, channel, bucket, kind);
    return {
      kind,
      channel,
      connector,
      async serving(recoveredAt) {
        await broker.waitForSubscribers(channel, 1, RECOVERY_MS);
        // Two requests sent after the resubscription are answered.
        await waitUntil(
          `${kind} answered`,
          () => traffic.answeredSince(recoveredAt) >= 2,
          RECOVERY_MS,
          10,
        );
      },
      stopTraffic: () => traffic.stop(),
      verify: (windows, s3, b) =>
        verifyRequests(traffic.sent, broker, channel, windows, s3, b, [warmUp]),
    };
  }
  const traffic = startMessageTraffic(broker, channel, bucket, kind);
  return {
    kind,
    channel,
    connector,
    async serving() {
      if (kind !== "queue") {
        await broker.waitForSubscribers(channel, 1, RECOVERY_MS);
        return;
      }
      // A queue receiver is only counted while it waits: serving is an acknowledgement.
      const acked = (await broker.stats()).queues.acked;
      await waitUntil(
        "queue acknowledged",
        async () => (await broker.stats()).queues.acked > acked,
        RECOVERY_MS,
        50,
      );
    },
    stopTraffic: () => traffic.stop(),
    verify: (_w, s3, b) => verifyMessages(kind, traffic.sent, broker, channel, s3, b, connector),
  };
}

/** Rejects as soon as one of the connectors has ended by itself. */
function died(runs: KindRun[]): { promise: Promise<never>; cancel(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const promise = new Promise<never>((_, reject) => {
    const check = () => {
      const dead = runs.find((r) => r.connector.ended() !== null);
      if (dead) reject(new Error(`the ${dead.kind} connector died: ${ended(dead.connector)}`));
      else timer = setTimeout(check, 50);
    };
    check();
  });
  promise.catch(() => {});
  return { promise, cancel: () => clearTimeout(timer) };
}

for (const mode of ["graceful", "abrupt"] as const) {
  const restarts = mode === "graceful" ? GRACEFUL : ABRUPT;
  Deno.test(`${restarts} ${mode} broker restarts under light traffic, every kind: no crash, serving again after each, nothing lost that the restart does not explain`, async () => {
    await withTestBucket(async (bucket, s3) => {
      await using broker = await startTestBroker({ records: true });
      // One connector per kind, started together; then the traffic of every kind.
      const connectors = await Promise.allSettled(KINDS.map((k) => startKindConnector(broker, k)));
      const up = connectors.flatMap((c) => c.status === "fulfilled" ? [c.value] : []);
      let failure: unknown = connectors.find((c) => c.status === "rejected")?.reason ?? null;
      const runs: KindRun[] = [];
      if (failure === null) {
        const started = await Promise.allSettled(
          KINDS.map((k, i) => startKind(broker, k, up[i]!, bucket)),
        );
        for (const s of started) if (s.status === "fulfilled") runs.push(s.value);
        failure = started.find((s) => s.status === "rejected")?.reason ?? null;
      }
      const windows: RestartWindow[] = [];
      const t0 = Date.now();
      // A failure in the loop (a crash above all) is rethrown after the figures are recorded.
      const watch = died(runs);
      try {
        if (failure === null) {
          await Promise.race([Promise.all(runs.map((r) => r.serving(t0))), watch.promise]);
          for (let i = 1; i <= restarts; i++) {
            const downAt = Date.now();
            // Graceful stops alternate the two GOAWAY shapes: one naming the last stream (Node,
            // Envoy, nginx), and grpc-go's pair (largest stream id first, then the last one).
            await broker.restart(
              mode === "graceful"
                ? { graceful: true, graceMs: GRACE_MS, goaway: i % 2 ? "single" : "double" }
                : {},
            );
            const restartedAt = Date.now();
            await Promise.race([
              Promise.all(runs.map((r) => r.serving(restartedAt))),
              watch.promise,
            ])
              .catch((err) => {
                throw new Error(`restart ${i}: ${err.message}`);
              });
            windows.push({ downAt, recoveredAt: Date.now() });
            await new Promise((r) => setTimeout(r, Math.max(0, restartedAt + UP_MS - Date.now())));
          }
        }
      } catch (err) {
        failure = err;
      } finally {
        watch.cancel();
        await Promise.all(runs.map((r) => within(`${r.kind} traffic stopped`, r.stopTraffic())));
      }
      const seconds = Math.round((Date.now() - t0) / 1000);
      const perKind: Record<string, unknown> = {};
      const totals = { served: 0, lost: 0, duplicated: 0, crashes: 0 };
      const failures: string[] = [];
      // Connectors whose traffic never started (a start failed) are only stopped.
      for (const [, connector] of up) {
        if (!runs.some((r) => r.connector === connector)) {
          totals.crashes +=
            (await stopCountingCrashes(connector, { killAfterMs: STOP_MS })).crashes;
        }
      }
      for (const run of runs) {
        const verdict = await within(`${run.kind} verified`, run.verify(windows, s3, bucket));
        // From the exit status: died by itself, or anything but exit 0 on SIGTERM.
        const { crashes, exit } = await stopCountingCrashes(run.connector, {
          killAfterMs: STOP_MS,
        });
        perKind[run.kind] = { ...verdict.figures, connectorExit: exit };
        totals.served += verdict.served;
        totals.lost += verdict.lost;
        totals.duplicated += verdict.duplicated;
        totals.crashes += crashes;
        if (crashes > 0 || failure !== null) {
          // Its last lines say what it was doing (a native abort prints its assertion there).
          // deno-lint-ignore no-console
          console.log(`${run.kind} connector, ${exit}; its last lines:\n${last(run.connector)}`);
        }
        if (crashes > 0) failures.push(`${run.kind}: the connector died: ${exit}`);
        failures.push(...verdict.failures.slice(0, 20).map((f) => `${run.kind}: ${f}`));
        if (Deno.env.get("DEBUG_RESTARTS")) {
          for (const f of verdict.failures) {
            const id = /\(([0-9a-f-]{36})\)/.exec(f)?.[1];
            if (!id) continue;
            // deno-lint-ignore no-console
            console.log(f, "\n", run.connector.lines().filter((l) => l.includes(id)).join("\n"));
          }
        }
      }
      const details = { restarts, completed: windows.length, seconds, kinds: perKind };
      // deno-lint-ignore no-console
      console.log(`${mode} restarts: ${JSON.stringify(details)}`);
      await recordArea(`broker_restarts_${mode}`, {
        casesTried: runs.length,
        faultsInjected: windows.length,
        requestsServed: totals.served,
        lost: totals.lost,
        duplicated: totals.duplicated,
        crashes: totals.crashes,
        details,
      });
      if (failure) throw failure;
      assert.equal(windows.length, restarts);
      assert.deepEqual(failures, [], "every kind kept its promises through the restarts");
    }, `restarts-${mode}`);
  });
}

/** Rejects with `what` when `p` takes over a minute: a hang names its step. */
async function within<T>(what: string, p: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`not ${what} within 60 s`)), 60_000);
  });
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** The connector's exit status and its last lines (a native abort prints its assertion). */
function ended(connector: TestConnector): string {
  const s = connector.ended();
  if (s === null) return "still running";
  return `code ${s.code}, signal ${s.signal ?? "none"}; its last output:\n${last(connector)}`;
}

function last(connector: TestConnector): string {
  return connector.lines().slice(-40).join("\n");
}
