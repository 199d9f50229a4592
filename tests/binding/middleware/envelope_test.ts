// The envelope takes every kind of code alike: a kind's own code (defineErrorCodes) becomes the
// response's error_code and the outcome's code, and counts as an error, as a generic one does.
import assert from "node:assert/strict";
import { Binding } from "../../../lib/binding/binding.ts";
import { ConnectorError, defineErrorCodes } from "../../../lib/errors.ts";
import { Metrics } from "../../../lib/metrics.ts";
import { decodeResponse, encodeRequest } from "../../../lib/wire.ts";
import { fakeSourceKind, fakeSpec, fakeTargetKind } from "../_fakes.ts";

const own = defineErrorCodes({ QuotaExceeded: "The store's quota is used up." });

Deno.test("envelope: a kind's own code is the response's error_code and the outcome's code, and counts as an error", async () => {
  const metrics = new Metrics();
  const source = fakeSourceKind();
  const target = fakeTargetKind((req) =>
    req.metadata.method === "fail"
      ? Promise.reject(new ConnectorError(own("QuotaExceeded"), "quota used up", { status: 507 }))
      : Promise.resolve({})
  );
  const binding = new Binding(fakeSpec("b"), { source: source.kind, target: target.kind }, {
    metrics,
    readFile: () => Promise.reject(new Error("no files")),
    onDead: () => {},
  });
  await binding.start();
  try {
    const handler = source.created[0]!.handler!;
    const info = { requestId: "r1", channel: "c", clientId: "x" };
    const failed = await handler(encodeRequest({ metadata: { method: "fail" }, data: null }), info);
    assert.deepEqual(failed.outcome, {
      kind: "fail",
      error: "quota used up",
      code: "QuotaExceeded",
    });
    const response = decodeResponse(failed.body);
    assert.equal(response.isError, true);
    assert.deepEqual(response.metadata, { error_code: "QuotaExceeded", http_status: "507" });
    const next = await handler(encodeRequest({ metadata: { method: "ok" }, data: null }), info);
    assert.equal(next.outcome.kind, "ok");
  } finally {
    await binding.stop(100);
  }
  const errors = (await metrics.text()).split("\n").filter((l) =>
    l.startsWith("kubemq_targets_errors_count{") && l.includes('binding="b"')
  );
  assert.deepEqual(errors.map((l) => Number(l.split(" ").at(-1))), [1]);
});
