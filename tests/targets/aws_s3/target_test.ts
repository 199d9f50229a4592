import assert from "node:assert/strict";
import { getLogger } from "@logtape/logtape";
import { ConnectorError, passThroughCode } from "../../../lib/errors.ts";
import { parseFields } from "../../../lib/schema.ts";
import { getItem } from "../../../lib/targets/aws_s3/methods/get_item.ts";
import {
  indexMethods,
  methodNames,
  methods,
  methodsByName,
} from "../../../lib/targets/aws_s3/registry.ts";
import { createS3Target } from "../../../lib/targets/aws_s3/target.ts";
import { FakeS3, runS3, runS3Error, testOptions } from "../../../testing/fake_s3.ts";
import { ORIGINAL_METHODS } from "../../../testing/original_methods.ts";

const VALID =
  "valid methods: copy_item, create_bucket, delete_all_items_from_bucket, delete_bucket, " +
  "delete_item_from_bucket, delete_items, get_bucket_location, get_item, get_item_tagging, " +
  "head_bucket, head_item, list_bucket_items, list_buckets, presign_get_item, presign_put_item, " +
  "put_item_tagging, upload_item";

Deno.test("target rejects an unknown method and lists the valid ones, sorted", async () => {
  const s3 = new FakeS3();
  const err = await runS3Error(s3, { method: "foo", bucket_name: "b" });
  assert.equal(err.code, "UnknownMethod");
  assert.equal(err.message, `Invalid metadata "method": unknown method "foo"; ${VALID}`);
  assert.deepEqual(s3.calls, []);
});

Deno.test("target matches method names exactly (case and spaces count)", async () => {
  for (const name of ["GET_ITEM", " get_item", "get-item", "getItem"]) {
    const err = await runS3Error(new FakeS3(), { method: name });
    assert.equal(err.code, "UnknownMethod", name);
    assert.equal(
      err.message,
      `Invalid metadata "method": unknown method ${JSON.stringify(name)}; ${VALID}`,
    );
  }
});

Deno.test("target without a method says it is missing and lists the valid ones", async () => {
  for (const metadata of [{}, { method: "" }, { bucket_name: "b" }]) {
    const err = await runS3Error(new FakeS3(), metadata);
    assert.equal(err.code, "MissingMetadata");
    assert.equal(err.message, `Missing metadata "method"; ${VALID}`);
  }
  // A blank method is a value (only "" is missing, as in the original): an unknown one.
  assert.equal((await runS3Error(new FakeS3(), { method: "   " })).code, "UnknownMethod");
});

Deno.test("target reports every metadata error of a request at once", async () => {
  const s3 = new FakeS3();
  const err = await runS3Error(s3, {
    method: "get_item",
    bucket_name: "a/b",
    range: "lots",
  });
  assert.equal(err.code, "MissingMetadata");
  assert.equal(
    err.message,
    `Invalid metadata "bucket_name": expected a bucket name without "/", got "a/b"; ` +
      `Missing metadata "item_name": required by method "get_item"; ` +
      `Invalid metadata "range": expected a byte range like bytes=0-99, bytes=100- or bytes=-100, got "lots"`,
  );
  assert.deepEqual(s3.calls, []);
});

Deno.test("target codes a request with only invalid values InvalidMetadata", async () => {
  const err = await runS3Error(new FakeS3(), {
    method: "list_bucket_items",
    bucket_name: "b",
    max_keys: "0",
    all: "maybe",
  });
  assert.equal(err.code, "InvalidMetadata");
  assert.equal(
    err.message,
    `Invalid metadata "max_keys": expected an integer from 1 to 1000, got "0"; ` +
      `Invalid metadata "all": expected "true" or "false" (also accepted: 1, t, T, TRUE, True, 0, f, F, FALSE, False), got "maybe"`,
  );
});

Deno.test("target shortens a very long invalid value in the error", async () => {
  const err = await runS3Error(new FakeS3(), {
    method: "create_bucket",
    bucket_name: "b",
    wait_for_completion: "x".repeat(1000),
  });
  assert.equal(
    err.message,
    `Invalid metadata "wait_for_completion": expected "true" or "false" (also accepted: 1, t, T, TRUE, True, 0, f, F, FALSE, False), got "${
      "x".repeat(200)
    }…(1000 chars)"`,
  );
});

Deno.test("target ignores metadata keys a method does not declare", async () => {
  const s3 = new FakeS3().seed("b", { k: "v" });
  const res = await runS3(s3, {
    method: "get_item",
    bucket_name: "b",
    item_name: "k",
    unknown_key: "whatever",
    wait_for_completion: "not-a-bool",
  });
  assert.equal(res.text(), "v");
});

Deno.test("target passes an S3 error through unchanged", async () => {
  const s3 = new FakeS3();
  const failure = new ConnectorError(
    passThroughCode("SlowDown"),
    "S3 error SlowDown (HTTP 503): slow down",
    {
      status: 503,
      retryable: true,
    },
  );
  s3.failNext.set("getObject", failure);
  const err = await runS3Error(s3, { method: "get_item", bucket_name: "b", item_name: "k" });
  assert.equal(err, failure);
  assert.equal(err.retryable, true);
});

Deno.test("target probe makes one ListBuckets call", async () => {
  const s3 = new FakeS3();
  const target = createS3Target(s3, testOptions(), getLogger(["test"]));
  await target.probe(new AbortController().signal);
  assert.deepEqual(s3.ops(), ["listBuckets"]);
});

Deno.test("target probe fails when S3 fails or does not know the credentials", async () => {
  for (const code of ["InvalidAccessKeyId", "SignatureDoesNotMatch", "ServiceUnavailable"]) {
    const s3 = new FakeS3();
    s3.failNext.set(
      "listBuckets",
      new ConnectorError(passThroughCode(code), `S3 error ${code}`, { status: 403 }),
    );
    const target = createS3Target(s3, testOptions(), getLogger(["test"]));
    await assert.rejects(target.probe(new AbortController().signal), { code });
  }
});

Deno.test("target probe passes when ListBuckets is denied by policy (least privilege)", async () => {
  const s3 = new FakeS3();
  s3.failNext.set(
    "listBuckets",
    new ConnectorError(passThroughCode("AccessDenied"), "denied", { status: 403 }),
  );
  const target = createS3Target(s3, testOptions(), getLogger(["test"]));
  await target.probe(new AbortController().signal);
  assert.deepEqual(s3.ops(), ["listBuckets"]);
});

Deno.test("target close closes the port", () => {
  const s3 = new FakeS3();
  createS3Target(s3, testOptions(), getLogger(["test"])).close();
  assert.equal(s3.closed, true);
});

Deno.test("registry has unique method names and methodNames is them sorted", () => {
  const names = methods.map((m) => m.name);
  assert.equal(new Set(names).size, names.length);
  assert.deepEqual(methodNames, [...names].sort());
  assert.deepEqual([...methodsByName.keys()], names);
  assert.deepEqual(names, [
    ...ORIGINAL_METHODS,
    "head_item",
    "head_bucket",
    "get_bucket_location",
    "presign_get_item",
    "presign_put_item",
    "delete_items",
    "put_item_tagging",
    "get_item_tagging",
  ]);
});

Deno.test("indexMethods throws on a duplicate method name", () => {
  assert.throws(() => indexMethods([...methods, getItem]), {
    message: `Duplicate S3 method name "get_item"`,
  });
});

Deno.test("every method has a description and a field description for each key", () => {
  for (const m of methods) {
    assert.ok(m.description.trim().length > 0, m.name);
    for (const [key, field] of Object.entries(m.metadata)) {
      assert.ok(field.description.trim().length > 0, `${m.name}.${key}`);
    }
  }
});

Deno.test("every method's example uses only declared metadata keys and parses", () => {
  for (const m of methods) {
    const { method, ...rest } = m.example.metadata;
    assert.equal(method, m.name, `${m.name}: example's method`);
    for (const key of Object.keys(rest)) {
      assert.ok(Object.hasOwn(m.metadata, key), `${m.name}: example key "${key}" not declared`);
    }
    parseFields(m.metadata, m.example.metadata);
    assert.equal(m.example.response.result, "ok", m.name);
    if (m.data === "required") assert.equal(typeof m.example.data, "string", m.name);
    if (m.data === "none") assert.ok(m.example.data === undefined || m.example.data === null);
  }
});

Deno.test("every method's example runs and answers the documented metadata keys", async () => {
  for (const m of methods) {
    const s3 = new FakeS3();
    if (m.name !== "create_bucket") {
      s3.seed("my-bucket", { "hello.txt": "my item here", "a.txt": "a", "reports/a.csv": "1,2" })
        .seed("backup");
    }
    const res = await runS3(s3, m.example.metadata, m.example.data ?? null);
    assert.deepEqual(
      Object.keys(res.metadata).sort(),
      Object.keys(m.example.response).sort(),
      m.name,
    );
  }
});
