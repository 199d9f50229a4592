// POST /bindings/request with enableRequestApi: true runs a request through the binding's
// middleware (metadata merge, counters, metrics, request log) and target, without KubeMQ.
import assert from "node:assert/strict";
import { decodeResponse } from "../../../lib/wire.ts";
import { startStack } from "../../../testing/stack.ts";
import { createTestBucket, deleteTestBucketFully } from "../../../testing/s3.ts";

Deno.test("e2e POST /bindings/request: runs through the binding's middleware and target; 400 and 404 for bad calls", async () => {
  const bucket = await createTestBucket(undefined, "reqapi");
  try {
    // The middleware's metadata wins over the request's: every request goes to `bucket`.
    await using stack = await startStack({
      top: { enableRequestApi: true },
      properties: { log_level: "info", metadata: JSON.stringify({ bucket_name: bucket }) },
    });
    const post = (body: unknown) =>
      fetch(`${stack.connector.apiUrl}/bindings/request`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    const data = btoa("hello from the request API");
    const up = await post({
      binding: "e2e",
      payload: {
        metadata: { method: "upload_item", bucket_name: "not-this-bucket", item_name: "a.txt" },
        data,
      },
    });
    assert.equal(up.status, 200);
    assert.match(up.headers.get("content-type") ?? "", /^application\/json/);
    const upRes = decodeResponse(new Uint8Array(await up.arrayBuffer()));
    assert.equal(upRes.isError, false, upRes.error);

    // The same item, read through KubeMQ: it landed in the middleware's bucket.
    const got = await stack.ask({ method: "get_item", bucket_name: "x", item_name: "a.txt" });
    assert.equal(new TextDecoder().decode(got.data!), "hello from the request API");

    const missing = await post({
      binding: "e2e",
      payload: { metadata: { method: "get_item", item_name: "nope" } },
    });
    assert.equal(missing.status, 200);
    const missingRes = decodeResponse(new Uint8Array(await missing.arrayBuffer()));
    assert.equal(missingRes.isError, true);
    assert.equal(missingRes.metadata.error_code, "NoSuchKey");

    const noBinding = await post({ binding: "other", payload: { metadata: {} } });
    assert.equal(noBinding.status, 404);
    assert.deepEqual(await noBinding.json(), { error: 'No binding "other"; bindings: e2e' });
    const badPayload = await post({ binding: "e2e", payload: { metadata: "no" } });
    assert.equal(badPayload.status, 400);
    assert.match((await badPayload.json()).error, /metadata/);
    const notJson = await fetch(`${stack.connector.apiUrl}/bindings/request`, {
      method: "POST",
      body: "{",
    });
    assert.equal(notJson.status, 400);
    assert.match((await notJson.json()).error, /^Body is not JSON: /);

    // Counted like queries: 2 via the API, 1 via KubeMQ, 1 error.
    const status = await (await fetch(`${stack.connector.apiUrl}/bindings/state`)).json();
    assert.deepEqual(status[0].counters, { requests: 3, errors: 1, inFlight: 0 });
    const metrics = await (await fetch(`${stack.connector.apiUrl}/metrics`)).text();
    assert.match(metrics, /^kubemq_targets_requests_count\{binding="e2e",[^}]*\} 3$/m);
    assert.match(metrics, /^kubemq_targets_errors_count\{binding="e2e",[^}]*\} 1$/m);
    // And logged with an api- request id.
    const line = await stack.connector.waitForLog((r) =>
      r.method === "upload_item" && typeof r.durationMs === "number"
    );
    assert.match(String(line.requestId), /^api-[0-9a-f-]{36}$/);
    assert.equal(line.binding, "e2e");
  } finally {
    await deleteTestBucketFully(bucket);
  }
});
