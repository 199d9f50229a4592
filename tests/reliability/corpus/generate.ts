/**
 * Writes `cases.json`, the hostile-input corpus: malformed request bodies, each with the cause its
 * error must name. Small bodies are stored as they are; huge ones (10,000 metadata entries,
 * 100,000-level nesting, ~100 MiB bodies) as small descriptors that {@link buildBody} expands at
 * test time. `{{BUCKET}}` in a body is replaced with a real test bucket.
 *
 * Run: `deno run --allow-write tests/reliability/corpus/generate.ts`
 * @module
 */

/** How a huge body is built at test time. */
export type Generator =
  | { kind: "metadata_entries"; count: number }
  | { kind: "nesting"; depth: number; at: "top" | "metadata" | "data" | "value" }
  | { kind: "size"; bytes: number; fill: "not_json" | "bad_base64" | "valid_no_bucket" }
  | { kind: "key_bytes"; bytes: number; char: string; method: string };

/** One corpus case. */
export interface CorpusCase {
  id: string;
  category: string;
  /** The body as UTF-8 text. */
  body?: string;
  /** The body as hex bytes (for invalid UTF-8). */
  bodyHex?: string;
  /** A body built at test time. */
  gen?: Generator;
  /** Regular expression (case-insensitive) the error text must match: the cause. */
  cause: string;
  /** "error" (default): an is_error response. "sender_rejected": the send itself fails. */
  outcome?: "error" | "sender_rejected";
}

/** The KubeMQ message size limit. */
export const LIMIT = 104857600;

const cases: CorpusCase[] = [];
const add = (category: string, c: Omit<CorpusCase, "id" | "category">) =>
  cases.push({
    id: `${category}-${
      String(cases.filter((x) => x.category === category).length + 1).padStart(3, "0")
    }`,
    category,
    ...c,
  });
const json = (v: unknown) => JSON.stringify(v);

const NOT_JSON = "not valid JSON";
for (
  const body of [
    " ",
    "\t\n",
    "hello",
    "{",
    "}",
    "[",
    "]",
    "nul",
    "tru",
    "fals",
    "{'metadata':{}}",
    "{metadata:{}}",
    "\u0000",
    "NaN",
    "Infinity",
    "undefined",
    "<request/>",
    "{,}",
    '{"a" 1}',
    '{"metadata":{},}',
    '{"metadata":{"method":"list_buckets"}}}',
    "0x10",
    "--",
    "01",
    '{"metadata":{"method":"list_buckets"} "data":null}',
    "'single'",
    '"unterminated',
    '{"metadata":{"method":"list_buckets"}}\u0000',
    "// comment\n{}",
    '{"data":"\\x41"}',
  ]
) add("not-json", { body, cause: NOT_JSON });

const validBodies = [
  json({
    metadata: { method: "upload_item", bucket_name: "{{BUCKET}}", item_name: "k" },
    data: "aGVsbG8=",
  }),
  json({ metadata: { method: "list_bucket_items", bucket_name: "{{BUCKET}}" }, data: null }),
  json({ metadata: { method: "get_item", bucket_name: "{{BUCKET}}", item_name: "a/b c" } }),
];
for (const full of validBodies) {
  // Every cut point of the first 12 characters, then every 7th, always short of the whole.
  const cuts = new Set<number>();
  for (let i = 1; i < 12; i++) cuts.add(i);
  for (let i = 12; i < full.length - 1; i += 7) cuts.add(i);
  cuts.add(full.length - 1);
  for (const cut of [...cuts].slice(0, 16)) {
    add("truncated", { body: full.slice(0, cut), cause: NOT_JSON });
  }
}

const NOT_OBJECT = "must be a JSON object";
for (
  const body of [
    "null",
    "true",
    "false",
    "0",
    "-1.5e300",
    "1e400",
    '"string"',
    '""',
    "[]",
    "[{}]",
    '[{"metadata":{"method":"list_buckets"}}]',
    "[null]",
    "123456789012345678901234567890",
    '"{\\"metadata\\":{}}"',
    "-0",
  ]
) add("not-object", { body, cause: NOT_OBJECT });

const MISSING_METHOD = 'Missing metadata "method"';
for (
  const body of [
    "{}",
    json({ data: null }),
    json({ data: "aGVsbG8=" }),
    json({ metadata: null }),
    json({ metadata: {} }),
    // "Metadata" and "METADATA" are read as metadata, as Go's decoder reads them; these are not.
    json({ Meta_data: { method: "list_buckets" } }),
    json({ "metadata ": { method: "list_buckets" } }),
    json({ meta: { method: "list_buckets" } }),
    // A null value counts as absent, as Go's "" does.
    json({ metadata: { method: null } }),
    json({ __proto__: { method: "list_buckets" } }).replace(
      "{}",
      '{"__proto__":{"method":"list_buckets"}}',
    ),
    json({ metadata: { Method: "list_buckets" } }),
    json({ metadata: { METHOD: "list_buckets" } }),
    json({ metadata: { "method ": "list_buckets" } }),
  ]
) add("metadata-missing", { body, cause: MISSING_METHOD });

const METADATA_SHAPE = "metadata.* must be";
for (
  const metadata of [
    [],
    ["method", "list_buckets"],
    "list_buckets",
    5,
    true,
    [{ method: "list_buckets" }],
    { method: { name: "list_buckets" } },
    { method: ["list_buckets"] },
    { method: 1 },
    { method: true },
    { method: "list_buckets", bucket_name: { a: 1 } },
    { method: "list_bucket_items", bucket_name: 42 },
    { method: "get_item", item_name: 1.5 },
    { method: "list_bucket_items", max_keys: 10 },
    { method: "upload_item", wait_for_completion: true },
    { method: "list_buckets", x: [] },
    { method: "list_buckets", x: {} },
    { method: "list_buckets", x: -1 },
    { method: "list_buckets", nested: { deeper: { deepest: "x" } } },
  ]
) add("metadata-shape", { body: json({ metadata, data: null }), cause: METADATA_SHAPE });
add("metadata-shape", {
  body: '{"metadata":{"method":"list_buckets","__proto__":{"x":1}}}',
  cause: METADATA_SHAPE,
});

const BASE64 = '"data".* (not valid base64|must be a base64 string)';
const upload = { method: "upload_item", bucket_name: "{{BUCKET}}", item_name: "b64" };
for (
  const data of [
    "!!!!",
    "abc",
    "ab=c",
    "YQ",
    "YQ=",
    "YQ===",
    "=YQ=",
    "YW Jj=",
    "-_-_",
    "YWJj$",
    "é",
    "\u0000AAA",
    "AAAA====",
    "A",
    "AA",
    "AAA",
    "Zm9v\u00e9",
    "aGVsbG8",
    "aGVsbG8==",
    "a%3D",
    "YR==",
    "YWF=",
  ]
) add("data-base64", { body: json({ metadata: upload, data }), cause: BASE64 });
for (const data of [5, 0, -1, 1.5, true, false, {}, { b64: "aGk=" }, [], [104, 105]]) {
  add("data-type", { body: json({ metadata: upload, data }), cause: BASE64 });
}

const UNKNOWN = 'unknown method|Missing metadata "method"';
for (
  const method of [
    "list_bucket",
    "listBuckets",
    "LIST_BUCKETS",
    "List_Buckets",
    "upload_items",
    "uploadItem",
    "get-item",
    "getitem",
    " list_buckets",
    "list_buckets ",
    "list_buckets\n",
    "",
    "   ",
    "\t",
    "delete_item",
    "delete_items_from_bucket",
    "copy",
    "put_item",
    "put_object",
    "drop_bucket",
    "create-bucket",
    "\u0000",
    "list_buckets\u0000",
    "🪣",
    "__proto__",
    "constructor",
    "toString",
    "hasOwnProperty",
    "x".repeat(10_000),
    "ℓist_buckets",
    "list_buckets;delete_bucket",
    "../list_buckets",
    "%6cist_buckets",
    "head_items",
    "presign",
    "get_item_taggings",
  ]
) {
  add("method", {
    body: json({ metadata: { method, bucket_name: "{{BUCKET}}" } }),
    cause: UNKNOWN,
  });
}

const itemMethods = ["get_item", "upload_item", "delete_item_from_bucket", "head_item"];
// Only the empty value: a whitespace-only key is a valid S3 key, passed on as the original's
// MustParseString does (tests/compat/dropin_test.ts), so it is not hostile input.
for (const method of itemMethods) {
  for (const item of [""]) {
    add("blank-key", {
      body: json({ metadata: { method, bucket_name: "{{BUCKET}}", item_name: item }, data: "" }),
      cause: '(Missing|Invalid) metadata "item_name"',
    });
  }
}
for (const method of ["get_item", "upload_item", "head_item", "delete_item_from_bucket"]) {
  for (const [bytes, char] of [[1025, "a"], [1026, "é"], [1028, "🪣"], [4096, "k"]] as const) {
    add("long-key", {
      gen: { kind: "key_bytes", bytes, char, method },
      cause: '"item_name".*at most 1024 UTF-8 bytes',
    });
  }
}

const BAD_BUCKET =
  'bucket_name|InvalidBucketName|NoSuchBucket|InvalidArgument|Missing metadata "bucket_name"';
for (
  const bucket of [
    "UPPERCASE",
    "a",
    "ab",
    "a".repeat(64),
    "a".repeat(300),
    "under_score",
    "-leading",
    "trailing-",
    "192.168.1.1",
    "two..dots",
    ".dot-start",
    "dot-end.",
    "sp ace",
    "ünï",
    "a/b",
    "../etc",
    "/",
    "..",
    ".",
    "",
    " ",
    "xn--prefix-bucket",
    "bucket\u0000null",
    "bucket\nline",
    "bucket?x=1",
    "bucket#frag",
    "%2e%2e",
  ]
) {
  for (const method of ["list_bucket_items", "get_item"]) {
    add("bucket-name", {
      body: json({ metadata: { method, bucket_name: bucket, item_name: "k" } }),
      cause: BAD_BUCKET,
    });
  }
}

const INVALID_VALUE = 'Invalid metadata "\\w+"';
for (
  const metadata of [
    { method: "list_bucket_items", bucket_name: "{{BUCKET}}", max_keys: "-1" },
    { method: "list_bucket_items", bucket_name: "{{BUCKET}}", max_keys: "1001" },
    { method: "list_bucket_items", bucket_name: "{{BUCKET}}", max_keys: "ten" },
    { method: "list_bucket_items", bucket_name: "{{BUCKET}}", max_keys: "1e3" },
    { method: "list_bucket_items", bucket_name: "{{BUCKET}}", max_keys: "0x10" },
    {
      method: "upload_item",
      bucket_name: "{{BUCKET}}",
      item_name: "k",
      wait_for_completion: "yes",
    },
    { method: "upload_item", bucket_name: "{{BUCKET}}", item_name: "k", wait_for_completion: "2" },
    {
      method: "upload_item",
      bucket_name: "{{BUCKET}}",
      item_name: "k",
      wait_for_completion: "TRUEE",
    },
    { method: "upload_item", bucket_name: "{{BUCKET}}", item_name: "k", metadata: "not json" },
    { method: "upload_item", bucket_name: "{{BUCKET}}", item_name: "k", metadata: "[1,2]" },
    { method: "upload_item", bucket_name: "{{BUCKET}}", item_name: "k", metadata: '{"a":1}' },
    {
      method: "upload_item",
      bucket_name: "{{BUCKET}}",
      item_name: "k",
      server_side_encryption: "rot13",
    },
    { method: "upload_item", bucket_name: "{{BUCKET}}", item_name: "k", if_none_match: "etag" },
  ]
) add("invalid-value", { body: json({ metadata, data: "aGk=" }), cause: INVALID_VALUE });

// Invalid UTF-8, as bytes.
const enc = (s: string) =>
  Array.from(new TextEncoder().encode(s), (b) => b.toString(16).padStart(2, "0")).join("");
for (
  const hex of [
    "ff",
    "fe",
    "c0af",
    "eda080",
    "f888808080",
    "e282",
    "e080af",
    "c3",
    "80",
    "f4908080",
    enc('{"metadata":{"method":"') + "ff" + enc('"}}'),
    enc('{"metadata":{"method":"list_buckets","x":"') + "c328" + enc('"}}'),
    enc('{"metadata":{"method":"list_buckets"},"data":"') + "e2" + enc('"}'),
    enc('{"metadata":{"method":"list_buckets"}}') + "ff",
    "ff" + enc('{"metadata":{"method":"list_buckets"}}'),
  ]
) add("invalid-utf8", { bodyHex: hex, cause: "not valid UTF-8" });

// Huge bodies, built at test time.
add("huge", {
  gen: { kind: "metadata_entries", count: 10_000 },
  cause: "unknown method|Invalid metadata",
});
for (const at of ["top", "metadata", "data", "value"] as const) {
  add("huge", {
    gen: { kind: "nesting", depth: 100_000, at },
    cause: at === "top"
      ? NOT_OBJECT
      : at === "metadata"
      ? METADATA_SHAPE
      : at === "data"
      ? BASE64
      : METADATA_SHAPE,
  });
}
add("huge", { gen: { kind: "size", bytes: LIMIT, fill: "not_json" }, cause: NOT_JSON });
add("huge", { gen: { kind: "size", bytes: LIMIT - 1024, fill: "bad_base64" }, cause: BASE64 });
add("huge", {
  gen: { kind: "size", bytes: LIMIT - 1024, fill: "valid_no_bucket" },
  cause: "NoSuchBucket",
});
add("huge", {
  gen: { kind: "size", bytes: LIMIT + 1024 * 1024 + 1, fill: "not_json" },
  cause: "RESOURCE_EXHAUSTED",
  outcome: "sender_rejected",
});

if (import.meta.main) {
  const out = new URL("./cases.json", import.meta.url);
  await Deno.writeTextFile(out, JSON.stringify(cases, null, 1) + "\n");
  // deno-lint-ignore no-console
  console.log(`${cases.length} cases written to ${out.pathname}`);
}
