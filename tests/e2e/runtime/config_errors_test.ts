/**
 * Bad configs through the real process (production permission flags): exit code 2, the exact
 * message on stderr, and nothing started (no HTTP API, no subscription).
 */
import assert from "node:assert/strict";
import { connectorCommand } from "../../../testing/connector.ts";

const root = decodeURIComponent(new URL("../../../", import.meta.url).pathname);

/** Runs main.ts on `text` written to a temp file; returns the code, stderr and the file path. */
async function runWithConfig(
  text: string,
  env: Record<string, string> = {},
  configArgs?: string[],
): Promise<{ code: number; stderr: string; path: string }> {
  const path = await Deno.makeTempFile({ prefix: "kubemq-s3-bad-", suffix: ".yaml" });
  try {
    await Deno.writeTextFile(path, text);
    const cmd = connectorCommand(configArgs ?? ["--config", path]);
    const out = await new Deno.Command(cmd.command, {
      args: cmd.args,
      cwd: root,
      env: { NO_COLOR: "1", ...env },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stdout = new TextDecoder().decode(out.stdout);
    assert.equal(stdout, "", "nothing on stdout");
    return { code: out.code, stderr: new TextDecoder().decode(out.stderr), path };
  } finally {
    await Deno.remove(path);
  }
}

/** The stderr the launcher writes for `errors` found in `path`. */
function expectedStderr(path: string, errors: string[]): string {
  const n = errors.length;
  return `Invalid configuration in ${path} (${n} error${n === 1 ? "" : "s"}):\n` +
    errors.map((e) => `  ${e}\n`).join("");
}

const binding = (name: string, source = "channel: q1", kind = "kubemq.query") => `
  - name: ${name}
    source:
      kind: ${kind}
      properties:
        address: 127.0.0.1:1
        ${source}
    target:
      kind: aws.s3
      properties:
        region: us-east-1
`;

const cases: { name: string; text: string; env?: Record<string, string>; errors: string[] }[] = [
  {
    name: "a missing channel",
    text: `apiPort: 0\nbindings:${binding("a", "")}`,
    errors: ["bindings[0].source.properties.channel is required"],
  },
  {
    name: "an unknown source kind",
    text: `apiPort: 0\nbindings:${binding("a", "channel: q1", "kubemq.queue-stream")}`,
    errors: [
      'bindings[0].source.kind: unknown source kind "kubemq.queue-stream"; known source kinds: "kubemq.command", "kubemq.events", "kubemq.events-store", "kubemq.query", "kubemq.queue"',
    ],
  },
  {
    name: "a binding name used twice",
    text: `apiPort: 0\nbindings:${binding("same")}${binding("other")}${binding("same")}`,
    errors: ['bindings[0].name "same" is used by bindings[2] too'],
  },
  {
    name: "a YAML syntax error",
    text: `apiPort: 0\nbindings:\n  - name: a\n    name: b\n`,
    // The path is filled in by the test: the origin is the file given to --config.
    errors: ["{path}:4:5: Map keys must be unique"],
  },
  {
    name: "an unset environment variable",
    text: `apiPort: 0\nbindings:${binding("a", "channel: ${KUBEMQ_S3_E2E_UNSET_CHANNEL}")}`,
    errors: [
      "bindings[0].source.properties.channel: environment variable KUBEMQ_S3_E2E_UNSET_CHANNEL is not set",
    ],
  },
  {
    name: "several problems at once",
    text: `apiPort: 99999\nbindings:${binding("a", "")}${
      binding("b", "channel: ${KUBEMQ_S3_E2E_UNSET_CHANNEL}")
    }`,
    // `${VAR}` expansion runs before the schema checks, so its errors come first.
    errors: [
      "bindings[1].source.properties.channel: environment variable KUBEMQ_S3_E2E_UNSET_CHANNEL is not set",
      'apiPort: expected an integer from 0 to 65535, got "99999"',
      "bindings[0].source.properties.channel is required",
    ],
  },
];

for (const c of cases) {
  Deno.test(`config error, ${c.name}: exit code 2 and the exact message, nothing started`, async () => {
    const { code, stderr, path } = await runWithConfig(c.text, c.env);
    const errors = c.errors.map((e) => e.replace("{path}", path));
    assert.equal(stderr, expectedStderr(path, errors));
    assert.equal(code, 2);
  });
}

Deno.test('config error in the CONFIG environment variable (-config ""): named CONFIG, exit code 2', async () => {
  const { code, stderr } = await runWithConfig(
    "this file is not read\n",
    { CONFIG: `bindings:${binding("a", "")}` },
    ["-config", ""],
  );
  assert.equal(
    stderr,
    expectedStderr("CONFIG", ["bindings[0].source.properties.channel is required"]),
  );
  assert.equal(code, 2);
});

Deno.test("an explicit --config wins over CONFIG, as in the original", async () => {
  const { code, stderr, path } = await runWithConfig("this file is read\n", {
    CONFIG: `bindings:${binding("a", "")}`,
  });
  assert.equal(
    stderr,
    expectedStderr(path, [
      'the top level must be a mapping with a bindings list, got the string "this file is read"',
    ]),
  );
  assert.equal(code, 2);
});

Deno.test("a missing config file: exit code 2 and what to do", async () => {
  const path = `${await Deno.makeTempDir()}/absent.yaml`;
  const cmd = connectorCommand(["--config", path]);
  const out = await new Deno.Command(cmd.command, {
    args: cmd.args,
    cwd: root,
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).output();
  await Deno.remove(path.replace(/\/absent\.yaml$/, ""));
  assert.equal(
    new TextDecoder().decode(out.stderr),
    expectedStderr(path, [
      `${path}: cannot read: file not found (pass another path, or put the config in the CONFIG environment variable)`,
    ]),
  );
  assert.equal(out.code, 2);
});
