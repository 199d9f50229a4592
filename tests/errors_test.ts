// Error codes: the generic set stays closed; a kind declares its own codes with their meanings
// (defineErrorCodes), never a generic one, and they travel in ConnectorError like the others.
import assert from "node:assert/strict";
import {
  CONNECTOR_ERROR_CODES,
  ConnectorError,
  defineErrorCodes,
  toConnectorError,
} from "../lib/errors.ts";

Deno.test("defineErrorCodes: a declared name is its code, and the meanings are kept, frozen", () => {
  const own = defineErrorCodes({
    QuotaExceeded: "The store's quota is used up.",
    Locked: "The item is locked.",
  });
  const err = new ConnectorError(own("QuotaExceeded"), "quota used up", { retryable: true });
  assert.equal(err.code, "QuotaExceeded");
  assert.equal(toConnectorError(err).code, "QuotaExceeded");
  assert.deepEqual(own.meanings, {
    QuotaExceeded: "The store's quota is used up.",
    Locked: "The item is locked.",
  });
  assert.ok(Object.isFrozen(own.meanings));
});

Deno.test("defineErrorCodes refuses a generic code's name, even when the types are bypassed", () => {
  const forced = { Timeout: "mine", Fine: "ok" } as unknown as Record<"Fine", string>;
  assert.throws(() => defineErrorCodes(forced), {
    message: "Generic error codes declared by a kind: Timeout",
  });
});

Deno.test("the generic set names no code a single kind raises", () => {
  const generic: readonly string[] = CONNECTOR_ERROR_CODES;
  for (const s3Only of ["IncompleteBody", "TooManyKeys", "DeleteFailed"]) {
    assert.ok(!generic.includes(s3Only), s3Only);
  }
  assert.equal(new Set(generic).size, generic.length);
});
