/**
 * Each binding middleware property through the real process. One connector runs one binding per
 * property, each on its own channel, so the process starts once.
 */
import assert from "node:assert/strict";
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { decodeResponse, encodeRequest, type TargetResponse } from "../../../lib/wire.ts";
import { startTestBroker } from "../../../testing/broker.ts";
import { startConnector, type TestBinding } from "../../../testing/connector.ts";
import { createKubemqClient } from "../../../testing/kubemq_client.ts";
import {
  createTestBucket,
  deleteTestBucketFully,
  testS3Client,
  uniqueBucketName,
} from "../../../testing/s3.ts";
import { testTargetProperties } from "../../../testing/connector.ts";

/** A port nothing listens on: bound, then released. */
function closedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** A TCP server that accepts connections and never answers: S3 calls to it hang. */
function blackHole(): { port: number; close(): void } {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const conns: Deno.Conn[] = [];
  (async () => {
    try {
      for await (const conn of listener) {
        conns.push(conn);
        // Read and discard, so the client's writes complete and it waits for an answer.
        conn.readable.pipeTo(new WritableStream()).catch(() => {});
      }
    } catch { /* closed */ }
  })();
  return {
    port: (listener.addr as Deno.NetAddr).port,
    close() {
      listener.close();
      for (const c of conns) {
        try {
          c.close();
        } catch { /* already closed */ }
      }
    },
  };
}

const enc = new TextEncoder();

Deno.test("binding middleware: each property has its effect", async (t) => {
  const s3 = testS3Client();
  const bucket = await createTestBucket(s3, "e2e-middleware");
  const hole = blackHole();
  const missingBucket = uniqueBucketName("e2e-missing");
  try {
    await using broker = await startTestBroker();
    const prefix = `e2e.mw.${Date.now().toString(36)}`;
    const channel = (name: string) => `${prefix}.${name}`;
    const radosgw = testTargetProperties();
    const at = (endpoint: string) => ({ ...radosgw, endpoint });
    const specs: Record<string, Omit<TestBinding, "source" | "name">> = {
      "log-debug": { properties: { log_level: "debug" } },
      "log-info": { properties: { log_level: "info" } },
      "log-error": { properties: { log_level: "error" } },
      "log-default": {},
      "retry-network": {
        properties: {
          retry_attempts: "3",
          retry_delay_milliseconds: "10",
          retry_max_jitter_milliseconds: "0",
          retry_delay_type: "fixed",
        },
        target: at(`http://127.0.0.1:${closedPort()}`),
      },
      "retry-no-such-bucket": { properties: { retry_attempts: "3" } },
      "rate": { properties: { rate_per_second: "2" } },
      "rate-alias": { properties: { rate_per_seconds: "2" } },
      "metadata": { properties: { metadata: JSON.stringify({ bucket_name: bucket }) } },
      "timeout": {
        properties: {
          request_timeout_seconds: "1",
          retry_attempts: "3",
          retry_delay_milliseconds: "10",
        },
        target: at(`http://127.0.0.1:${hole.port}`),
      },
    };
    // Targets at a closed port and a black hole fail the readiness probe: wait for the
    // subscriptions instead.
    await using connector = await startConnector({
      bindings: Object.entries(specs).map(([name, spec]) => ({
        name,
        ...spec,
        source: { address: broker.address, channel: channel(name) },
      })),
      waitReady: false,
    });
    for (const name of Object.keys(specs)) {
      await broker.waitForSubscribers(channel(name), 1, 15_000);
    }
    using client = createKubemqClient({ address: broker.address });
    let n = 0;
    /** Sends one request to a binding; returns its request id and decoded response. */
    const ask = async (
      binding: string,
      metadata: Record<string, string>,
      data: Uint8Array | null = null,
    ): Promise<{ id: string; res: TargetResponse }> => {
      const id = `${binding}-${n++}`;
      const reply = await client.sendQuery({
        channel: channel(binding),
        requestId: id,
        body: encodeRequest({ metadata, data }),
        timeoutMs: 30_000,
      });
      assert.equal(reply.executed, true, reply.error);
      return { id, res: decodeResponse(reply.body) };
    };
    /** What a request log line says: the request, done, retrying or failed. */
    const kind = (message: string) =>
      / failed \(attempt \d+\), retrying /.test(message)
        ? "retrying"
        : / failed in /.test(message)
        ? "failed"
        : / done in /.test(message)
        ? "done"
        : "request";
    /** The per-request log lines of a binding for one request, as [level, kind]. */
    const requestLog = (binding: string, id: string) =>
      connector.records()
        .filter((r) => r.logger === `kubemq-s3.requests.${binding}` && r.requestId === id)
        .map((r) => [r.level, kind(String(r.message))]);

    await t.step("log_level debug/info/error/empty decide the request log lines", async () => {
      const levels = ["log-debug", "log-info", "log-error", "log-default"] as const;
      const seen: Record<string, { ok: unknown[]; failed: unknown[] }> = {};
      for (const binding of levels) {
        const ok = await ask(binding, { method: "list_buckets" });
        assert.equal(ok.res.isError, false, ok.res.error);
        const failed = await ask(binding, {
          method: "get_item",
          bucket_name: missingBucket,
          item_name: "k",
        });
        assert.equal(failed.res.metadata.error_code, "NoSuchBucket");
        seen[binding] = { ok: requestLog(binding, ok.id), failed: requestLog(binding, failed.id) };
      }
      assert.deepEqual(seen, {
        "log-debug": {
          ok: [["DEBUG", "request"], ["DEBUG", "done"]],
          failed: [["DEBUG", "request"], ["ERROR", "failed"]],
        },
        "log-info": { ok: [["INFO", "done"]], failed: [["ERROR", "failed"]] },
        "log-error": { ok: [], failed: [["ERROR", "failed"]] },
        "log-default": { ok: [], failed: [["ERROR", "failed"]] },
      });
      // debug logs the whole metadata of request and response.
      const debugLine = connector.records().find((r) =>
        r.logger === "kubemq-s3.requests.log-debug" && r.level === "DEBUG"
      );
      assert.deepEqual(debugLine?.metadata, { method: "list_buckets" });
    });

    await t.step("retry_attempts: a network error is retried, then reported", async () => {
      const { id, res } = await ask("retry-network", {
        method: "get_item",
        bucket_name: bucket,
        item_name: "k",
      });
      assert.equal(res.isError, true);
      assert.equal(res.metadata.error_code, "NetworkError", res.error);
      assert.deepEqual(requestLog("retry-network", id), [
        ["WARN", "retrying"],
        ["WARN", "retrying"],
        ["ERROR", "failed"],
      ]);
      const attempts = connector.records()
        .filter((r) => r.requestId === id && r.attempt !== undefined)
        .map((r) => r.attempt);
      assert.deepEqual(attempts, [1, 2]);
    });

    await t.step("retry_attempts: NoSuchBucket is not retried", async () => {
      const { id, res } = await ask("retry-no-such-bucket", {
        method: "get_item",
        bucket_name: missingBucket,
        item_name: "k",
      });
      assert.equal(res.metadata.error_code, "NoSuchBucket");
      assert.equal(res.metadata.http_status, "404");
      assert.deepEqual(requestLog("retry-no-such-bucket", id), [["ERROR", "failed"]]);
    });

    await t.step("rate_per_second and its alias rate_per_seconds space requests out", async () => {
      // 5 requests at 2 per second: the last may start 2 s after the first. Only a lower bound
      // is checked (1.5 s): an upper bound would depend on the machine's load.
      const timed = async (binding: string) => {
        const started = performance.now();
        const all = await Promise.all(
          Array.from({ length: 5 }, () => ask(binding, { method: "list_buckets" })),
        );
        for (const { res } of all) assert.equal(res.isError, false, res.error);
        return performance.now() - started;
      };
      const [rate, alias] = await Promise.all([timed("rate"), timed("rate-alias")]);
      assert.ok(rate >= 1500, `rate_per_second: 5 requests took ${rate} ms`);
      assert.ok(alias >= 1500, `rate_per_seconds: 5 requests took ${alias} ms`);
    });

    await t.step("metadata supplies keys the request leaves out, and wins over them", async () => {
      const up = await ask(
        "metadata",
        { method: "upload_item", item_name: "from-binding" },
        enc.encode("m"),
      );
      assert.equal(up.res.isError, false, up.res.error);
      const stored = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: "from-binding" }));
      assert.equal(await stored.Body?.transformToString(), "m");
      const other = await ask("metadata", {
        method: "get_item",
        bucket_name: missingBucket,
        item_name: "from-binding",
      });
      assert.equal(other.res.isError, false, other.res.error);
      assert.deepEqual(other.res.data, enc.encode("m"));
    });

    await t.step("request_timeout_seconds bounds a request, retries included", async () => {
      const { id, res } = await ask("timeout", {
        method: "get_item",
        bucket_name: bucket,
        item_name: "k",
      });
      assert.equal(res.isError, true);
      assert.equal(res.metadata.error_code, "Timeout", res.error);
      assert.equal(
        res.error,
        "Timeout: the request took longer than request_timeout_seconds (1 s)",
      );
      // The deadline is spent by the first attempt, so nothing is retried after it.
      assert.deepEqual(requestLog("timeout", id), [["ERROR", "failed"]]);
    });
  } finally {
    hole.close();
    await deleteTestBucketFully(bucket, s3);
    s3.destroy();
  }
});
