/**
 * Tracing through the real path: a client (kubemq-js's generated messages, which carry tags)
 * sends a message whose tags hold a W3C `traceparent`, the test broker delivers it, the connector
 * (production permission flags, started with OTEL_DENO=true) handles it against radosgw, and the
 * runtime exports the spans over OTLP http/json to the test receiver (testing/otlp_receiver.ts).
 */
import assert from "node:assert/strict";
import { encodeRequest, type TargetResponse } from "../../../lib/wire.ts";
import { decodeResponse } from "../../../lib/wire.ts";
import { startTestBroker } from "../../../testing/broker.ts";
import { startConnector, type TestConnector } from "../../../testing/connector.ts";
import { createKubemqClient } from "../../../testing/kubemq_client.ts";
import { createQueuesClient } from "../../../testing/kubemq_queues.ts";
import {
  type OtlpReceiver,
  type ReceivedSpan,
  startOtlpReceiver,
} from "../../../testing/otlp_receiver.ts";
import { withTestBucket } from "../../../testing/s3.ts";
import { formatSpanTree } from "../../../testing/span_tree.ts";
import { startStack, type TestStack } from "../../../testing/stack.ts";

const enc = (s: string) => new TextEncoder().encode(s);
const hex = (bytes: number) =>
  [...crypto.getRandomValues(new Uint8Array(bytes))].map((b) => b.toString(16).padStart(2, "0"))
    .join("");

/** A sender's span: a fresh trace id and span id, as `traceparent` tags. */
function senderSpan(state?: string) {
  const traceId = hex(16);
  const spanId = hex(8);
  const tags: Record<string, string> = { traceparent: `00-${traceId}-${spanId}-01` };
  if (state) tags.tracestate = state;
  return { traceId, spanId, tags };
}

/** The environment that turns tracing on and exports to `otlp`, flushing every 100 ms. */
function tracingEnv(otlp: OtlpReceiver): Record<string, string> {
  return {
    OTEL_DENO: "true",
    OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
    OTEL_EXPORTER_OTLP_ENDPOINT: otlp.endpoint,
    OTEL_SERVICE_NAME: "kubemq-s3-test",
    OTEL_BSP_SCHEDULE_DELAY: "100",
  };
}

/** Sends an upload_item of `text` with `tags` through the stack; asserts it succeeded. */
async function upload(
  stack: TestStack,
  bucket: string,
  key: string,
  text: string,
  tags: Record<string, string>,
) {
  const res = await stack.client.sendQuery({
    channel: stack.channel,
    body: encodeRequest({
      metadata: { method: "upload_item", bucket_name: bucket, item_name: key },
      data: enc(text),
    }),
    timeoutMs: 30_000,
    tags,
  });
  assert.equal(decodeResponse(res.body).isError, false, decodeResponse(res.body).error);
  return res;
}

/** The connector's request span in `traceId`. */
function requestSpan(spans: ReceivedSpan[], traceId: string): ReceivedSpan | undefined {
  return spans.find((s) => s.traceId === traceId && s.scope === "kubemq-s3" && s.kind === 5);
}

/** Matches the request log line of a `method` request's outcome. */
const doneLine = (method: string) => (r: Record<string, unknown>) =>
  r.method === method && r.durationMs !== undefined;

/** The permissions the connector logged at start (its worker's allow-list). */
function permissionsOf(c: TestConnector): unknown {
  const start = c.records().find((r) =>
    String(r.message).startsWith("Starting with configuration")
  );
  assert.ok(start, "no start-up line");
  return start.permissions;
}

async function withTracedStack(
  otlp: OtlpReceiver,
  fn: (stack: TestStack) => Promise<void>,
): Promise<void> {
  const stack = await startStack({ env: tracingEnv(otlp), properties: { log_level: "info" } });
  try {
    await fn(stack);
  } finally {
    await stack.close();
  }
}

Deno.test("a query with a traceparent yields a connector span in the sender's trace, S3 spans under it, and the context back in the response", async () => {
  const otlp = await startOtlpReceiver();
  try {
    await withTestBucket((bucket) =>
      withTracedStack(otlp, async (stack) => {
        const sender = senderSpan("vendor=abc");
        const res = await upload(stack, bucket, "traced.txt", "hello trace", sender.tags);
        const spans = await otlp.waitFor((all) => {
          const span = requestSpan(all, sender.traceId);
          return span !== undefined && all.some((s) => s.parentSpanId === span.spanId);
        });
        const span = requestSpan(spans, sender.traceId)!;
        const tree = formatSpanTree(spans.filter((s) => s.traceId === sender.traceId));
        assert.equal(span.parentSpanId, sender.spanId, tree);
        assert.equal(span.name, "e2e upload_item");
        // Deno's span does not record the trace state it continues; the response passes it on.
        assert.equal(span.status.code, 0, tree);
        assert.deepEqual(
          {
            kind: span.attributes["kubemq_s3.source.kind"],
            binding: span.attributes["kubemq_s3.binding"],
            channel: span.attributes["messaging.destination.name"],
            method: span.attributes["kubemq_s3.method"],
            bucket: span.attributes["aws.s3.bucket"],
            key: span.attributes["aws.s3.key"],
            outcome: span.attributes["kubemq_s3.outcome"],
            bytesOut: span.attributes["kubemq_s3.bytes_out"],
          },
          {
            kind: "kubemq.query",
            binding: "e2e",
            channel: stack.channel,
            method: "upload_item",
            bucket,
            key: "traced.txt",
            outcome: "ok",
            bytesOut: res.body.byteLength,
          },
        );
        assert.ok(Number(span.attributes["kubemq_s3.bytes_in"]) > "hello trace".length);
        // The data is never an attribute.
        assert.ok(!Deno.inspect(spans, { depth: 9 }).includes("hello trace"));
        // The S3 call under it: the runtime's span of the HTTP attempt, named by the operation,
        // with its status and S3's request id; no second span of ours around it.
        const put = spans.find((s) => s.parentSpanId === span.spanId && s.name === "S3.PutObject");
        assert.ok(put, tree);
        assert.equal(put.traceId, sender.traceId);
        assert.equal(put.scope, "deno");
        assert.equal(put.kind, 3);
        assert.equal(put.attributes["http.request.method"], "PUT");
        assert.equal(put.attributes["http.response.status_code"], 200, tree);
        assert.equal(put.attributes["rpc.method"], "PutObject");
        assert.match(String(put.attributes["aws.request_id"]), /\S{8,}/, tree);
        assert.equal(put.attributes["aws.s3.bucket"], bucket);
        assert.equal(put.attributes["aws.s3.key"], "traced.txt");
        assert.equal(spans.filter((s) => s.parentSpanId === span.spanId).length, 1, tree);
        // The response carries the context back: same trace, the connector's span.
        assert.equal(res.tags.traceparent, `00-${sender.traceId}-${span.spanId}-01`);
        assert.equal(res.tags.tracestate, "vendor=abc");
        // The request's log line names the span.
        const line = await stack.connector.waitForLog(doneLine("upload_item"));
        assert.equal(line.trace_id, sender.traceId);
        assert.equal(line.span_id, span.spanId);
      })
    );
  } finally {
    await otlp.close();
  }
});

Deno.test("a failed request's span has error status and our error code; an invalid body's too", async () => {
  const otlp = await startOtlpReceiver();
  try {
    await withTestBucket((bucket) =>
      withTracedStack(otlp, async (stack) => {
        const sender = senderSpan();
        const res = await stack.client.sendQuery({
          channel: stack.channel,
          body: encodeRequest({
            metadata: { method: "get_item", bucket_name: bucket, item_name: "missing.txt" },
            data: null,
          }),
          timeoutMs: 30_000,
          tags: sender.tags,
        });
        const response: TargetResponse = decodeResponse(res.body);
        assert.equal(response.isError, true);
        const code = response.metadata.error_code!;
        assert.ok(code);
        const spans = await otlp.waitFor((all) => {
          const span = requestSpan(all, sender.traceId);
          return span !== undefined && all.some((s) => s.parentSpanId === span.spanId);
        });
        const span = requestSpan(spans, sender.traceId)!;
        const tree = formatSpanTree(spans.filter((s) => s.traceId === sender.traceId));
        assert.equal(span.status.code, 2, tree);
        assert.equal(span.status.message, response.error);
        assert.equal(span.attributes["error.type"], code);
        assert.equal(span.attributes["kubemq_s3.outcome"], "fail");
        const s3 = spans.find((s) => s.parentSpanId === span.spanId && s.name.startsWith("S3."));
        assert.ok(s3, tree);
        assert.equal(s3.status.code, 2, tree);
        assert.equal(s3.attributes["http.response.status_code"], 404, tree);
        assert.ok(s3.attributes["aws.request_id"], tree);
        const failed = await stack.connector.waitForLog(doneLine("get_item"));
        assert.equal(failed.trace_id, sender.traceId);
        assert.equal(failed.span_id, span.spanId);

        const invalid = senderSpan();
        const bad = await stack.client.sendQuery({
          channel: stack.channel,
          body: enc("{not json"),
          timeoutMs: 30_000,
          tags: invalid.tags,
        });
        const badResponse = decodeResponse(bad.body);
        const badSpan = requestSpan(
          await otlp.waitFor((all) => requestSpan(all, invalid.traceId) !== undefined),
          invalid.traceId,
        )!;
        assert.equal(badSpan.status.code, 2);
        assert.equal(badSpan.attributes["kubemq_s3.outcome"], "invalid");
        assert.equal(badSpan.attributes["error.type"], badResponse.metadata.error_code);
        assert.equal(bad.tags.traceparent, `00-${invalid.traceId}-${badSpan.spanId}-01`);
      })
    );
  } finally {
    await otlp.close();
  }
});

Deno.test("tracing off (the default): nothing exported, no tags added, no collector in the allow-list; on: the same list plus the collector", async () => {
  const otlp = await startOtlpReceiver();
  const env = tracingEnv(otlp);
  const { OTEL_DENO: _, ...off } = env;
  const broker = await startTestBroker();
  const channel = `untraced.${Date.now().toString(36)}`;
  const client = createKubemqClient({ address: broker.address });
  try {
    await withTestBucket(async (bucket) => {
      const bindings = [{
        name: "e2e",
        properties: { log_level: "info" },
        source: { address: broker.address, channel },
      }];
      const untraced = await startConnector({ bindings, env: off });
      let offPermissions: unknown;
      try {
        await broker.waitForSubscribers(channel, 1, 10_000);
        const res = await client.sendQuery({
          channel,
          body: encodeRequest({
            metadata: { method: "upload_item", bucket_name: bucket, item_name: "untraced.txt" },
            data: enc("x"),
          }),
          timeoutMs: 30_000,
          tags: senderSpan().tags,
        });
        assert.equal(decodeResponse(res.body).isError, false);
        assert.deepEqual(res.tags, {});
        offPermissions = permissionsOf(untraced);
        const line = await untraced.waitForLog(doneLine("upload_item"));
        assert.equal("trace_id" in line, false);
        assert.equal(untraced.records().some((r) => r.endpoint !== undefined), false);
      } finally {
        assert.equal(await untraced.stop(), 0);
      }
      // The process has exited, so an export it had pending would have been flushed by now.
      assert.deepEqual(otlp.exports(), []);
      const traced = await startConnector({ bindings, env });
      try {
        // Off, the collector is nowhere in the list; on, the list is off's plus the collector.
        const collector = `127.0.0.1:${otlp.port}`;
        assert.ok(!JSON.stringify(offPermissions).includes(`:${otlp.port}`));
        const off = offPermissions as { net: string[] };
        assert.deepEqual(permissionsOf(traced), {
          ...off,
          net: [...off.net, collector].sort(),
        });
        const said = traced.records().find((r) => String(r.message).startsWith("Tracing on"));
        assert.equal(said?.endpoint, `${otlp.endpoint}/v1/traces`);
        assert.equal(said?.protocol, "http/json");
        assert.equal(said?.collector, collector);
        await broker.waitForSubscribers(channel, 1, 10_000);
        const sender = senderSpan();
        await client.sendQuery({
          channel,
          body: encodeRequest({ metadata: { method: "list_buckets" }, data: null }),
          timeoutMs: 30_000,
          tags: sender.tags,
        });
        await otlp.waitFor((all) => requestSpan(all, sender.traceId) !== undefined);
      } finally {
        await traced.stop();
      }
    });
  } finally {
    client.close();
    await broker.close();
    await otlp.close();
  }
});

Deno.test("a request the sampler drops (always_off): served as usual, nothing exported, no trace ids in its log line, and its unsampled context back in the tags", async () => {
  const otlp = await startOtlpReceiver();
  try {
    await withTestBucket(async (bucket) => {
      const env = { ...tracingEnv(otlp), OTEL_TRACES_SAMPLER: "always_off" };
      const stack = await startStack({ env, properties: { log_level: "info" } });
      try {
        const sender = senderSpan();
        const res = await upload(stack, bucket, "unsampled.txt", "not traced", sender.tags);
        // The sender's trace, a span id of the connector's, and flags 00 (not sampled).
        assert.match(
          res.tags.traceparent ?? "",
          new RegExp(`^00-${sender.traceId}-[0-9a-f]{16}-00$`),
        );
        const line = await stack.connector.waitForLog(doneLine("upload_item"));
        assert.equal("trace_id" in line, false);
      } finally {
        await stack.close();
      }
      // The process has exited: anything pending would have been flushed.
      assert.deepEqual(otlp.spans(), []);
    });
  } finally {
    await otlp.close();
  }
});

Deno.test("queue and events sources continue the sender's trace and send it with the outcome on response_channel", async () => {
  const otlp = await startOtlpReceiver();
  const broker = await startTestBroker();
  const id = Date.now().toString(36);
  try {
    await withTestBucket(async (bucket) => {
      const connector = await startConnector({
        bindings: [
          {
            name: "q",
            sourceKind: "kubemq.queue",
            source: {
              address: broker.address,
              channel: `tq.${id}`,
              response_channel: `tq.${id}.out`,
              wait_timeout: "1",
            },
          },
          {
            name: "ev",
            sourceKind: "kubemq.events",
            source: {
              address: broker.address,
              channel: `te.${id}`,
              response_channel: `te.${id}.out`,
            },
          },
        ],
        env: tracingEnv(otlp),
      });
      const client = createQueuesClient({ address: broker.address });
      try {
        await broker.waitForSubscribers(`te.${id}`, 1, 10_000);
        const outcomes = client.subscribeEvents({ channel: `te.${id}.out` });
        const q = senderSpan();
        const sent = await client.send({
          channel: `tq.${id}`,
          body: encodeRequest({
            metadata: { method: "upload_item", bucket_name: bucket, item_name: "from-queue" },
            data: enc("q"),
          }),
          tags: q.tags,
        });
        assert.equal(sent.isError, false, sent.error);
        const ev = senderSpan();
        await broker.waitForSubscribers(`te.${id}.out`, 1, 10_000);
        const published = await client.sendEvent({
          channel: `te.${id}`,
          body: encodeRequest({
            metadata: { method: "upload_item", bucket_name: bucket, item_name: "from-event" },
            data: enc("e"),
          }),
          tags: ev.tags,
        });
        assert.equal(published.sent, true, published.error);

        const spans = await otlp.waitFor((all) =>
          requestSpan(all, q.traceId) !== undefined && requestSpan(all, ev.traceId) !== undefined
        );
        const qSpan = requestSpan(spans, q.traceId)!;
        const evSpan = requestSpan(spans, ev.traceId)!;
        assert.equal(qSpan.parentSpanId, q.spanId);
        assert.equal(qSpan.attributes["kubemq_s3.source.kind"], "kubemq.queue");
        assert.equal(evSpan.parentSpanId, ev.spanId);
        assert.equal(evSpan.attributes["kubemq_s3.source.kind"], "kubemq.events");

        let qOut;
        for (let i = 0; i < 20 && !qOut; i++) {
          qOut = (await client.pull(`tq.${id}.out`, { max: 1, waitSeconds: 1 })).messages[0];
        }
        assert.ok(qOut, "no queue outcome");
        assert.equal(qOut.tags.traceparent, `00-${q.traceId}-${qSpan.spanId}-01`);
        const [evOut] = await outcomes.waitFor(1, 15_000);
        assert.equal(evOut!.tags.traceparent, `00-${ev.traceId}-${evSpan.spanId}-01`);
        await outcomes.close();
      } finally {
        client.close();
        await connector.stop();
      }
    });
  } finally {
    await broker.close();
    await otlp.close();
  }
});

Deno.test("the sender CLI's --trace starts a trace that the connector continues, and prints its id", async () => {
  const otlp = await startOtlpReceiver();
  try {
    await withTracedStack(otlp, async (stack) => {
      const cli = await new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "--allow-net",
          "--allow-read",
          "--allow-write",
          "tools/send.ts",
          "--address",
          stack.broker.address,
          "--channel",
          stack.channel,
          "--method",
          "list_buckets",
          "--trace",
        ],
        cwd: new URL("../../../", import.meta.url),
        // The CLI traces too: its span is the root of the trace.
        env: { ...tracingEnv(otlp), OTEL_SERVICE_NAME: "kubemq-send", NO_COLOR: "1" },
        stdout: "piped",
        stderr: "piped",
      }).output();
      const stderr = new TextDecoder().decode(cli.stderr);
      assert.equal(cli.code, 0, stderr);
      const printed = /trace id: ([0-9a-f]{32}) \(traceparent 00-\1-([0-9a-f]{16})-01\)/.exec(
        stderr,
      );
      assert.ok(printed, stderr);
      const [, traceId, senderSpanId] = printed;
      // The connector's span ends after its S3 child, so it may come in a later export batch.
      const spans = await otlp.waitFor((all) =>
        all.some((s) => s.spanId === senderSpanId) &&
        all.some((s) => s.traceId === traceId && s.name === "S3.ListBuckets") &&
        requestSpan(all, traceId!) !== undefined
      );
      const trace = spans.filter((s) => s.traceId === traceId);
      const tree = formatSpanTree(trace);
      const root = trace.find((s) => s.spanId === senderSpanId);
      assert.equal(root?.name, "send list_buckets", tree);
      assert.equal(root.service, "kubemq-send");
      const span = requestSpan(trace, traceId!);
      assert.ok(span, tree);
      assert.equal(span.parentSpanId, senderSpanId, tree);
      assert.equal(span.service, "kubemq-s3-test");
      assert.match(stderr, new RegExp(`the connector's span is 00-${traceId}-${span.spanId}-01`));
    });
  } finally {
    await otlp.close();
  }
});
