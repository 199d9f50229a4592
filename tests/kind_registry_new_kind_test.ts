/**
 * Adding a kind touches only its folder and one registry line: a source kind and a target kind
 * declared here (schema with examples, permissions, factory) join the shipped ones in a kind
 * set, and config validation, the sandbox allow-list and redaction all take them in, with no
 * change to generic code. (The docs generator's part is in tests/tools/docs/config_reference_test.ts,
 * since only the tests of tools/ import tools/.) The two kinds are declared in testing/new_kinds.ts.
 */
import assert from "node:assert/strict";
import { ConfigError, parseConfigText, redactConfig } from "../lib/config/config.ts";
import { kindRegistry } from "../lib/kind_registry.ts";
import { deriveAllowList } from "../lib/sandbox/allow_list.ts";
import { newKindsConfig as configText, withNewKinds as kinds } from "../testing/new_kinds.ts";

Deno.test("config validation accepts a binding of new kinds and checks it by their schemas", () => {
  const { config } = parseConfigText(configText(), { env: {}, kinds });
  const b = config.bindings[0]!;
  assert.deepEqual(b.source.options, {
    endpoint: "inbox.acme.test:7000",
    api_token: "tok-secret-value",
    account_id: "acct-1234567890",
    ca_file: "/etc/acme/ca.pem",
    batch: 20,
  });
  assert.deepEqual(b.target.options, {
    host: "store.acme.test",
    key_id: "KEY-ABCDEFGHIJKL",
    password: "pw-secret-value",
    tls: false,
  });
  assert.throws(
    () => parseConfigText(configText("500"), { env: {}, kinds }),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.deepEqual(err.errors, [
        'bindings[0].source.properties.batch: expected an integer from 1 to 100, got "500" (binding "acme")',
      ]);
      return true;
    },
  );
  // The shipped registry does not know them: only the kind set line adds them.
  assert.throws(() => parseConfigText(configText(), { env: {}, kinds: kindRegistry }), /acme/);
});

Deno.test("the allow-list is the union of what the new kinds declare, and the API", async () => {
  const { config } = parseConfigText(configText(), { env: {}, kinds });
  const allow = await deriveAllowList(config, {
    kinds,
    resolve: () => Promise.resolve([]),
    env: (name) => (name === "ACME_STORE_CREDENTIALS" ? "/var/run/acme/creds" : undefined),
  });
  assert.deepEqual(allow.net, ["127.0.0.1:8081", "inbox.acme.test:7000", "store.acme.test:80"]);
  assert.deepEqual(allow.read, ["/etc/acme/ca.pem", "/var/run/acme/creds"]);
  assert.ok(allow.env.includes("ACME_*"), allow.env.join());
  assert.ok(allow.env.includes("ACME_STORE_CREDENTIALS"), allow.env.join());
  // No shipped kind is in use, so none of their environment is granted.
  assert.ok(
    !allow.env.some((e) => e.startsWith("AWS_") || e.startsWith("GRPC_")),
    allow.env.join(),
  );
  assert.deepEqual(allow.sys.toSorted(), ["hostname", "osRelease"]);
});

Deno.test("redaction hides the new kinds' secret fields and shows partial ones in part", () => {
  const { config } = parseConfigText(configText(), { env: {}, kinds });
  const shown = redactConfig(config, kinds).bindings[0]!;
  assert.deepEqual(shown.source.properties, {
    endpoint: "inbox.acme.test:7000",
    api_token: "***",
    account_id: "acct***",
    ca_file: "/etc/acme/ca.pem",
    batch: "20",
  });
  assert.deepEqual(shown.target.properties, {
    host: "store.acme.test",
    key_id: "KEY-***",
    password: "***",
    tls: "false",
  });
  const json = JSON.stringify(shown);
  for (const secret of ["tok-secret-value", "pw-secret-value", "1234567890", "ABCDEFGHIJKL"]) {
    assert.ok(!json.includes(secret), secret);
  }
});
