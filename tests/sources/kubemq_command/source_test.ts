// A command's reply is built from the binding's outcome: no body, Executed and Error.
import assert from "node:assert/strict";
import { commandReply } from "../../../lib/sources/kubemq_command/source.ts";

const body = new TextEncoder().encode('{"metadata":{"result":"ok"},"data":null}');

Deno.test("commandReply answers Executed true and no error when the target succeeded", () => {
  assert.deepEqual(commandReply({ body, outcome: { kind: "ok", error: "", code: "" } }), {
    body: new Uint8Array(),
    executed: true,
    error: "",
  });
});

Deno.test("commandReply answers Executed false with the error text otherwise", () => {
  for (const kind of ["fail", "retry", "invalid"] as const) {
    const error = `the ${kind} error`;
    assert.deepEqual(commandReply({ body, outcome: { kind, error, code: "Timeout" } }), {
      body: new Uint8Array(),
      executed: false,
      error,
    });
  }
});
