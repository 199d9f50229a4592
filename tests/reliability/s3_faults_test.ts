/**
 * S3 faults through the real stack, injected by a loopback proxy in front of the shared radosgw
 * (which keeps running for everyone else): S3 down and back, S3 hanging with a per-request
 * deadline and a concurrency bound, and a multipart upload whose connections are cut midway.
 */
import assert from "node:assert/strict";
import { HeadObjectCommand, ListMultipartUploadsCommand } from "@aws-sdk/client-s3";
import { startFaultProxy } from "../../testing/s3_proxy.ts";
import { testTargetProperties } from "../../testing/connector.ts";
import { s3TestEnv, withTestBucket } from "../../testing/s3.ts";
import { startStack, type TestStack } from "../../testing/stack.ts";
import { stopCountingCrashes } from "../../testing/crashes.ts";
import { alive, connectorPid } from "../../testing/proc.ts";
import { sha256 } from "../../testing/sha256.ts";
import { waitUntil } from "../../testing/wait_until.ts";
import { area, probeApi } from "./_support.ts";

const upstream = () => new URL(s3TestEnv().endpoint).host;
/** Each test adds to the area's figures; the area records after each test, passed or failed. */
const s3Faults = area("s3_faults");
const { figures, details } = s3Faults;

/**
 * Ends a test's stack and counts from witnesses other than the connector: crashes from its exit
 * status (SIGTERM must give 0), lost from the broker (queries it timed out: the sender got no
 * answer), duplicated from the broker (responses to queries already answered).
 */
async function settle(stack: TestStack): Promise<void> {
  const stats = await stack.broker.stats();
  const { crashes, exit } = await stopCountingCrashes(stack.connector);
  figures.crashes += crashes;
  figures.lost += stats.timeouts;
  figures.duplicated += stats.responsesDuplicate;
  assert.equal(crashes, 0, `the connector crashed: ${exit}`);
  assert.equal(stats.timeouts, 0, "every query was answered");
  assert.equal(stats.responsesDuplicate, 0, "no query answered twice");
}

s3Faults.test("S3 down: every query gets an error naming the cause, /ready says so, and service resumes without a restart", async () => {
  await withTestBucket(async (bucket) => {
    await using proxy = await startFaultProxy({ upstream: upstream() });
    await using stack = await startStack({
      target: { ...testTargetProperties(), endpoint: proxy.url },
      properties: { log_level: "info" },
    });
    const pid = connectorPid(stack.connector);
    const ok = await stack.ask({ method: "upload_item", bucket_name: bucket, item_name: "a" }, "1");
    assert.equal(ok.isError, false, ok.error);

    const queries = () => [
      stack.ask({ method: "list_bucket_items", bucket_name: bucket }),
      stack.ask({ method: "get_item", bucket_name: bucket, item_name: "a" }),
      stack.ask({ method: "upload_item", bucket_name: bucket, item_name: "b" }, "2"),
      stack.ask({ method: "list_buckets" }),
    ];
    for (const mode of ["refuse", "drop"] as const) {
      await proxy.setMode(mode);
      figures.faultsInjected++;
      const answers = await Promise.all([...queries(), ...queries()]);
      figures.requestsServed += answers.length;
      for (const res of answers) {
        assert.equal(res.isError, true);
        assert.match(
          res.error,
          mode === "refuse"
            ? /S3 endpoint unreachable \(ECONNREFUSED\)/
            : /S3 endpoint unreachable \((ECONNRESET|EPIPE)\)|socket hang up/,
        );
        assert.ok(res.metadata.error_code, "error_code is set");
      }
      const api = await probeApi(stack.connector);
      assert.equal(api.health, 200);
      assert.equal(api.ready, 503);
      assert.match(
        api.readyText,
        /target probe failed: .*(ECONNREFUSED|ECONNRESET|socket hang up)/,
      );
    }
    await proxy.setMode("pass");
    const resumeMs = await waitUntil(
      "ready again",
      async () => (await probeApi(stack.connector)).ready === 200,
    );
    const after = await Promise.all(queries());
    figures.requestsServed += after.length;
    for (const res of after) assert.equal(res.isError, false, res.error);
    assert.equal(connectorPid(stack.connector), pid, "the same process serves again");
    assert.ok(alive(pid));
    details.s3DownResumeMs = Math.round(resumeMs);
    await settle(stack);
    figures.casesTried++;
  }, "s3-down");
});

s3Faults.test("S3 hanging: the per-request deadline answers Timeout and the concurrency bound stops a pile-up", async () => {
  await withTestBucket(async (bucket) => {
    await using proxy = await startFaultProxy({ upstream: upstream() });
    const concurrency = 3;
    await using stack = await startStack({
      target: { ...testTargetProperties(), endpoint: proxy.url },
      source: { concurrency: String(concurrency) },
      properties: { request_timeout_seconds: "1", log_level: "info" },
    });
    await proxy.setMode("stall");
    figures.faultsInjected++;
    proxy.resetPeak();
    let peakInFlight = 0;
    let polling = true;
    const poll = (async () => {
      while (polling) {
        const res = await fetch(`${stack.connector.apiUrl}/bindings/state`);
        const [status] = await res.json() as { counters: { inFlight: number } }[];
        peakInFlight = Math.max(peakInFlight, status?.counters.inFlight ?? 0);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const sent = Array.from(
      { length: 12 },
      (_, i) => stack.ask({ method: "get_item", bucket_name: bucket, item_name: `k${i}` }),
    );
    const answers = await Promise.all(sent);
    polling = false;
    await poll;
    figures.requestsServed += answers.length;
    for (const res of answers) {
      assert.equal(res.isError, true);
      assert.match(res.error, /timeout/i);
      assert.equal(res.metadata.error_code, "Timeout");
    }
    assert.ok(peakInFlight <= concurrency, `${peakInFlight} requests in flight at once`);
    assert.ok(
      proxy.stats().maxOpen <= concurrency + 1,
      `${proxy.stats().maxOpen} S3 connections open at once`,
    );
    details.hangPeakInFlight = peakInFlight;
    details.hangPeakS3Connections = proxy.stats().maxOpen;

    // Slow but answering: requests succeed.
    await proxy.setMode("pass");
    proxy.setDelay(100);
    const slow = await stack.ask(
      { method: "upload_item", bucket_name: bucket, item_name: "s" },
      "x",
    );
    assert.equal(slow.isError, false, slow.error);
    figures.requestsServed++;
    await settle(stack);
    figures.casesTried++;
  }, "s3-hang");
});

s3Faults.test("multipart upload cut midway: the client gets an error, no object under the key, no multipart upload left", async () => {
  await withTestBucket(async (bucket, s3) => {
    await using proxy = await startFaultProxy({ upstream: upstream() });
    await using stack = await startStack({
      target: { ...testTargetProperties(), endpoint: proxy.url, uploader: "true" },
      properties: { log_level: "info" },
    });
    const data = crypto.getRandomValues(new Uint8Array(64 * 1024)).slice();
    const body = new Uint8Array(40 * 1024 * 1024);
    for (let at = 0; at < body.length; at += data.length) body.set(data, at);
    // Each connection is cut after 1 MiB towards S3: every 8 MiB part fails (retries too),
    // small calls (create, abort) get through.
    proxy.setCutAfterBytes(1024 * 1024);
    figures.faultsInjected++;
    const res = await stack.ask(
      { method: "upload_item", bucket_name: bucket, item_name: "big.bin" },
      body,
      120_000,
    );
    figures.requestsServed++;
    proxy.setCutAfterBytes(null);
    assert.equal(res.isError, true);
    assert.equal(res.metadata.error_code, "NetworkError", res.error);
    assert.match(res.error, /S3 endpoint unreachable \((EPIPE|ECONNRESET)\)/);
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "big.bin" }))
      .then(() => "exists", (e: Error) => e.name);
    assert.equal(head, "NotFound");
    const uploads = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
    assert.deepEqual(uploads.Uploads ?? [], []);
    // And with the connection whole again, the same upload succeeds byte for byte.
    const retry = await stack.ask(
      { method: "upload_item", bucket_name: bucket, item_name: "big.bin" },
      body,
      120_000,
    );
    figures.requestsServed++;
    assert.equal(retry.isError, false, retry.error);
    const got = await stack.ask({ method: "get_item", bucket_name: bucket, item_name: "big.bin" });
    assert.equal(await sha256(got.data ?? new Uint8Array()), await sha256(body));
    await settle(stack);
    details.multipartCutError = `${res.metadata.error_code}: ${res.error.slice(0, 160)}`;
    figures.casesTried++;
  }, "s3-cut");
});
