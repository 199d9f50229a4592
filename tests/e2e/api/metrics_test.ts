// /metrics after known traffic through broker, connector and radosgw, read by parsing the
// Prometheus exposition text (not by matching substrings).
import assert from "node:assert/strict";
import { startStack } from "../../../testing/stack.ts";
import { createTestBucket, deleteTestBucketFully } from "../../../testing/s3.ts";

/** One sample: metric name, labels and value. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses the text exposition format (0.0.4): every sample line; HELP/TYPE lines checked. */
function parseExposition(text: string): { samples: Sample[]; types: Map<string, string> } {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("# HELP ")) continue;
    const type = /^# TYPE (\S+) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (type) {
      types.set(type[1]!, type[2]!);
      continue;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not an exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?/g)) {
      labels[l[1]!] = l[2]!.replace(/\\(.)/g, (_, c) => (c === "n" ? "\n" : c));
    }
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return { samples, types };
}

/** The value of the one sample of `name` whose labels include `where`. */
function value(samples: Sample[], name: string, where: Record<string, string>): number {
  const hits = samples.filter((s) =>
    s.name === name && Object.entries(where).every(([k, v]) => s.labels[k] === v)
  );
  assert.equal(hits.length, 1, `${name} ${JSON.stringify(where)}: ${hits.length} samples`);
  return hits[0]!.value;
}

Deno.test("e2e metrics: 5 requests with 2 errors give the original's counters, the histogram per method and uploaded/downloaded bytes", async () => {
  await using stack = await startStack();
  // Made outside the connector, so the connector sees exactly the five requests below.
  const bucket = await createTestBucket(undefined, "metrics");
  const sizes = [1000, 2345, 70_000];
  try {
    const uploads = await Promise.all(
      sizes.map((n, i) =>
        stack.ask(
          { method: "upload_item", bucket_name: bucket, item_name: `k${i}` },
          new Uint8Array(n).fill(i + 1),
        )
      ),
    );
    for (const u of uploads) assert.equal(u.isError, false, u.error);
    const missing = await stack.ask({ method: "get_item", bucket_name: bucket, item_name: "gone" });
    assert.equal(missing.metadata.error_code, "NoSuchKey");
    const unknown = await stack.ask({ method: "rename_item", bucket_name: bucket });
    assert.equal(unknown.metadata.error_code, "UnknownMethod");
    // A body that is not a request: the original's counters never see it, ours does.
    const invalid = await stack.askRaw(new TextEncoder().encode("not json"));
    assert.equal(invalid.metadata.error_code, "InvalidRequest");

    const res = await fetch(`${stack.connector.apiUrl}/metrics`);
    assert.equal(res.status, 200);
    const { samples, types } = parseExposition(await res.text());
    const binding = { binding: "e2e" };
    const original = {
      binding: "e2e",
      source_name: "kubemq-query",
      source_kind: "kubemq.query",
      target_name: "aws-s3",
      target_kind: "aws.s3",
    };
    for (
      const name of [
        "kubemq_targets_requests_count",
        "kubemq_targets_requests_volume",
        "kubemq_targets_responses_count",
        "kubemq_targets_responses_volume",
        "kubemq_targets_errors_count",
      ]
    ) {
      assert.equal(types.get(name), "counter", name);
      const s = samples.find((x) => x.name === name);
      assert.deepEqual(s?.labels, original, name);
    }
    // The original's semantics: responses count successes, volumes count data bytes.
    assert.equal(value(samples, "kubemq_targets_requests_count", binding), 5);
    assert.equal(value(samples, "kubemq_targets_responses_count", binding), 3);
    assert.equal(value(samples, "kubemq_targets_errors_count", binding), 2);
    assert.equal(value(samples, "kubemq_s3_invalid_requests_total", binding), 1);
    const dataBytes = sizes.reduce((a, b) => a + b, 0);
    assert.equal(value(samples, "kubemq_targets_requests_volume", binding), dataBytes);
    const answered = uploads.reduce((n, u) => n + (u.data?.length ?? 0), 0);
    assert.equal(value(samples, "kubemq_targets_responses_volume", binding), answered);

    assert.equal(types.get("kubemq_s3_request_duration_seconds"), "histogram");
    const count = (method: string, outcome: string) =>
      value(samples, "kubemq_s3_request_duration_seconds_count", { ...binding, method, outcome });
    assert.equal(count("upload_item", "ok"), 3);
    assert.equal(count("get_item", "error"), 1);
    // An unknown method is labelled "unknown", never with the sender's name for it.
    assert.equal(count("unknown", "error"), 1);
    assert.ok(!samples.some((s) => s.labels.method === "rename_item"));
    assert.equal(
      value(samples, "kubemq_s3_request_duration_seconds_bucket", {
        ...binding,
        method: "upload_item",
        outcome: "ok",
        le: "+Inf",
      }),
      3,
    );
    assert.ok(
      value(samples, "kubemq_s3_request_duration_seconds_sum", {
        ...binding,
        method: "upload_item",
        outcome: "ok",
      }) > 0,
    );

    assert.equal(value(samples, "kubemq_s3_uploaded_bytes_total", binding), dataBytes);
    assert.equal(value(samples, "kubemq_s3_downloaded_bytes_total", binding), 0);
    assert.equal(value(samples, "kubemq_s3_requests_in_flight", binding), 0);
    assert.equal(value(samples, "kubemq_s3_source_reconnects_total", binding), 0);
    assert.equal(value(samples, "kubemq_s3_binding_up", binding), 1);

    // A download counts its bytes.
    const got = await stack.ask({ method: "get_item", bucket_name: bucket, item_name: "k1" });
    assert.equal(got.data?.length, 2345);
    const afterText = await (await fetch(`${stack.connector.apiUrl}/metrics`)).text();
    // docs/operations.md shows this scrape: METRICS_SAMPLE_OUT=file deno test -A <this file>
    const sampleOut = Deno.env.get("METRICS_SAMPLE_OUT");
    if (sampleOut) await Deno.writeTextFile(sampleOut, afterText);
    const after = parseExposition(afterText);
    assert.equal(value(after.samples, "kubemq_s3_downloaded_bytes_total", binding), 2345);
    assert.equal(value(after.samples, "kubemq_targets_requests_count", binding), 6);
    assert.equal(value(after.samples, "kubemq_targets_responses_volume", binding), answered + 2345);
  } finally {
    await deleteTestBucketFully(bucket);
  }
});
