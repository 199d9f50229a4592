/**
 * The AWS SDK stays behind the port: only lib/targets/aws_s3/sdk/ imports `@aws-sdk/*`, so the
 * rest of the connector (and the launcher, which must never load it) depends on plain data.
 */
import assert from "node:assert/strict";

const root = new URL("../../../../", import.meta.url);
const SDK_DIR = "lib/targets/aws_s3/sdk/";

/** Relative paths of the TypeScript files under `dir` (recursively). */
async function sources(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of Deno.readDir(new URL(dir, root))) {
    const path = `${dir}${entry.name}`;
    if (entry.isDirectory) out.push(...await sources(`${path}/`));
    else if (/\.(ts|mts|js|mjs)$/.test(entry.name)) out.push(path);
  }
  return out;
}

/** Static imports, re-exports and dynamic imports of an `@aws-sdk/` package (npm: or mapped). */
const SDK_IMPORT = /(?:\bfrom\s*|\bimport\s*\(?\s*)["'](?:npm:\/?)?@aws-sdk\//;

/** Files that import the SDK: one import statement is enough. */
async function sdkImporters(files: string[]): Promise<string[]> {
  const found: string[] = [];
  for (const file of files) {
    const text = await Deno.readTextFile(new URL(file, root));
    if (SDK_IMPORT.test(text)) found.push(file);
  }
  return found;
}

Deno.test("only lib/targets/aws_s3/sdk/ imports @aws-sdk/*, nothing else in lib/ or main.ts", async () => {
  const files = [...await sources("lib/"), "main.ts"];
  const importers = await sdkImporters(files);
  // The scan sees the SDK folder's own imports, so it is not vacuously empty.
  assert.ok(importers.includes(`${SDK_DIR}client.ts`), "the scan finds the SDK imports at all");
  const outside = importers.filter((f) => !f.startsWith(SDK_DIR));
  assert.deepEqual(outside, [], `files outside ${SDK_DIR} import @aws-sdk/*`);
});

Deno.test("the SDK import pattern matches every import form and not mere mentions", () => {
  for (
    const line of [
      'import { S3Client } from "@aws-sdk/client-s3";',
      "import type { X } from '@aws-sdk/client-s3';",
      'export { Upload } from "npm:@aws-sdk/lib-storage@3";',
      'const m = await import("@aws-sdk/s3-request-presigner");',
      'import "@aws-sdk/client-s3";',
    ]
  ) assert.ok(SDK_IMPORT.test(line), line);
  for (
    const line of [
      "// as aws-sdk-go v1 marshals it",
      'const name = "@aws-sdk/client-s3 is the SDK";',
    ]
  ) assert.equal(SDK_IMPORT.test(line), false, line);
});
