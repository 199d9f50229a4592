import assert from "node:assert/strict";
import { ConnectorError } from "../../../lib/errors.ts";
import { parseCopySource, resolveCopySource } from "../../../lib/targets/aws_s3/copy_source.ts";

const at = (bucket: string, key: string, versionId?: string) => ({ bucket, key, versionId });

Deno.test("copy_source: a bare bucket means the same item_name in that bucket", () => {
  assert.deepEqual(parseCopySource("src", "dir/a.txt"), at("src", "dir/a.txt"));
  assert.deepEqual(parseCopySource("/src", "x"), at("src", "x"));
  assert.deepEqual(parseCopySource("src?versionId=v1", "x"), at("src", "x", "v1"));
});

Deno.test("copy_source: bucket/key splits at the first slash, a leading slash is ignored", () => {
  assert.deepEqual(parseCopySource("src/k", "x"), at("src", "k"));
  assert.deepEqual(parseCopySource("src/dir/sub/k.txt", "x"), at("src", "dir/sub/k.txt"));
  assert.deepEqual(parseCopySource("/src/k", "x"), at("src", "k"));
});

Deno.test("copy_source: the original's URL-encoded key is decoded as S3 decodes it", () => {
  assert.deepEqual(parseCopySource("src/my%20file.txt", "x"), at("src", "my file.txt"));
  assert.deepEqual(parseCopySource("src/dir%2Fa%2Bb.txt", "x"), at("src", "dir/a+b.txt"));
  assert.deepEqual(parseCopySource("src/na%C3%AFve", "x"), at("src", "naïve"));
  // "+" is a plus in a path, not a space.
  assert.deepEqual(parseCopySource("src/a+b%20c", "x"), at("src", "a+b c"));
  assert.deepEqual(parseCopySource("src/100%25", "x"), at("src", "100%"));
});

Deno.test("copy_source: ?versionId= is the version, decoded", () => {
  assert.deepEqual(parseCopySource("src/k.txt?versionId=abc", "x"), at("src", "k.txt", "abc"));
  assert.deepEqual(
    parseCopySource("src/my%20k?versionId=a%2Bb", "x"),
    at("src", "my k", "a+b"),
  );
  assert.deepEqual(parseCopySource("src/raw key?versionId=v", "x"), at("src", "raw key", "v"));
});

Deno.test("copy_source: a key without %XX escapes is the raw key", () => {
  for (const key of ["a b/c d.txt", "naïve ☃ 文件", "a+b&c=d", "%", "100% sure", "+", "t "]) {
    assert.deepEqual(parseCopySource(`src/${key}`, "x"), at("src", key), key);
    assert.deepEqual(parseCopySource("src", key), at("src", key), key);
  }
});

Deno.test("copy_source: escapes that do not spell UTF-8 are an error pointing at the raw form", () => {
  assert.throws(() => parseCopySource("src/bad%FF", "x"), (err: unknown) => {
    assert.ok(err instanceof ConnectorError);
    assert.equal(err.code, "InvalidMetadata");
    assert.match(err.message, /"copy_source".*"src\/bad%FF".*copy_source_key/);
    return true;
  });
});

Deno.test("copy_source_bucket and copy_source_key are raw, never decoded", () => {
  assert.deepEqual(
    resolveCopySource({ itemName: "x", copySourceBucket: "src", copySourceKey: "pct%20.bin" }),
    at("src", "pct%20.bin"),
  );
  assert.deepEqual(
    resolveCopySource({ itemName: "x", copySourceBucket: "src", copySourceKey: "k?versionId=1" }),
    at("src", "k?versionId=1"),
  );
  assert.deepEqual(
    resolveCopySource({ itemName: "same", copySourceBucket: "src", copySourceVersionId: "v9" }),
    at("src", "same", "v9"),
  );
});

Deno.test("copy source metadata that conflicts or is missing is a clear error", () => {
  const code = (args: Parameters<typeof resolveCopySource>[0]) => {
    try {
      resolveCopySource(args);
    } catch (err) {
      return [(err as ConnectorError).code, (err as Error).message];
    }
    throw new Error("expected an error");
  };
  assert.deepEqual(code({ itemName: "x" }), [
    "MissingMetadata",
    `Missing metadata "copy_source": required by method "copy_item" (or copy_source_bucket and copy_source_key)`,
  ]);
  assert.equal(
    code({ itemName: "x", copySource: "a/b", copySourceBucket: "c" })[0],
    "InvalidMetadata",
  );
  assert.deepEqual(code({ itemName: "x", copySource: "a/b", copySourceKey: "k" }), [
    "InvalidMetadata",
    `Invalid metadata "copy_source_key": it needs copy_source_bucket, got "k"`,
  ]);
});
