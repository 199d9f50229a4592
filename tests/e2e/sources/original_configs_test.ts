/**
 * A config written for the original kubemq-targets, with one binding per source kind
 * (kubemq.queue, kubemq.command, kubemq.events, kubemq.events-store), starts unchanged and
 * serves each through the real stack: kubemq-js generated clients -> test broker -> connector
 * (production permission flags) -> radosgw.
 */
import assert from "node:assert/strict";
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { decodeResponse, encodeRequest } from "../../../lib/wire.ts";
import { startTestBroker } from "../../../testing/broker.ts";
import { startConnectorWithConfig, testTargetProperties } from "../../../testing/connector.ts";
import { createKubemqClient } from "../../../testing/kubemq_client.ts";
import { createQueuesClient } from "../../../testing/kubemq_queues.ts";
import { withTestBucket } from "../../../testing/s3.ts";
import { EventsStoreType } from "../../../lib/sources/kubemq/pb_events.ts";

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

function upload(bucket: string, key: string, data: string): Uint8Array {
  return encodeRequest({
    metadata: { method: "upload_item", bucket_name: bucket, item_name: key },
    data: enc(data),
  });
}

/** The original's config layout: every property a quoted string, as its README shows. */
function originalConfig(address: string, prefix: string): string {
  const target = Object.entries(testTargetProperties())
    .map(([k, v]) => `        ${k}: "${v}"`).join("\n");
  const binding = (name: string, kind: string, props: Record<string, string>) =>
    `  - name: ${name}
    source:
      kind: ${kind}
      name: ${name}-source
      properties:
${Object.entries(props).map(([k, v]) => `        ${k}: "${v}"`).join("\n")}
    target:
      kind: aws.s3
      name: aws-s3
      properties:
${target}
    properties:
      log_level: "info"
`;
  return `apiPort: 0
apiHost: 127.0.0.1
logFormat: json
bindings:
${
    binding("kubemq-queue-aws-s3", "kubemq.queue", {
      address,
      client_id: "kubemq-queue-aws-s3-connector",
      auth_token: "",
      channel: `${prefix}.queue`,
      response_channel: `${prefix}.queue.response`,
      sources: "1",
      batch_size: "1",
      wait_timeout: "60",
      max_requeue: "0",
    })
  }${
    binding("kubemq-command-aws-s3", "kubemq.command", {
      address,
      client_id: "kubemq-command-aws-s3-connector",
      auth_token: "",
      channel: `${prefix}.command`,
      group: "",
      auto_reconnect: "true",
      reconnect_interval_seconds: "1",
      max_reconnects: "0",
    })
  }${
    binding("kubemq-events-aws-s3", "kubemq.events", {
      address,
      client_id: "kubemq-events-aws-s3-connector",
      auth_token: "",
      channel: `${prefix}.events`,
      group: "",
      response_channel: `${prefix}.events.response`,
      auto_reconnect: "true",
      reconnect_interval_seconds: "1",
      max_reconnects: "0",
    })
  }${
    binding("kubemq-events-store-aws-s3", "kubemq.events-store", {
      address,
      client_id: "kubemq-events-store-aws-s3-connector",
      auth_token: "",
      channel: `${prefix}.events-store`,
      group: "",
      response_channel: `${prefix}.events-store.response`,
      auto_reconnect: "true",
      reconnect_interval_seconds: "1",
      max_reconnects: "0",
    })
  }`;
}

Deno.test("an original kubemq-targets config with queue, command, events and events-store sources starts and serves each", async () => {
  await withTestBucket(async (bucket, s3) => {
    await using broker = await startTestBroker();
    const prefix = `orig.${Date.now().toString(36)}`;
    const path = await Deno.makeTempFile({ suffix: ".yaml" });
    await Deno.writeTextFile(path, originalConfig(broker.address, prefix));
    await using connector = await startConnectorWithConfig(path);
    using kq = createKubemqClient({ address: broker.address });
    using q = createQueuesClient({ address: broker.address });
    for (const kind of ["command", "events", "events-store", "queue"]) {
      await broker.waitForSubscribers(`${prefix}.${kind}`, 1, 10_000);
    }
    const stored = async (key: string) => {
      const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return dec(await out.Body!.transformToByteArray());
    };

    // Command: Executed true and no body on success; Executed false with the error on failure.
    const ok = await kq.sendCommand({
      channel: `${prefix}.command`,
      body: upload(bucket, "by-command", "command bytes"),
      timeoutMs: 10_000,
    });
    assert.equal(ok.executed, true, ok.error);
    assert.equal(ok.error, "");
    assert.equal(ok.body.length, 0);
    assert.equal(await stored("by-command"), "command bytes");
    const failed = await kq.sendCommand({
      channel: `${prefix}.command`,
      body: encodeRequest({
        metadata: { method: "get_item", bucket_name: bucket, item_name: "missing" },
        data: null,
      }),
      timeoutMs: 10_000,
    });
    assert.equal(failed.executed, false);
    assert.match(failed.error, /NoSuchKey/);
    assert.equal(failed.body.length, 0);
    const poison = await kq.sendCommand({
      channel: `${prefix}.command`,
      body: enc("{not json"),
      timeoutMs: 10_000,
    });
    assert.equal(poison.executed, false);
    assert.match(poison.error, /invalid request format/);

    // Events: fire-and-forget; the outcome arrives as an event on response_channel.
    const eventsOut = q.subscribeEvents({ channel: `${prefix}.events.response` });
    const storeOut = q.subscribeEvents({
      channel: `${prefix}.events-store.response`,
      store: true,
      startType: EventsStoreType.StartFromFirst,
    });
    await broker.waitForSubscribers(`${prefix}.events.response`, 1);
    await broker.waitForSubscribers(`${prefix}.events-store.response`, 1);
    await q.sendEvent({ channel: `${prefix}.events`, body: upload(bucket, "by-event", "ev") });
    await q.sendEvent({
      channel: `${prefix}.events-store`,
      body: upload(bucket, "by-event-store", "es"),
      store: true,
    });
    const [ev] = await eventsOut.waitFor(1);
    assert.equal(decodeResponse(ev!.body).isError, false);
    // A failed event is not retried; its outcome says why.
    await q.sendEvent({ channel: `${prefix}.events`, body: "not a request" });
    const [, bad] = await eventsOut.waitFor(2);
    const badOutcome = decodeResponse(bad!.body);
    assert.equal(badOutcome.isError, true);
    assert.equal(badOutcome.metadata.error_code, "InvalidRequest");
    const [es] = await storeOut.waitFor(1);
    assert.equal(decodeResponse(es!.body).isError, false);
    assert.ok(es!.sequence >= 1, "events-store outcomes are stored events");
    assert.equal(await stored("by-event"), "ev");
    assert.equal(await stored("by-event-store"), "es");

    // Queue: stored, then the outcome on the response queue.
    await q.send({ channel: `${prefix}.queue`, body: upload(bucket, "by-queue", "qq") });
    let outcome;
    for (let i = 0; i < 100 && !outcome; i++) {
      outcome = (await q.pull(`${prefix}.queue.response`, { max: 1, waitSeconds: 1 }))
        .messages[0];
    }
    assert.ok(outcome, "an outcome on the response queue");
    assert.equal(decodeResponse(outcome.body).isError, false);
    assert.equal(await stored("by-queue"), "qq");

    await eventsOut.close();
    await storeOut.close();
    assert.equal(await connector.stop("SIGTERM"), 0);
    await Deno.remove(path);
  }, "original-config");
});

Deno.test("events-store: start_position first replays stored events; a broker restart resumes after the last one without replaying", async () => {
  await withTestBucket(async (bucket, s3) => {
    await using broker = await startTestBroker();
    using q = createQueuesClient({ address: broker.address });
    const ch = `es.${Date.now().toString(36)}`;
    for (let i = 0; i < 3; i++) {
      await q.sendEvent({ channel: ch, body: upload(bucket, `before-${i}`, `b${i}`), store: true });
    }
    const path = await Deno.makeTempFile({ suffix: ".yaml" });
    const target = testTargetProperties();
    await Deno.writeTextFile(
      path,
      JSON.stringify({
        apiPort: 0,
        apiHost: "127.0.0.1",
        logFormat: "json",
        bindings: [{
          name: "es",
          properties: { log_level: "info" },
          source: {
            kind: "kubemq.events-store",
            name: "es",
            properties: {
              address: broker.address,
              channel: ch,
              start_position: "first",
              reconnect_interval_seconds: "1",
            },
          },
          target: { kind: "aws.s3", name: "s3", properties: target },
        }],
      }),
    );
    await using connector = await startConnectorWithConfig(path);
    const done = () =>
      connector.records().filter((r) =>
        r.method === "upload_item" && typeof r.message === "string" &&
        r.message.includes(" done in ")
      ).length;
    const waitDone = async (n: number) => {
      for (let i = 0; i < 200 && done() < n; i++) await new Promise((r) => setTimeout(r, 50));
      assert.equal(done(), n);
    };
    await waitDone(3);
    await broker.stop();
    await broker.restart();
    await broker.waitForSubscribers(ch, 1, 15_000);
    await q.sendEvent({ channel: ch, body: upload(bucket, "after", "a"), store: true });
    await waitDone(4);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(done(), 4, "the stored events were not replayed after the resubscription");
    for (const key of ["before-0", "before-1", "before-2", "after"]) {
      const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      assert.ok((await out.Body!.transformToByteArray()).length > 0);
    }
    assert.equal(await connector.stop("SIGTERM"), 0);
    await Deno.remove(path);
  }, "events-store");
});
