import assert from "node:assert/strict";
import { parseKeyList } from "../../../../lib/targets/aws_s3/methods/delete_items.ts";
import { FakeS3, runS3, runS3Error } from "../../../../testing/fake_s3.ts";

const json = (v: unknown) => JSON.stringify(v);

Deno.test("delete_items deletes the listed keys and reports each one", async () => {
  const s3 = new FakeS3().seed("b", { "a.txt": "a", "dir/b.txt": "b", keep: "k" });
  const res = await runS3(
    s3,
    { method: "delete_items", bucket_name: "b" },
    json(["a.txt", "dir/b.txt"]),
  );
  assert.deepEqual(res.metadata, { result: "ok", deleted: "2", failed: "0" });
  assert.deepEqual(res.json(), {
    Bucket: "b",
    Deleted: [{ Key: "a.txt" }, { Key: "dir/b.txt" }],
    Errors: [],
  });
  assert.deepEqual(s3.keys("b"), ["keep"]);
});

Deno.test("delete_items counts a missing key as deleted, as S3 does", async () => {
  const s3 = new FakeS3().seed("b", { a: "a" });
  const res = await runS3(s3, { method: "delete_items", bucket_name: "b" }, json(["a", "ghost"]));
  assert.equal(res.metadata.deleted, "2");
  assert.deepEqual(s3.keys("b"), []);
});

Deno.test("delete_items sends 1000 keys per DeleteObjects call", async () => {
  const s3 = new FakeS3().seedMany("b", 2500);
  const keys = s3.keys("b");
  const res = await runS3(s3, { method: "delete_items", bucket_name: "b" }, json(keys));
  assert.equal(res.metadata.deleted, "2500");
  const calls = s3.callsOf("deleteObjects") as { keys: { Key: string }[] }[];
  assert.deepEqual(calls.map((c) => c.keys.length), [1000, 1000, 500]);
  assert.deepEqual(calls.flatMap((c) => c.keys.map((k) => k.Key)), keys);
  assert.deepEqual(s3.keys("b"), []);
});

Deno.test("delete_items passes version ids of {Key, VersionId} entries", async () => {
  const s3 = new FakeS3().seed("b", { a: "a", b: "b" });
  const res = await runS3(
    s3,
    { method: "delete_items", bucket_name: "b" },
    json([{ Key: "a", VersionId: "null" }, "b"]),
  );
  assert.deepEqual(res.json(), {
    Bucket: "b",
    Deleted: [{ Key: "a", VersionId: "null" }, { Key: "b" }],
    Errors: [],
  });
  assert.deepEqual(s3.callsOf("deleteObjects")[0]?.keys, [{ Key: "a", VersionId: "null" }, {
    Key: "b",
  }]);
});

Deno.test("delete_items fails naming every key S3 refused, after deleting the others", async () => {
  const s3 = new FakeS3().seed("b", { a: "a", locked: "l", "also locked": "l", c: "c" });
  s3.failDeleteFor.add("locked").add("also locked");
  const err = await runS3Error(
    s3,
    { method: "delete_items", bucket_name: "b" },
    json(["a", "locked", "also locked", "c"]),
  );
  assert.equal(err.code, "AccessDenied");
  assert.equal(
    err.message,
    `2 of 4 item(s) of bucket "b" could not be deleted (2 deleted): ` +
      `"locked" (AccessDenied: Access Denied), "also locked" (AccessDenied: Access Denied)`,
  );
  assert.deepEqual(s3.keys("b"), ["also locked", "locked"]);
});

Deno.test("delete_items names the first 20 failures and counts the rest", async () => {
  const s3 = new FakeS3().seedMany("b", 25);
  for (const k of s3.keys("b")) s3.failDeleteFor.add(k);
  const err = await runS3Error(
    s3,
    { method: "delete_items", bucket_name: "b" },
    json(s3.keys("b")),
  );
  assert.match(
    err.message,
    /^25 of 25 item\(s\) of bucket "b" could not be deleted \(0 deleted\): /,
  );
  assert.ok(err.message.includes(`"item-00019" (AccessDenied`));
  assert.ok(!err.message.includes(`"item-00020"`));
  assert.ok(err.message.endsWith(", and 5 more"));
});

Deno.test("delete_items in a missing bucket fails with NoSuchBucket", async () => {
  const err = await runS3Error(
    new FakeS3(),
    { method: "delete_items", bucket_name: "nope" },
    json(["a"]),
  );
  assert.equal(err.code, "NoSuchBucket");
});

Deno.test("delete_items rejects data that is not a list of keys, before calling S3", async () => {
  const hint =
    `; expected a JSON array of keys, e.g. ["a.txt","dir/b.txt"] (or {"Key":"a.txt","VersionId":"..."} entries)`;
  const cases: [string | null, string][] = [
    [null, "no data"],
    ["", "no data"],
    ["a.txt", "not JSON"],
    [`{"Key":"a"}`, "not an array"],
    ["[]", "an empty array"],
    [`["a", 1]`, "entry 1 is not a key of 1 to 1024 UTF-8 bytes"],
    [`["a", ""]`, "entry 1 is not a key of 1 to 1024 UTF-8 bytes"],
    [json(["x".repeat(1025)]), "entry 0 is not a key of 1 to 1024 UTF-8 bytes"],
    [`[{"VersionId":"v"}]`, "entry 0 is not a key of 1 to 1024 UTF-8 bytes"],
    [`[{"Key":"a","VersionId":7}]`, "entry 0 has a VersionId that is not a non-empty string"],
  ];
  for (const [data, detail] of cases) {
    const s3 = new FakeS3().seed("b");
    const err = await runS3Error(s3, { method: "delete_items", bucket_name: "b" }, data);
    assert.equal(err.code, "InvalidData", String(data));
    assert.equal(err.message, `Invalid data for method "delete_items": ${detail}${hint}`);
    assert.deepEqual(s3.calls, []);
  }
});

Deno.test("delete_items refuses more than 100000 keys in one request", () => {
  const keys = Array.from({ length: 100_001 }, (_, i) => `k${i}`);
  assert.throws(() => parseKeyList(new TextEncoder().encode(json(keys))), {
    message:
      `Invalid data for method "delete_items": 100001 keys, more than the 100000 one request may name; expected a JSON array of keys, e.g. ["a.txt","dir/b.txt"] (or {"Key":"a.txt","VersionId":"..."} entries)`,
  });
  assert.equal(parseKeyList(new TextEncoder().encode(json(keys.slice(1)))).length, 100_000);
});
