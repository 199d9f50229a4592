/**
 * The original's loader, key by key: viper and mapstructure match keys without regard to case,
 * yaml.v2 reads YAML 1.1 booleans, and an empty or binding-less config is valid.
 */
// Run: deno test --allow-read --allow-env tests/config/fold_keys_test.ts
import assert from "node:assert/strict";
import { ConfigError, parseConfigText } from "../../lib/config/config.ts";
import { foldKeys } from "../../lib/config/fold_keys.ts";
import { kindRegistry } from "../../lib/kind_registry.ts";
import type { S3TargetOptions } from "../../lib/targets/aws_s3/options.ts";
import type { KubemqQueryOptions as QuerySourceOptions } from "../../lib/sources/kubemq_query/options.ts";

const parse = (text: string) => parseConfigText(text, { env: {}, kinds: kindRegistry });

function errorsOf(text: string): readonly string[] {
  try {
    parse(text);
  } catch (err) {
    if (err instanceof ConfigError) return err.errors;
    throw err;
  }
  assert.fail("expected a ConfigError");
}

Deno.test("foldKeys renames keys to the known spelling and keeps unknown ones", () => {
  const out = foldKeys({ APIPORT: "1", Bindings: [], other: 2 }, ["apiPort", "bindings"], "");
  assert.deepEqual(out.node, { apiPort: "1", bindings: [], other: 2 });
  assert.deepEqual(out.errors, []);
});

Deno.test("foldKeys reports a key written twice in different case", () => {
  const out = foldKeys({ apiPort: "1", apiport: "2" }, ["apiPort"], "");
  assert.deepEqual(out.node, { apiPort: "1" });
  assert.deepEqual(out.errors, [
    'apiPort: written twice, as "apiPort" and "apiport" (keys are matched without regard to case); keep one',
  ]);
});

Deno.test("keys at every level match without regard to case, as viper and mapstructure do", () => {
  const { config, warnings } = parse(`
APIPORT: "9091"
Bindings:
  - NAME: b1
    Properties: {RETRY_ATTEMPTS: "3"}
    Source:
      Kind: kubemq.query
      Name: q
      Properties: {Address: "h:50000", CHANNEL: c1}
    TARGET:
      KIND: aws.s3
      properties: {Region: eu-west-1}
`);
  assert.deepEqual(warnings, []);
  assert.equal(config.apiPort, 9091);
  const [b] = config.bindings;
  assert.ok(b);
  assert.equal(b.name, "b1");
  assert.equal(b.middleware.retry_attempts, 3);
  assert.deepEqual([b.source.kind, b.source.name], ["kubemq.query", "q"]);
  assert.equal((b.source.options as QuerySourceOptions).channel, "c1");
  assert.deepEqual(b.source.properties, { address: "h:50000", channel: "c1" });
  assert.equal((b.target.options as S3TargetOptions).region, "eu-west-1");
});

Deno.test("YAML 1.1 booleans unquoted are booleans, as in yaml.v2; quoted they are strings", () => {
  const text = (v: string) => `
bindings:
  - name: b1
    source:
      kind: kubemq.query
      properties: {address: "h:1", channel: c, auto_reconnect: ${v}}
    target: {kind: aws.s3, properties: {region: r, uploader: ${v}}}
`;
  for (
    const [v, want] of [["yes", true], ["on", true], ["y", true], ["Y", true], [
      "no",
      false,
    ]] as const
  ) {
    const b = parse(text(v)).config.bindings[0]!;
    assert.equal((b.source.options as QuerySourceOptions).auto_reconnect, want, v);
    assert.equal((b.target.options as S3TargetOptions).uploader, want, v);
    assert.equal(b.target.properties["uploader"], want ? "1" : "0", v);
  }
  for (const v of ["off", "n", "NO", "Off"]) {
    const b = parse(text(v)).config.bindings[0]!;
    assert.equal((b.target.options as S3TargetOptions).uploader, false, v);
  }
  // Quoted, "yes" is a string that Go's ParseBool rejects: an error here (a silent default there).
  assert.equal(errorsOf(text(`"yes"`)).length, 2);
});

Deno.test("no bindings, an empty list or an empty file is a valid config", () => {
  for (const text of ["", "apiPort: 8080\n", "bindings: []\n", "bindings:\n"]) {
    const { config, warnings } = parse(text);
    assert.deepEqual(config.bindings, [], JSON.stringify(text));
    assert.deepEqual(warnings, ["bindings: none configured; only the HTTP API serves"]);
  }
});

Deno.test("a blank required value is a value, as Go's MustParseString sees it", () => {
  const { config } = parse(`
bindings:
  - name: " "
    source: {kind: kubemq.query, properties: {address: "h:1", channel: "  "}}
    target: {kind: aws.s3, properties: {region: " "}}
`);
  const b = config.bindings[0]!;
  assert.equal(b.name, " ");
  assert.equal((b.source.options as QuerySourceOptions).channel, "  ");
  assert.equal((b.target.options as S3TargetOptions).region, " ");
});
