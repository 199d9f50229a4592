// Config loading and validation: exact error texts, defaults, env expansion, CONFIG, redaction.
// Run: deno test --allow-read --allow-env tests/config/ (the kinds' SDKs read env at import)

import assert from "node:assert/strict";
import {
  type AppConfig,
  ConfigError,
  type Env,
  loadConfig,
  parseConfigText,
  redactConfig,
} from "../../lib/config/config.ts";
import { defineKindSet, kindRegistry } from "../../lib/kind_registry.ts";
import { defineSourceKind, defineTargetKind, NO_PERMISSIONS } from "../../lib/kinds/kind.ts";
import { int, text } from "../../lib/schema.ts";
import type { S3TargetOptions } from "../../lib/targets/aws_s3/options.ts";

const kinds = kindRegistry;
const S3_ENV = {
  S3_ACCESS_KEY: "AKIAEXAMPLEKEY123456",
  S3_SECRET_KEY: "s3cr3t/Key+Value",
  S3_ENDPOINT: "http://127.0.0.1:7480",
};

/** A valid config with one binding; `extra` lines are spliced into places by the tests. */
function yaml(parts: { top?: string; binding?: string; source?: string; target?: string } = {}) {
  return `${parts.top ?? ""}
bindings:
  - name: b1
    ${parts.binding ?? ""}
    source:
      kind: kubemq.query
      properties:
        address: localhost:50000
        channel: q1
        ${parts.source ?? ""}
    target:
      kind: aws.s3
      properties:
        region: us-east-1
        ${parts.target ?? ""}
`;
}

function parse(text: string, env: Env = {}) {
  return parseConfigText(text, { env, kinds });
}

/** The errors of an invalid config (fails the test when it is valid). */
function errorsOf(text: string, env: Env = {}): readonly string[] {
  try {
    parse(text, env);
  } catch (err) {
    if (err instanceof ConfigError) return err.errors;
    throw err;
  }
  assert.fail("expected a ConfigError");
}

Deno.test("config.yaml at the repo root parses with the S3 variables set", async () => {
  const text = await Deno.readTextFile(new URL("../../config.yaml", import.meta.url));
  const { config, warnings, envVarsUsed } = parse(text, S3_ENV);
  assert.deepEqual(warnings, []);
  assert.deepEqual(envVarsUsed, ["S3_ACCESS_KEY", "S3_ENDPOINT", "S3_SECRET_KEY"]);
  assert.equal(config.apiPort, 8080);
  assert.equal(config.apiHost, "127.0.0.1");
  assert.equal(config.bindings.length, 1);
  const [b] = config.bindings;
  assert.ok(b);
  assert.equal(b.name, "kubemq-query-aws-s3");
  assert.deepEqual(
    { kind: b.source.kind, name: b.source.name, properties: b.source.properties },
    {
      kind: "kubemq.query",
      name: "kubemq-query",
      properties: { address: "localhost:50000", channel: "query.aws.s3" },
    },
  );
  assert.deepEqual(b.target.properties, {
    endpoint: "http://127.0.0.1:7480",
    region: "us-east-1",
    aws_key: "AKIAEXAMPLEKEY123456",
    aws_secret_key: "s3cr3t/Key+Value",
  });
  const s3 = b.target.options as S3TargetOptions;
  assert.equal(s3.endpoint?.href, "http://127.0.0.1:7480/");
  assert.equal(s3.aws_secret_key, "s3cr3t/Key+Value");
});

Deno.test("config.yaml without the S3 variables names each of them", async () => {
  const text = await Deno.readTextFile(new URL("../../config.yaml", import.meta.url));
  assert.deepEqual(errorsOf(text), [
    "bindings[0].target.properties.endpoint: environment variable S3_ENDPOINT is not set",
    "bindings[0].target.properties.aws_key: environment variable S3_ACCESS_KEY is not set",
    "bindings[0].target.properties.aws_secret_key: environment variable S3_SECRET_KEY is not set",
  ]);
});

Deno.test("defaults are applied to top-level settings, middleware and kind options", () => {
  const { config } = parse(yaml());
  const { bindings, ...settings } = config;
  assert.deepEqual(settings, {
    apiPort: 8080,
    apiHost: "0.0.0.0",
    enableRequestApi: false,
    drainTimeoutSeconds: 30,
    logFormat: "json",
  });
  const b = bindings[0];
  assert.ok(b);
  assert.deepEqual(b.middleware, {
    log_level: "",
    retry_attempts: 1,
    retry_delay_milliseconds: 100,
    retry_max_jitter_milliseconds: 100,
    retry_delay_type: "back-off",
    rate_per_second: 0,
    metadata: {},
    request_timeout_seconds: 0,
  });
  // Without a name, an endpoint is named after its kind.
  // Omitted names are "", as in the original (its metric labels show "").
  assert.equal(b.source.name, "");
  assert.equal(b.target.name, "");
  const s3 = b.target.options as S3TargetOptions;
  assert.equal(s3.uploader, true);
  assert.equal(s3.part_size_mb, 8);
  assert.equal(s3.endpoint, undefined);
});

Deno.test("numbers and booleans may be written as YAML scalars or strings", () => {
  const { config } = parse(yaml({
    top:
      'apiPort: "9090"\napiHost: ::1\nenableRequestApi: true\ndrainTimeoutSeconds: 5\nlogFormat: text',
    binding: "properties: {retry_attempts: 3, log_level: debug}",
    source: "client_id: 007",
    target: "uploader: false\n        part_size_mb: 16",
  }));
  assert.equal(config.apiPort, 9090);
  assert.equal(config.apiHost, "::1");
  assert.equal(config.enableRequestApi, true);
  assert.equal(config.drainTimeoutSeconds, 5);
  assert.equal(config.logFormat, "text");
  const b = config.bindings[0];
  assert.ok(b);
  assert.equal(b.middleware.retry_attempts, 3);
  assert.equal(b.middleware.log_level, "debug");
  // The scalar's text as written: a YAML number would have lost the leading zeros.
  assert.equal(b.source.properties["client_id"], "007");
  // An unquoted YAML boolean is what the original's mapstructure makes of it: "0" or "1".
  assert.equal(b.target.properties["uploader"], "0");
  assert.equal(b.target.properties["part_size_mb"], "16");
  const s3 = b.target.options as S3TargetOptions;
  assert.equal(s3.uploader, false);
  assert.equal(s3.part_size_mb, 16);
});

Deno.test("a number that is not an integer as written is rejected, not rounded", () => {
  assert.deepEqual(errorsOf(yaml({ target: "part_size_mb: 8.0" })), [
    'bindings[0].target.properties.part_size_mb: expected an integer from 5 to 512, got "8.0" (binding "b1")',
  ]);
});

Deno.test("several bindings side by side are parsed independently", () => {
  const text = `
apiPort: 0
bindings:
  - name: images
    properties: {rate_per_second: "5", metadata: '{"bucket_name":"images"}'}
    source: {kind: kubemq.query, name: q-images, properties: {address: "kubemq:50000", channel: images}}
    target: {kind: aws.s3, name: s3-aws, properties: {region: eu-west-1}}
  - name: backups
    properties: {retry_attempts: "4", retry_delay_type: fixed}
    source: {kind: kubemq.query, properties: {address: "[::1]:50000", channel: backups, sources: "4"}}
    target:
      kind: aws.s3
      name: s3-minio
      properties: {region: us-east-1, endpoint: "http://minio:9000", uploader: "false"}
`;
  const { config } = parse(text);
  assert.equal(config.apiPort, 0);
  const [images, backups] = config.bindings;
  assert.ok(images && backups);
  assert.deepEqual(
    [images.name, images.source.name, images.target.name],
    ["images", "q-images", "s3-aws"],
  );
  assert.deepEqual(
    [backups.name, backups.source.name, backups.target.name],
    ["backups", "", "s3-minio"],
  );
  assert.equal(images.middleware.rate_per_second, 5);
  assert.deepEqual(images.middleware.metadata, { bucket_name: "images" });
  assert.equal(images.middleware.retry_attempts, 1);
  assert.equal(backups.middleware.rate_per_second, 0);
  assert.equal(backups.middleware.retry_attempts, 4);
  assert.equal(backups.middleware.retry_delay_type, "fixed");
  assert.equal((images.target.options as S3TargetOptions).endpoint, undefined);
  assert.equal((images.target.options as S3TargetOptions).uploader, true);
  assert.equal((backups.target.options as S3TargetOptions).endpoint?.host, "minio:9000");
  assert.equal((backups.target.options as S3TargetOptions).uploader, false);
  assert.equal(backups.source.properties["sources"], "4");
});

Deno.test("each problem has its exact message", () => {
  const cases: [string, string, string[]][] = [
    ["bindings as a mapping", "bindings: {name: a}\n", [
      "bindings: expected a list of bindings, got a mapping",
    ]],
    ["top level a list", "- a\n", [
      "the top level must be a mapping with a bindings list, got a list",
    ]],
    ["binding a string", "bindings: [x]\n", [
      'bindings[0]: expected a mapping with name, source and target, got the string "x"',
    ]],
    ["name missing", yaml().replace("name: b1", "name: ''"), ["bindings[0].name is required"]],
    ["name a list", yaml().replace("name: b1", "name: [a]"), [
      "bindings[0].name: expected a string, got a list",
    ]],
    ["source missing", yaml().replace(/ {4}source:\n(.*\n){4}/, ""), [
      "bindings[0].source is required",
    ]],
    ["target a string", yaml().replace(/ {4}target:\n(.*\n){3}/, "    target: aws.s3\n"), [
      'bindings[0].target: expected a mapping with kind, name and properties, got the string "aws.s3"',
    ]],
    ["kind missing", yaml().replace("kind: aws.s3", "name: s3"), [
      "bindings[0].target.kind is required",
    ]],
    ["unknown kind", yaml().replace("kind: kubemq.query", "kind: kubemq.queue-stream"), [
      'bindings[0].source.kind: unknown source kind "kubemq.queue-stream"; known source kinds: "kubemq.command", "kubemq.events", "kubemq.events-store", "kubemq.query", "kubemq.queue"',
    ]],
    ["target kind as source", yaml().replace("kind: kubemq.query", "kind: aws.s3"), [
      'bindings[0].source.kind: unknown source kind "aws.s3" (it is a target kind); known source kinds: "kubemq.command", "kubemq.events", "kubemq.events-store", "kubemq.query", "kubemq.queue"',
    ]],
    ["required property", yaml().replace("channel: q1", ""), [
      "bindings[0].source.properties.channel is required",
    ]],
    ["empty required property", yaml().replace("channel: q1", "channel: ''"), [
      'bindings[0].source.properties.channel: expected a non-empty value, got "" (binding "b1")',
    ]],
    ["bad boolean", yaml({ target: "uploader: 'yes'" }), [
      'bindings[0].target.properties.uploader: expected "true" or "false" (also accepted: 1, t, T, TRUE, True, 0, f, F, FALSE, False), got "yes" (binding "b1")',
    ]],
    ["bad host:port", yaml().replace("localhost:50000", "localhost"), [
      'bindings[0].source.properties.address: expected host:port (e.g. "localhost:50000" or "[::1]:50000"), got "localhost" (binding "b1")',
    ]],
    ["nested property value", yaml({ target: "endpoint: [a, b]" }), [
      "bindings[0].target.properties.endpoint: expected a string, got a list",
    ]],
    ["nested required property value", yaml().replace("region: us-east-1", "region: {a: b}"), [
      `bindings[0].target.properties.region: expected a string, got a mapping (write JSON as a quoted string, e.g. '{"k":"v"}')`,
    ]],
    ["properties a list", yaml({ binding: "properties: [a]" }), [
      "bindings[0].properties: expected a mapping of strings, got a list",
    ]],
    ["kind validate()", yaml({ target: "aws_key: AKIA1234" }), [
      "bindings[0].target.properties: aws_key and aws_secret_key must be set together (leave both unset to use the AWS default credential chain)",
    ]],
    ["log_level", yaml({ binding: "properties: {log_level: warn}" }), [
      'bindings[0].properties.log_level: expected one of "debug", "info", "error", "", got "warn" (binding "b1")',
    ]],
    ["retry_attempts", yaml({ binding: "properties: {retry_attempts: '0'}" }), [
      'bindings[0].properties.retry_attempts: expected an integer from 1 to 2147483647, got "0" (binding "b1")',
    ]],
    ["retry_delay_type", yaml({ binding: "properties: {retry_delay_type: linear}" }), [
      'bindings[0].properties.retry_delay_type: expected one of "back-off", "fixed", "random", got "linear" (binding "b1")',
    ]],
    ["metadata not JSON", yaml({ binding: "properties: {metadata: 'a=b'}" }), [
      'bindings[0].properties.metadata: expected a JSON object of strings, got "a=b" (binding "b1")',
    ]],
    ["metadata as a YAML mapping", yaml({ binding: "properties: {metadata: {a: b}}" }), [
      `bindings[0].properties.metadata: expected a string, got a mapping (write JSON as a quoted string, e.g. '{"k":"v"}')`,
    ]],
    ["apiPort", yaml({ top: "apiPort: http" }), [
      'apiPort: expected an integer from 0 to 65535, got "http"',
    ]],
    ["logFormat", yaml({ top: "logFormat: xml" }), [
      'logFormat: expected one of "json", "text", got "xml"',
    ]],
    ["enableRequestApi", yaml({ top: "enableRequestApi: 'yes'" }), [
      'enableRequestApi: expected "true" or "false" (also accepted: 1, t, T, TRUE, True, 0, f, F, FALSE, False), got "yes"',
    ]],
  ];
  for (const [name, text, expected] of cases) {
    assert.deepEqual(errorsOf(text), expected, name);
  }
});

Deno.test("a name used twice or more is reported once, at its first use", () => {
  const binding = (name: string) => `
  - name: ${name}
    source: {kind: kubemq.query, properties: {address: "h:1", channel: c}}
    target: {kind: aws.s3, properties: {region: r}}`;
  assert.deepEqual(errorsOf(`bindings:${binding("a")}${binding("b")}${binding("a")}`), [
    'bindings[0].name "a" is used by bindings[2] too',
  ]);
  assert.deepEqual(
    errorsOf(`bindings:${binding("a")}${binding("a")}${binding("b")}${binding("a")}`),
    ['bindings[0].name "a" is used by bindings[1] and bindings[3] too'],
  );
});

Deno.test("all problems are reported at once, one per line of the message", () => {
  const text = `
apiPort: 99999
bindings:
  - name: a
    source: {kind: kubemq.query, properties: {address: "h:1"}}
    target: {kind: aws.s3, properties: {region: r, uploader: "yes"}}
`;
  const expected = [
    'apiPort: expected an integer from 0 to 65535, got "99999"',
    "bindings[0].source.properties.channel is required",
    'bindings[0].target.properties.uploader: expected "true" or "false" (also accepted: 1, t, T, TRUE, True, 0, f, F, FALSE, False), got "yes" (binding "a")',
  ];
  try {
    parse(text);
    assert.fail("expected a ConfigError");
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    assert.deepEqual(err.errors, expected);
    assert.equal(
      err.message,
      `Invalid configuration in config.yaml (3 errors):\n${
        expected.map((e) => `  ${e}`).join("\n")
      }`,
    );
  }
});

Deno.test("a YAML syntax error names file, line and column", () => {
  const text = "bindings:\n  - name: a\n    name: b\n";
  assert.deepEqual(errorsOf(text), ["config.yaml:3:5: Map keys must be unique"]);
  try {
    parseConfigText("apiPort: 1\nbindings: [\n", { env: {}, kinds, origin: "conf/prod.yaml" });
    assert.fail("expected a ConfigError");
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    assert.deepEqual(err.errors, [
      "conf/prod.yaml:3:1: Flow sequence in block collection must be sufficiently indented and end with a ]",
    ]);
    assert.match(err.message, /^Invalid configuration in conf\/prod\.yaml \(1 error\):\n {2}conf/);
  }
  assert.deepEqual(errorsOf("a: 1\n---\nb: 2\n"), [
    "config.yaml:2:1: several YAML documents (separated by ---) in one config; keep one",
  ]);
});

Deno.test("${ENV} references are expanded in values, and recorded", () => {
  const env = { CHANNEL: "orders", REGION: "eu-central-1", PORT: "9000", HOST: "kubemq" };
  const { config, envVarsUsed } = parse(
    yaml({ top: "apiPort: ${PORT}" })
      .replace("channel: q1", "channel: queries.${CHANNEL}.v1")
      .replace("address: localhost:50000", "address: ${HOST}:50000")
      .replace("region: us-east-1", "region: ${REGION}")
      .replace("name: b1", "name: b-${REGION}"),
    env,
  );
  assert.equal(config.apiPort, 9000);
  const b = config.bindings[0];
  assert.ok(b);
  assert.equal(b.name, "b-eu-central-1");
  assert.equal(b.source.properties["channel"], "queries.orders.v1");
  assert.equal(b.source.properties["address"], "kubemq:50000");
  assert.equal(b.target.properties["region"], "eu-central-1");
  assert.deepEqual(envVarsUsed, ["CHANNEL", "HOST", "PORT", "REGION"]);
});

Deno.test("$${ is a literal ${, and expanded values are not expanded again", () => {
  const env = (name: string) => (name === "A" ? "${B}" : undefined);
  const { config, envVarsUsed } = parse(
    yaml({ source: "client_id: 'c-$${A}-${A}'" }).replace("channel: q1", () => 'channel: "$${A}$"'),
    env,
  );
  const b = config.bindings[0];
  assert.ok(b);
  assert.equal(b.source.properties["client_id"], "c-${A}-${B}");
  assert.equal(b.source.properties["channel"], "${A}$");
  assert.deepEqual(envVarsUsed, ["A"]);
});

Deno.test("an unset or malformed ${...} is an error naming the path and the variable", () => {
  assert.deepEqual(errorsOf(yaml().replace("channel: q1", "channel: ${CHANNEL}")), [
    "bindings[0].source.properties.channel: environment variable CHANNEL is not set",
  ]);
  // An empty value is set: the schema then judges it.
  assert.deepEqual(
    errorsOf(yaml().replace("channel: q1", "channel: ${CHANNEL}"), { CHANNEL: "" }),
    [
      'bindings[0].source.properties.channel: expected a non-empty value, got "" (binding "b1")',
    ],
  );
  assert.deepEqual(errorsOf(yaml({ top: "apiHost: ${HOST" })), [
    'apiHost: unterminated "${" (write "$${" for a literal "${")',
  ]);
  assert.deepEqual(errorsOf(yaml({ target: "token: ${1X}" })), [
    'bindings[0].target.properties.token: "${1X}" is not a valid environment variable reference (write "$${" for a literal "${")',
  ]);
  // Only the unset variable is reported: no "must be set together" about the dropped value.
  assert.deepEqual(
    errorsOf(yaml({ target: "aws_key: ${K}\n        aws_secret_key: ${S}" }), { S: "x" }),
    ["bindings[0].target.properties.aws_key: environment variable K is not set"],
  );
});

Deno.test('CONFIG carries the whole config as YAML, JSON or base64 (--config "")', async () => {
  const asJson = JSON.stringify({
    apiPort: "7070",
    bindings: [{
      name: "j",
      source: { kind: "kubemq.query", properties: { address: "h:1", channel: "c" } },
      target: { kind: "aws.s3", properties: { region: "r", uploader: false } },
    }],
  });
  const asYaml = yaml({ top: "apiPort: 7070" });
  const b64 = (s: string) => btoa(String.fromCharCode(...new TextEncoder().encode(s)));
  const cases: [string, string, string][] = [
    ["yaml", asYaml, "b1"],
    ["json", asJson, "j"],
    ["base64 yaml", b64(asYaml), "b1"],
    ["base64 json, wrapped", b64(asJson).replace(/(.{60})/g, "$1\n"), "j"],
    ["base64url", b64(asJson).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, ""), "j"],
  ];
  for (const [name, value, binding] of cases) {
    const loaded = await loadConfig({
      path: "",
      env: { CONFIG: value },
      kinds,
      readTextFile: () => Promise.reject(new Error("must not read the file")),
    });
    assert.equal(loaded.origin, "CONFIG", name);
    assert.equal(loaded.config.apiPort, 7070, name);
    assert.equal(loaded.config.bindings[0]?.name, binding, name);
    assert.deepEqual(loaded.envVarsUsed, ["CONFIG"], name);
    assert.ok(loaded.sourceText.includes("bindings"), name);
  }
});

Deno.test("CONFIG that is neither YAML nor base64 of text is an error", async () => {
  await assert.rejects(
    loadConfig({ path: "", env: { CONFIG: "//79" }, kinds }),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.deepEqual(err.errors, [
        "CONFIG: expected YAML, JSON, or base64 of either; got text that is none of them",
      ]);
      return true;
    },
  );
});

Deno.test("loadConfig reads config.yaml by default, another path when given", async () => {
  const read: string[] = [];
  const readTextFile = (path: string) => {
    read.push(path);
    return Promise.resolve(yaml({ target: "aws_secret_key: ${SK}\n        aws_key: AKIA1" }));
  };
  const loaded = await loadConfig({ env: { CONFIG: " ", SK: "s" }, kinds, readTextFile });
  assert.equal(loaded.origin, "config.yaml");
  assert.deepEqual(loaded.envVarsUsed, ["SK"]);
  assert.ok(loaded.sourceText.includes("${SK}"));
  await loadConfig({ path: "/etc/s3.yaml", env: { SK: "s" }, kinds, readTextFile });
  assert.deepEqual(read, ["config.yaml", "/etc/s3.yaml"]);
});

Deno.test("config.yaml and an explicit path win over CONFIG, as in the newest original", async () => {
  const read: string[] = [];
  const readTextFile = (path: string) => {
    read.push(path);
    return Promise.resolve(yaml({}));
  };
  const inline = yaml({}).replace("name: b1", "name: from-config-variable");
  const loaded = await loadConfig({
    path: "/etc/s3.yaml",
    env: { CONFIG: inline },
    kinds,
    readTextFile,
  });
  assert.equal(loaded.origin, "/etc/s3.yaml");
  assert.deepEqual(read, ["/etc/s3.yaml"]);
  assert.equal(loaded.config.bindings[0]?.name, "b1");
  const byDefault = await loadConfig({ env: { CONFIG: inline }, kinds, readTextFile });
  assert.equal(byDefault.origin, "config.yaml");
  assert.equal(byDefault.config.bindings[0]?.name, "b1");
  assert.deepEqual(read, ["/etc/s3.yaml", "config.yaml"]);
  // Our addition: no config.yaml, and no --config, falls back to CONFIG (the original fails).
  const noFile = () => Promise.reject(new Deno.errors.NotFound("No such file"));
  const fromEnv = await loadConfig({ env: { CONFIG: inline }, kinds, readTextFile: noFile });
  assert.equal(fromEnv.origin, "CONFIG");
  assert.equal(fromEnv.config.bindings[0]?.name, "from-config-variable");
  // An explicit path that is missing does not fall back.
  await assert.rejects(
    loadConfig({ path: "x.yaml", env: { CONFIG: inline }, kinds, readTextFile: noFile }),
    ConfigError,
  );
  await assert.rejects(loadConfig({ path: "", env: {}, kinds }), (err: unknown) => {
    assert.ok(err instanceof ConfigError);
    assert.deepEqual(err.errors, [
      '--config "": the CONFIG environment variable is not set (or blank)',
    ]);
    return true;
  });
});

Deno.test("a missing config file is a ConfigError naming it", async () => {
  await assert.rejects(
    loadConfig({
      path: "nope.yaml",
      env: {},
      kinds,
      readTextFile: () => Promise.reject(new Deno.errors.NotFound("No such file")),
    }),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.deepEqual(err.errors, [
        "nope.yaml: cannot read: file not found (pass another path, or put the config in the CONFIG environment variable)",
      ]);
      return true;
    },
  );
});

Deno.test("rate_per_seconds, the original's spelling, is an alias of rate_per_second", () => {
  const rate = (props: string) =>
    parse(yaml({ binding: `properties: {${props}}` })).config
      .bindings[0]?.middleware.rate_per_second;
  assert.equal(rate("rate_per_seconds: '10'"), 10);
  assert.equal(rate("rate_per_second: '7'"), 7);
  assert.equal(rate("rate_per_second: '7', rate_per_seconds: '7'"), 7);
  assert.equal(rate("rate_per_second: '7', rate_per_seconds: ''"), 7);
  assert.deepEqual(
    errorsOf(yaml({ binding: "properties: {rate_per_second: '5', rate_per_seconds: '10'}" })),
    [
      'bindings[0].properties.rate_per_seconds: expected the same value as its alias rate_per_second ("5"), got "10" (binding "b1")',
    ],
  );
  assert.deepEqual(errorsOf(yaml({ binding: "properties: {rate_per_seconds: '-1'}" })), [
    'bindings[0].properties.rate_per_second: expected an integer from 0 to 2147483647, got "-1" (binding "b1")',
  ]);
});

Deno.test("unknown keys are warnings, not errors", () => {
  const { warnings } = parse(
    yaml({
      top: "logLevel: debug\nlogging: {level: debug}",
      binding: "properties: {rate_per_secnd: '1'}\n    comment: x",
      target: "regoin: x",
    }),
  );
  assert.deepEqual(warnings, [
    "logLevel: unknown top-level key, ignored",
    "logging: unknown top-level key, ignored",
    "bindings[0].comment: unknown binding key, ignored",
    "bindings[0].properties.rate_per_secnd: unknown binding property, ignored",
    'bindings[0].target.properties.regoin: unknown property of target kind "aws.s3", ignored',
  ]);
});

Deno.test("redactConfig hides secrets and keeps the rest", () => {
  const text = yaml({
    binding: `properties: {metadata: '{"api_token":"t0k","bucket_name":"b"}'}`,
    source: "auth_token: kubemq-token",
    target:
      "aws_key: ${S3_ACCESS_KEY}\n        aws_secret_key: ${S3_SECRET_KEY}\n        token: sess",
  });
  const { config } = parse(text, S3_ENV);
  const before = structuredClone(config.bindings[0]?.target.properties);
  const shown: AppConfig = redactConfig(config, kinds);
  const b = shown.bindings[0];
  assert.ok(b);
  assert.deepEqual(b.target.properties, {
    region: "us-east-1",
    aws_key: "AKIA***",
    aws_secret_key: "***",
    token: "***",
  });
  const options = b.target.options as Record<string, unknown>;
  assert.equal(options["aws_key"], "AKIA***");
  assert.equal(options["aws_secret_key"], "***");
  assert.equal(options["token"], "***");
  assert.equal(options["region"], "us-east-1");
  assert.equal(b.source.properties["auth_token"], "***");
  assert.equal(b.source.properties["channel"], "q1");
  assert.equal((b.source.options as Record<string, unknown>)["auth_token"], "***");
  assert.deepEqual(b.middleware.metadata, { api_token: "***", bucket_name: "b" });
  const json = JSON.stringify(shown);
  for (const secret of ["s3cr3t", "kubemq-token", "sess", "t0k", "EXAMPLEKEY"]) {
    assert.ok(!json.includes(secret), secret);
  }
  // The original is untouched.
  assert.deepEqual(config.bindings[0]?.target.properties, before);
});

Deno.test("a secret field's value is never shown in an error; keys that look secret are redacted", () => {
  const source = defineSourceKind({
    kind: "fake.source",
    description: "test",
    properties: { pin: int({ description: "A secret number.", secret: true, min: 0, max: 9 }) },
    permissions: NO_PERMISSIONS,
    payload: () => "request",
    create: () => {
      throw new Error("not used");
    },
  });
  const target = defineTargetKind({
    kind: "fake.target",
    description: "test",
    properties: { password: text({ description: "Not marked secret." }) },
    validate: (o) => (o.password === "x" ? ["password must not be x"] : []),
    permissions: NO_PERMISSIONS,
    create: () => {
      throw new Error("not used");
    },
  });
  const fakeKinds = defineKindSet([source], [target]);
  const configWith = (pin: string, password: string) => `
bindings:
  - name: f
    source: {kind: fake.source, properties: {pin: "${pin}"}}
    target: {kind: fake.target, properties: {password: "${password}", private_key: k}}
`;
  assert.throws(
    () => parseConfigText(configWith("12345", "x"), { env: {}, kinds: fakeKinds }),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.deepEqual(err.errors, [
        'bindings[0].source.properties.pin: expected an integer from 0 to 9, got a value (secret, not shown) (binding "f")',
        "bindings[0].target.properties: password must not be x",
      ]);
      assert.ok(!err.message.includes("12345"));
      return true;
    },
  );
  const { config } = parseConfigText(configWith("4", "hunter2"), { env: {}, kinds: fakeKinds });
  const shown = redactConfig(config, fakeKinds);
  assert.deepEqual(shown.bindings[0]?.source.properties, { pin: "***" });
  assert.deepEqual(shown.bindings[0]?.target.properties, { password: "***", private_key: "***" });
});

Deno.test("the kind registry refuses duplicate kinds and holds the shipped ones", () => {
  assert.deepEqual(kindRegistry.sources.map((k) => k.kind), [
    "kubemq.query",
    "kubemq.queue",
    "kubemq.command",
    "kubemq.events",
    "kubemq.events-store",
  ]);
  assert.deepEqual(kindRegistry.targets.map((k) => k.kind), ["aws.s3"]);
  const [s3] = kindRegistry.targets;
  assert.ok(s3);
  assert.throws(() => defineKindSet([], [s3, s3]), { message: 'Duplicate target kind "aws.s3"' });
});
