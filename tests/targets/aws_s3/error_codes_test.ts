// The aws.s3 target's own error codes: declared in its folder with their meanings, listed on
// its kind, and none of them generic.
import assert from "node:assert/strict";
import { CONNECTOR_ERROR_CODES } from "../../../lib/errors.ts";
import { kindRegistry } from "../../../lib/kind_registry.ts";
import { s3Code } from "../../../lib/targets/aws_s3/error_codes.ts";

Deno.test("aws.s3 declares IncompleteBody, TooManyKeys and DeleteFailed, each with a meaning", () => {
  const kind = kindRegistry.target("aws.s3");
  assert.ok(kind);
  assert.deepEqual(kind.errorCodes, s3Code.meanings);
  assert.deepEqual(Object.keys(s3Code.meanings).sort(), [
    "DeleteFailed",
    "IncompleteBody",
    "TooManyKeys",
  ]);
  for (const [code, meaning] of Object.entries(s3Code.meanings)) {
    assert.ok(meaning.length > 10 && meaning.endsWith("."), `${code}: ${meaning}`);
    assert.equal(s3Code(code as keyof typeof s3Code.meanings), code);
  }
});

Deno.test("no shipped kind declares a generic code", () => {
  const generic: readonly string[] = CONNECTOR_ERROR_CODES;
  const kinds = [...kindRegistry.sources, ...kindRegistry.targets];
  const clashes = kinds.flatMap((k) =>
    Object.keys(k.errorCodes ?? {}).filter((c) => generic.includes(c)).map((c) => `${k.kind}: ${c}`)
  );
  assert.deepEqual(clashes, []);
});
