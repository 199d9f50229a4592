// Argument parsing of the sender CLI (tools/send.ts). Run: deno test tests/tools/lib/send_args_test.ts

import assert from "node:assert/strict";
import {
  DEFAULT_ADDRESS,
  DEFAULT_CHANNEL,
  defaultTimeoutSeconds,
  type ParseResult,
  parseSendArgs,
  type SendOptions,
  usage,
} from "../../../tools/lib/send_args.ts";
import { methods } from "../../../lib/targets/aws_s3/registry.ts";

const enc = (s: string) => new TextEncoder().encode(s);

function ok(result: ParseResult): SendOptions {
  if (result.kind !== "send") throw new Error(`Expected options, got ${JSON.stringify(result)}`);
  return result.options;
}

function usageError(result: ParseResult): string {
  if (result.kind !== "error") throw new Error(`Expected an error, got ${JSON.stringify(result)}`);
  return result.message;
}

function metadataOf(options: SendOptions): Record<string, string> {
  assert.equal(options.request.kind, "request");
  return options.request.kind === "request" ? options.request.metadata : {};
}

Deno.test("defaults: address, channel, random client id, no timeout given", () => {
  const o = ok(parseSendArgs(["--method", "list_buckets"], {}, () => "abcd"));
  assert.equal(o.address, DEFAULT_ADDRESS);
  assert.equal(o.channel, DEFAULT_CHANNEL);
  assert.equal(o.clientId, "kubemq-send-abcd");
  assert.equal(o.timeoutSeconds, undefined);
  assert.equal(o.authToken, undefined);
  assert.equal(o.out, undefined);
  assert.deepEqual(o.request, {
    kind: "request",
    method: "list_buckets",
    metadata: { method: "list_buckets" },
    data: null,
  });
  assert.deepEqual(o.warnings, []);
});

Deno.test("environment supplies address and token; flags win over it", () => {
  const env = { KUBEMQ_ADDRESS: "kubemq:50001", KUBEMQ_AUTH_TOKEN: "t0k" };
  const fromEnv = ok(parseSendArgs(["-m", "list_buckets"], env));
  assert.equal(fromEnv.address, "kubemq:50001");
  assert.equal(fromEnv.authToken, "t0k");
  const fromFlags = ok(parseSendArgs([
    "-m",
    "list_buckets",
    "--address",
    "other:1",
    "--auth-token",
    "x",
    "--channel",
    "c",
    "--client-id",
    "me",
    "--timeout",
    "2.5",
    "--ca-cert",
    "ca.pem",
    "--tls-server-name",
    "kubemq.local",
  ], env));
  assert.equal(fromFlags.address, "other:1");
  assert.equal(fromFlags.authToken, "x");
  assert.equal(fromFlags.channel, "c");
  assert.equal(fromFlags.clientId, "me");
  assert.equal(fromFlags.timeoutSeconds, 2.5);
  assert.equal(fromFlags.caCert, "ca.pem");
  assert.equal(fromFlags.tlsServerName, "kubemq.local");
});

Deno.test("convenience flags map to metadata keys", () => {
  const o = ok(parseSendArgs([
    "--method",
    "copy_item",
    "--bucket",
    "dst",
    "--item",
    "a/b.txt",
    "--copy-source",
    "src/a.txt",
    "--wait",
  ]));
  assert.deepEqual(metadataOf(o), {
    method: "copy_item",
    bucket_name: "dst",
    item_name: "a/b.txt",
    copy_source: "src/a.txt",
    wait_for_completion: "true",
  });
  assert.deepEqual(o.warnings, []);
});

Deno.test("--meta sets any key, repeatable, splitting at the first '='", () => {
  const o = ok(parseSendArgs([
    "-m",
    "list_bucket_items",
    "--bucket",
    "b",
    "--meta",
    "prefix=a=b",
    "--meta",
    "max_keys=10",
    "--meta",
    "delimiter=",
  ]));
  assert.deepEqual(metadataOf(o), {
    method: "list_bucket_items",
    bucket_name: "b",
    prefix: "a=b",
    max_keys: "10",
    delimiter: "",
  });
});

Deno.test("--meta: bad pairs, 'method' and conflicting values are usage errors", () => {
  assert.match(usageError(parseSendArgs(["-m", "list_buckets", "--meta", "novalue"])), /KEY=VALUE/);
  assert.match(usageError(parseSendArgs(["-m", "list_buckets", "--meta", "=v"])), /KEY=VALUE/);
  assert.match(
    usageError(parseSendArgs(["-m", "list_buckets", "--meta", "method=get_item"])),
    /--method/,
  );
  assert.match(
    usageError(parseSendArgs(["-m", "get_item", "--bucket", "a", "--meta", "bucket_name=b"])),
    /Conflicting values for metadata "bucket_name"/,
  );
  // The same value twice is harmless.
  ok(parseSendArgs(["-m", "get_item", "--bucket", "a", "--item", "k", "--meta", "bucket_name=a"]));
});

Deno.test("unknown metadata keys, missing required keys and data use give warnings", () => {
  const o = ok(
    parseSendArgs(["-m", "get_item", "--bucket", "b", "--meta", "colour=red", "--data", "x"]),
  );
  assert.equal(o.warnings.length, 3);
  assert.match(o.warnings[0] ?? "", /"colour" is not used by get_item/);
  assert.match(o.warnings[1] ?? "", /get_item requires "item_name" \(--item\)/);
  assert.match(o.warnings[2] ?? "", /does not use data/);
  const deletes = ok(parseSendArgs(["-m", "delete_items", "--bucket", "b"]));
  assert.deepEqual(deletes.warnings, [
    "delete_items requires data (--data-file or --data); sending anyway",
  ]);
  // upload_item without data stores an empty item (as the original), so it is no mistake.
  const upload = ok(parseSendArgs(["-m", "upload_item", "--bucket", "b", "--item", "k"]));
  assert.deepEqual(upload.warnings, []);
});

Deno.test("--data is UTF-8 data; --data-file is left for the CLI to read", () => {
  const text = ok(
    parseSendArgs(["-m", "upload_item", "--bucket", "b", "--item", "k", "--data", "héllo"]),
  );
  assert.equal(text.request.kind, "request");
  if (text.request.kind === "request") assert.deepEqual(text.request.data, enc("héllo"));
  const file = ok(
    parseSendArgs(["-m", "upload_item", "--bucket", "b", "--item", "k", "--data-file", "f.bin"]),
  );
  assert.equal(file.request.kind, "request");
  if (file.request.kind === "request") {
    assert.equal(file.request.dataFile, "f.bin");
    assert.equal(file.request.data, null);
  }
  assert.match(
    usageError(parseSendArgs(["-m", "upload_item", "--data", "x", "--data-file", "f"])),
    /either --data or --data-file/,
  );
});

Deno.test("--json sends the raw body as is and excludes request flags", () => {
  const raw = '{"metadata":{"method":"get_item","bucket_name":5}, "data":"!!"';
  const o = ok(parseSendArgs(["--json", raw, "--out", "x.bin"]));
  assert.deepEqual(o.request, { kind: "raw", body: enc(raw) });
  assert.equal(o.out, "x.bin");
  const message = usageError(parseSendArgs(["--json", "{}", "--method", "list_buckets", "--wait"]));
  assert.match(message, /cannot be combined with --method, --wait/);
});

Deno.test("an unknown method is a usage error that lists every method", () => {
  const message = usageError(parseSendArgs(["--method", "get_itme"]));
  assert.match(message, /Unknown method "get_itme"\. Did you mean "get_item"\?/);
  for (const m of methods) assert.ok(message.includes(`\n  ${m.name}`), m.name);
  const far = usageError(parseSendArgs(["--method", "frobnicate"]));
  assert.doesNotMatch(far, /Did you mean/);
});

Deno.test("a missing --method is a usage error that lists every method", () => {
  const message = usageError(parseSendArgs(["--bucket", "b"]));
  assert.match(message, /Missing --method/);
  for (const m of methods) assert.ok(message.includes(`\n  ${m.name}`), m.name);
});

Deno.test("unknown flags, bad timeouts and bad addresses are usage errors", () => {
  assert.match(usageError(parseSendArgs(["--bukket", "b"])), /Unknown option '--bukket'/);
  for (const t of ["0", "-1", "abc", "", "3000000"]) {
    assert.match(usageError(parseSendArgs(["-m", "list_buckets", "--timeout", t])), /--timeout/);
  }
  for (const a of ["localhost", "host:port", ":50000", "a b:1"]) {
    assert.match(usageError(parseSendArgs(["-m", "list_buckets", "--address", a])), /--address/);
  }
  ok(parseSendArgs(["-m", "list_buckets", "--address", "[::1]:50000"]));
});

Deno.test("--help: usage generated from the registry, every method and metadata key", () => {
  const result = parseSendArgs(["--help", "--method", "nonsense"]);
  assert.equal(result.kind, "help");
  const text = result.kind === "help" ? result.text : "";
  assert.equal(text, usage());
  for (const m of methods) {
    assert.ok(text.includes(`\n  ${m.name}\n`), m.name);
    for (const key of Object.keys(m.metadata)) assert.ok(text.includes(key), `${m.name} ${key}`);
  }
  assert.match(text, /bucket_name \(--bucket\) \[required\]/);
  assert.match(text, /wait_for_completion \(--wait\)/);
});

Deno.test("the default timeout grows with the request data", () => {
  assert.equal(defaultTimeoutSeconds(0), 30);
  assert.equal(defaultTimeoutSeconds(1), 32);
  assert.equal(defaultTimeoutSeconds(50 * 1024 * 1024), 130);
});

Deno.test("--trace asks for a trace; without it there is none", () => {
  assert.equal(ok(parseSendArgs(["--method", "list_buckets", "--trace"])).trace, true);
  assert.equal(ok(parseSendArgs(["--method", "list_buckets"])).trace, undefined);
  assert.equal(ok(parseSendArgs(["--json", "{}", "--trace"])).trace, true);
  assert.match(usage(), /--trace {2,}start a trace/);
});
