// The sender CLI (tools/send.ts) run as a subprocess against the test broker and a trivial
// responder that speaks the connector's wire format. Run: deno test -A tests/tools/send_cli_test.ts

import assert from "node:assert/strict";
import { startTestBroker } from "../../testing/broker.ts";
import { createKubemqClient, type Reply } from "../../testing/kubemq_client.ts";
import { encodeResponse, errorResponse, okResponse, parseRequest } from "../../lib/wire.ts";
import { MAX_PRINT_CHARS, renderData } from "../../tools/send.ts";

const ROOT = new URL("../../", import.meta.url);
const CHANNEL = "query.aws.s3.send-cli-test";
const enc = (s: string) => new TextEncoder().encode(s);
const ALL_BYTES = Uint8Array.from({ length: 256 }, (_, i) => i);
const LIST_JSON =
  `{"Buckets":[{"Name":"alpha","CreationDate":"2026-01-02T03:04:05.000Z"}],"Owner":{"ID":"x"}}`;

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

async function runCli(
  args: string[],
  extra: { denoFlags?: string[]; env?: Record<string, string> } = {},
): Promise<CliResult> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-net",
      "--allow-read",
      "--allow-write",
      ...extra.denoFlags ?? [],
      "tools/send.ts",
      ...args,
    ],
    cwd: ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1", ...extra.env },
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** The responder: a stand-in connector answering by method and item name. */
function respond(body: Uint8Array): Reply {
  let answer;
  try {
    const req = parseRequest(body);
    const m = req.metadata;
    if (m.method === "list_buckets") answer = okResponse({ result: "ok" }, enc(LIST_JSON));
    else if (m.method === "get_item" && m.item_name === "all-bytes") {
      answer = okResponse({ result: "ok", content_length: "256" }, ALL_BYTES);
    } else if (m.method === "get_item") {
      answer = errorResponse(`NoSuchKey: item "${m.item_name}" does not exist`, {
        error_code: "NoSuchKey",
      });
    } else if (m.method === "upload_item") {
      answer = okResponse({ result: "ok", size: String(req.data?.length ?? 0) }, null);
    } else answer = errorResponse(`unexpected method ${m.method}`);
  } catch (err) {
    answer = errorResponse((err as Error).message);
  }
  return { executed: true, body: encodeResponse(answer) };
}

Deno.test("send CLI against a broker and an echo responder", async (t) => {
  await using broker = await startTestBroker();
  using client = createKubemqClient({ address: broker.address });
  await using sub = client.subscribeQueries(CHANNEL, "", (req) => respond(req.body));
  await broker.waitForSubscribers(CHANNEL, 1);
  const common = ["--address", broker.address, "--channel", CHANNEL];
  const dir = await Deno.makeTempDir({ prefix: "send_cli_test_" });
  const lastRequest = () => parseRequest(sub.received.at(-1)?.body ?? new Uint8Array());

  try {
    await t.step("success: metadata lines, then the data as pretty JSON; exit 0", async () => {
      const r = await runCli([...common, "--method", "list_buckets"]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr, "");
      const expected = `result: ok\n\n${JSON.stringify(JSON.parse(LIST_JSON), null, 2)}\n`;
      assert.equal(r.stdout, expected);
      assert.deepEqual(lastRequest().metadata, { method: "list_buckets" });
    });

    await t.step("is_error: metadata on stdout, the error on stderr, exit 1", async () => {
      const r = await runCli([...common, "-m", "get_item", "--bucket", "b", "--item", "nope"]);
      assert.equal(r.code, 1);
      assert.equal(r.stdout, "error_code: NoSuchKey\n");
      assert.match(r.stderr, /NoSuchKey: item "nope" does not exist/);
    });

    await t.step("--out writes the exact bytes; without it binary data is a note", async () => {
      const file = `${dir}/out.bin`;
      const args = [...common, "-m", "get_item", "--bucket", "b", "--item", "all-bytes"];
      const r = await runCli([...args, "--out", file]);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(await Deno.readFile(file), ALL_BYTES);
      assert.match(r.stdout, /^result: ok\ncontent_length: 256\n/);
      assert.match(r.stdout, /256 bytes written to /);
      const printed = await runCli(args);
      assert.equal(printed.code, 0);
      assert.match(printed.stdout, /<256 bytes of binary data; use --out FILE>/);
    });

    await t.step("--data-file sends the file's exact bytes", async () => {
      const file = `${dir}/in.bin`;
      const bytes = new Uint8Array(3 * 256 + 1);
      for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7) % 256;
      await Deno.writeFile(file, bytes);
      const r = await runCli([
        ...common,
        "-m",
        "upload_item",
        "--bucket",
        "b",
        "--item",
        "k",
        "--wait",
        "--data-file",
        file,
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, `result: ok\nsize: ${bytes.length}\n`);
      const req = lastRequest();
      assert.deepEqual(req.data, bytes);
      assert.deepEqual(req.metadata, {
        method: "upload_item",
        bucket_name: "b",
        item_name: "k",
        wait_for_completion: "true",
      });
    });

    await t.step("a large --data-file: exact bytes, one progress line when not a TTY", async () => {
      const file = `${dir}/large.bin`;
      const bytes = new Uint8Array(9 * 1024 * 1024);
      crypto.getRandomValues(bytes.subarray(0, 65536));
      bytes.set(ALL_BYTES, bytes.length - 256);
      await Deno.writeFile(file, bytes);
      const r = await runCli([
        ...common,
        "-m",
        "upload_item",
        "--bucket",
        "b",
        "--item",
        "big",
        "--data-file",
        file,
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, `result: ok\nsize: ${bytes.length}\n`);
      assert.deepEqual(lastRequest().data, bytes);
      const lines = r.stderr.trimEnd().split("\n");
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0] ?? "", /^sending 12\.0 MiB to .* \(timeout 48 s\)\.\.\.$/);
    });

    await t.step("--json sends the body as is", async () => {
      const raw = '{"metadata":{"method":"list_buckets"},"data":"not base64!"';
      const r = await runCli([...common, "--json", raw]);
      assert.deepEqual(sub.received.at(-1)?.body, enc(raw));
      assert.equal(r.code, 1);
      assert.match(r.stderr, /invalid request format/);
    });

    await t.step("an unknown method: exit 2, the list of methods, nothing sent", async () => {
      const before = sub.received.length;
      const r = await runCli([...common, "-m", "get_itme"]);
      assert.equal(r.code, 2);
      assert.equal(r.stdout, "");
      assert.match(r.stderr, /Unknown method "get_itme"\. Did you mean "get_item"\?/);
      assert.match(r.stderr, /\n {2}delete_all_items_from_bucket\n/);
      assert.equal(sub.received.length, before);
    });

    await t.step("no subscriber on the channel: exit 2 with a clear message", async () => {
      const r = await runCli([
        "--address",
        broker.address,
        "--channel",
        "nobody.listens.here",
        "--timeout",
        "1",
        "-m",
        "list_buckets",
      ]);
      assert.equal(r.code, 2);
      assert.equal(r.stdout, "");
      assert.match(r.stderr, /Error 301: timeout for request message/);
      assert.match(r.stderr, /no connector is subscribed on that channel/);
      assert.match(r.stderr, /"nobody\.listens\.here"/);
    });

    await t.step("KUBEMQ_ADDRESS is used when --allow-env permits reading it", async () => {
      const env = { KUBEMQ_ADDRESS: broker.address };
      const args = ["--channel", CHANNEL, "--timeout", "5", "-m", "list_buckets"];
      const allowed = await runCli(args, { env, denoFlags: ["--allow-env=KUBEMQ_ADDRESS"] });
      assert.equal(allowed.code, 0, allowed.stderr);
      assert.match(allowed.stdout, /^result: ok\n/);
      // Without the permission the variable is not read (no prompt, no crash): default address.
      const ignored = await runCli([...args, "--timeout", "1"], { env });
      assert.equal(ignored.code, 2);
      assert.match(ignored.stderr, /localhost:50000|Error 301/);
    });

    await t.step("an unreadable --data-file: exit 2", async () => {
      const r = await runCli([
        ...common,
        "-m",
        "upload_item",
        "--bucket",
        "b",
        "--item",
        "k",
        "--data-file",
        `${dir}/missing.bin`,
      ]);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /cannot read --data-file .*missing\.bin/);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  assert.deepEqual(sub.errors, []);
});

Deno.test("renderData: pretty JSON with exact numbers, text, binary, truncation", () => {
  const json = renderData(enc(`{"n":12345678901234567890,"f":1.50,"a":[1,"x"]}`));
  assert.equal(
    json.text,
    `{\n  "n": 12345678901234567890,\n  "f": 1.50,\n  "a": [\n    1,\n    "x"\n  ]\n}`,
  );
  assert.deepEqual(renderData(enc("héllo\n\tworld")), { text: "héllo\n\tworld" });
  // A bare JSON scalar, or JSON-looking text that does not parse, prints as text.
  assert.deepEqual(renderData(enc("42")), { text: "42" });
  assert.deepEqual(renderData(enc("{not json")), { text: "{not json" });
  assert.deepEqual(renderData(new Uint8Array()), { text: "<0 bytes of data>" });
  const binary = "<3 bytes of binary data; use --out FILE>";
  assert.deepEqual(renderData(Uint8Array.of(0xff, 0xfe, 0x00)), { text: binary });
  // Valid UTF-8 with control characters (e.g. terminal escapes) is binary too.
  assert.deepEqual(renderData(enc("a\x1bb")), { text: binary });
  const long = renderData(enc("x".repeat(MAX_PRINT_CHARS + 10)));
  assert.equal(long.text.length, MAX_PRINT_CHARS);
  assert.equal(long.truncatedFrom, MAX_PRINT_CHARS + 10);
});
