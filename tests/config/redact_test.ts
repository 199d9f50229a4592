// Redaction of keys outside any schema (middleware metadata): shown as the kinds' schemas show a
// field of that name, the strictest mode winning; redact.ts itself names no kind's field.
import assert from "node:assert/strict";
import { parseConfigText, redactConfig } from "../../lib/config/config.ts";
import { defineKindSet, kindRegistry, type KindSet } from "../../lib/kind_registry.ts";
import { defineSourceKind, defineTargetKind, NO_PERMISSIONS } from "../../lib/kinds/kind.ts";
import { text } from "../../lib/schema.ts";

const fakeKinds = defineKindSet([
  defineSourceKind({
    kind: "fake.source",
    description: "test",
    properties: {
      account: text({ description: "An account id.", secret: "partial" }),
      shared: text({ description: "Partial here, secret in the target.", secret: "partial" }),
    },
    permissions: NO_PERMISSIONS,
    payload: () => "request",
    create: () => Promise.reject(new Error("not used")),
  }),
], [
  defineTargetKind({
    kind: "fake.target",
    description: "test",
    properties: {
      shared: text({ description: "Secret here.", secret: true }),
      label: text({ description: "Shown." }),
    },
    permissions: NO_PERMISSIONS,
    create: () => Promise.reject(new Error("not used")),
  }),
]);

/** The redacted middleware metadata of a one-binding config; endpoints in YAML flow style. */
function shownMetadata(kinds: KindSet, source: string, target: string, metadata: object) {
  const config = `
bindings:
  - name: b
    properties: {metadata: '${JSON.stringify(metadata)}'}
    source: ${source}
    target: ${target}
`;
  const parsed = parseConfigText(config, { env: {}, kinds }).config;
  return redactConfig(parsed, kinds).bindings[0]!.middleware.metadata;
}

Deno.test("redact: a metadata key is shown as the kinds' schemas show that field, the strictest winning", () => {
  const shown = shownMetadata(fakeKinds, "{kind: fake.source}", "{kind: fake.target}", {
    account: "acct-1234567890",
    shared: "abcdefghijklmnop",
    label: "visible",
    plain: "x",
    api_token: "t0k",
  });
  assert.deepEqual(shown, {
    account: "acct***",
    shared: "***",
    label: "visible",
    plain: "x",
    api_token: "***",
  });
});

Deno.test("redact: with the shipped kinds, aws.s3's key id in metadata is shown in part, as its schema says", () => {
  const source = "{kind: kubemq.query, properties: {address: 'localhost:50000', channel: q}}";
  const target = "{kind: aws.s3, properties: {region: us-east-1}}";
  const shown = shownMetadata(kindRegistry, source, target, {
    aws_key: "AKIAEXAMPLEKEY123456",
    aws_secret_key: "s3cr3t/Key+Value",
    aws_access_key_id: "AKIAEXAMPLEKEY123456",
    bucket_name: "b",
  });
  assert.deepEqual(shown, {
    aws_key: "AKIA***",
    aws_secret_key: "***",
    // No schema declares it: it looks secret, so it is hidden whole.
    aws_access_key_id: "***",
    bucket_name: "b",
  });
});

Deno.test("redact.ts names no AWS key and no field of a shipped kind", async () => {
  const source = await Deno.readTextFile(new URL("../../lib/config/redact.ts", import.meta.url));
  assert.doesNotMatch(source, /aws|access_key/i);
  const fields = [...kindRegistry.sources, ...kindRegistry.targets].flatMap((k) =>
    Object.keys(k.properties)
  );
  assert.ok(fields.includes("aws_key"), "the walk found no fields");
  const named = fields.filter((f) => new RegExp(`["'\`]${f}["'\`]`).test(source));
  assert.deepEqual(named, []);
});
