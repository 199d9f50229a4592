// Logs of a running connector (JSON lines), and the log setup itself: per-binding log_level,
// the readable format, the progress throttle.
import assert from "node:assert/strict";
import { getLogger } from "@logtape/logtape";
import {
  logger,
  progressGate,
  requestLogger,
  setupLogging,
  withLogContext,
} from "../../lib/log.ts";
import { startStack } from "../../testing/stack.ts";
import { deleteTestBucketFully, s3TestEnv, uniqueBucketName } from "../../testing/s3.ts";

const MiB = 1024 * 1024;

Deno.test("e2e logs: startup shows redacted config and permissions; request lines carry binding, method, requestId, durationMs; long operations log throttled progress", async () => {
  await using stack = await startStack({ properties: { log_level: "info" } });
  const records = () => stack.connector.records();

  const start = records().find((r) => String(r.message).startsWith("Starting with"))!;
  assert.equal(start.level, "INFO");
  const permissions = start.permissions as { net: string[]; read: string[]; env: string[] };
  // The S3 server's host:port (radosgw's 7480 by default, or S3_ENDPOINT's).
  const s3Host = new URL(s3TestEnv().endpoint).host;
  assert.ok(permissions.net.includes(s3Host), JSON.stringify(permissions));
  assert.ok(permissions.net.includes(stack.broker.address), JSON.stringify(permissions));
  assert.ok(
    String(start.message).startsWith("Starting with configuration from"),
    String(start.message),
  );
  assert.ok(
    String(start.message).includes(`bindings "e2e"; network allowed to `),
    String(start.message),
  );
  assert.ok(String(start.message).includes(s3Host), String(start.message));
  const config = start.config as { bindings: { target: { properties: Record<string, string> } }[] };
  assert.equal(config.bindings[0]!.target.properties.aws_secret_key, "***");

  const bucket = uniqueBucketName("logs");
  try {
    const created = await stack.ask({ method: "create_bucket", bucket_name: bucket });
    assert.equal(created.isError, false, created.error);
    const done = await stack.connector.waitForLog((r) => r.method === "create_bucket");
    assert.equal(done.level, "INFO");
    assert.equal(done.binding, "e2e");
    assert.equal(done.logger, "kubemq-s3.requests.e2e");
    assert.match(String(done.requestId), /^[0-9a-f-]{36}$/);
    assert.equal(typeof done.durationMs, "number");
    assert.match(String(done.message), /^Request "[0-9a-f-]{36}" "create_bucket" done in \d/);

    const failed = await stack.ask({ method: "get_item", bucket_name: bucket, item_name: "none" });
    assert.equal(failed.isError, true);
    const error = await stack.connector.waitForLog((r) =>
      r.method === "get_item" && r.level === "ERROR"
    );
    assert.equal(error.errorCode, "NoSuchKey");
    assert.equal(error.binding, "e2e");
    assert.equal(typeof error.durationMs, "number");

    // 20 MiB in 8 MiB parts: progress lines in the request's context, at most one per part.
    const big = new Uint8Array(20 * MiB);
    for (let i = 0; i < big.length; i += 4096) big[i] = i % 251;
    const up = await stack.ask(
      { method: "upload_item", bucket_name: bucket, item_name: "big.bin" },
      big,
      60_000,
    );
    assert.equal(up.isError, false, up.error);
    const upDone = await stack.connector.waitForLog((r) =>
      r.method === "upload_item" && typeof r.durationMs === "number"
    );
    const progress = records().filter((r) =>
      String(r.message).startsWith("Transfer of") && r.requestId === upDone.requestId
    );
    assert.ok(progress.length >= 2 && progress.length <= 3, JSON.stringify(progress));
    for (const p of progress) {
      assert.equal(p.binding, "e2e");
      assert.equal(p.method, "upload_item");
      assert.equal(p.item, "big.bin");
      assert.equal(p.total, 20 * MiB);
    }
    assert.deepEqual(progress.at(-1)!.percent, 100);

    // Emptying a bucket logs each page, in the request's context.
    const emptied = await stack.ask({
      method: "delete_all_items_from_bucket",
      bucket_name: bucket,
    });
    assert.equal(emptied.isError, false, emptied.error);
    const page = await stack.connector.waitForLog((r) =>
      String(r.message).startsWith("Deleting items of bucket")
    );
    assert.equal(page.binding, "e2e");
    assert.equal(page.method, "delete_all_items_from_bucket");
    assert.match(String(page.requestId), /^[0-9a-f-]{36}$/);
    assert.equal(page.deleted, 1);
    assert.equal(page.pages, 1);
  } finally {
    await deleteTestBucketFully(bucket);
  }
});

Deno.test("logging: log_level per binding filters that binding's request lines only", () => {
  const lines: string[] = [];
  setupLogging("json", [{ name: "loud", level: "debug" }, { name: "quiet", level: "" }, {
    name: "errors",
    level: "error",
  }], (l) => lines.push(l));
  try {
    for (const name of ["loud", "quiet", "errors"]) {
      const log = requestLogger(name);
      log.debug("debug {name}", { name });
      log.info("info {name}", { name });
      log.warn("warn {name}", { name });
      log.error("error {name}", { name });
    }
    logger("binding", "quiet").info("lifecycle of quiet");
    const messages = lines.map((l) => JSON.parse(l).message);
    assert.deepEqual(messages, [
      'debug "loud"',
      'info "loud"',
      'warn "loud"',
      'error "loud"',
      'warn "quiet"',
      'error "quiet"',
      'error "errors"',
      "lifecycle of quiet",
    ]);
  } finally {
    setupLogging("json", [], () => {});
  }
});

Deno.test("logging: the text format shows the properties its message leaves out, and request context", () => {
  const lines: string[] = [];
  setupLogging("text", [{ name: "b", level: "info" }], (l) => lines.push(l));
  try {
    requestLogger("b").info("Request {requestId} done in {durationMs} ms", {
      binding: "b",
      requestId: "r-1",
      durationMs: 12.5,
      permissions: { net: ["127.0.0.1:7480"] },
    });
    withLogContext({ binding: "b", method: "upload_item", requestId: "r-2" }, () => {
      getLogger(["kubemq-s3", "binding", "b"]).info("Transfer of {item}", { item: "k" });
    });
    assert.equal(lines.length, 2);
    assert.match(
      lines[0]!,
      / \[INF\] kubemq-s3·requests·b: Request "r-1" done in 12\.5 ms binding=b permissions=\{"net":\["127\.0\.0\.1:7480"\]\}\n$/,
    );
    assert.match(
      lines[1]!,
      /Transfer of "k" binding=b method=upload_item requestId=r-2\n$/,
    );
  } finally {
    setupLogging("json", [], () => {});
  }
});

Deno.test("progressGate: the first and last report, one per 25% step, else at most one per interval", () => {
  let now = 0;
  const gate = progressGate(1000, 25, () => now);
  const total = 1000;
  const seen: number[] = [];
  for (let done = 10; done <= total; done += 10) {
    now += 5; // 100 reports in 0.5 s: only step crossings pass
    if (gate(done, total)) seen.push(done);
  }
  assert.deepEqual(seen, [10, 250, 500, 750, 1000]);

  const slow = progressGate(1000, 25, () => now);
  const passed: boolean[] = [];
  for (const [advance, done] of [[0, 1], [400, 2], [700, 3], [100, 4], [2000, 5]] as const) {
    now += advance;
    passed.push(slow(done, 1000));
  }
  assert.deepEqual(passed, [true, false, true, false, true]);
});
