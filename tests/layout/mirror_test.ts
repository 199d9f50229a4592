/**
 * Tests mirror their sources: the test of lib/x/y.ts is tests/x/y_test.ts, of tools/x.ts
 * tests/tools/x_test.ts, of bench/x.ts tests/bench/x_test.ts, of testing/x.ts
 * tests/testing/x_test.ts. A test of one aspect adds it to the name (wire_large_test.ts tests
 * lib/wire.ts); boundary_test.ts checks the imports of the folder it mirrors as a whole. The
 * suites that cut across files (end to end, compatibility, reliability, ...) have folders of their
 * own, listed in SUITES.
 */
import assert from "node:assert/strict";
import { join } from "node:path";

const root = decodeURIComponent(new URL("../../", import.meta.url).pathname);

/** Folders of tests/ that hold suites, not mirrors of a source file. */
const SUITES = ["compat", "deploy", "docs", "e2e", "layout", "reliability"];
/** Folders of tests/ that mirror a top-level folder other than lib/. */
const MIRRORED_ROOTS = ["bench", "testing", "tools"];

/** Names (without extension) of the files and folders in `dir`, or null if it is no folder. */
function entries(dir: string): string[] | null {
  try {
    return [...Deno.readDirSync(join(root, dir))].map((e) =>
      e.isDirectory ? e.name : e.name.replace(/\.(ts|mts|js|mjs|sh)$/, "")
    );
  } catch (err) {
    if (err instanceof Deno.errors.NotFound || err instanceof Deno.errors.NotADirectory) {
      return null;
    }
    throw err;
  }
}

/** Repository paths of the `*_test.ts` files under `dir`, suites left out. */
function mirroredTests(dir: string): string[] {
  const out: string[] = [];
  for (const entry of Deno.readDirSync(join(root, dir))) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) {
      if (dir === "tests" && SUITES.includes(entry.name)) continue;
      out.push(...mirroredTests(path));
    } else if (entry.name.endsWith("_test.ts")) out.push(path);
  }
  return out;
}

/** The source folder a test mirrors, and the name it tests ("wire_large" for wire_large_test). */
function mirrorOf(test: string): { dir: string; name: string } {
  const parts = test.split("/").slice(1);
  const name = parts.pop()!.replace(/_test\.ts$/, "");
  const top = parts[0];
  const dir = top !== undefined && MIRRORED_ROOTS.includes(top)
    ? parts.join("/")
    : ["lib", ...parts].join("/");
  return { dir, name };
}

/** Why `test` mirrors nothing, or null when it mirrors a file or folder. */
function problem(test: string): string | null {
  const { dir, name } = mirrorOf(test);
  const names = entries(dir);
  if (names === null) return `${test}: no folder ${dir}/ (a suite? add it to SUITES)`;
  if (name === "boundary") return null;
  if (names.some((n) => name === n || name.startsWith(`${n}_`))) return null;
  return `${test}: no ${dir}/${name}.ts or ${dir}/${name}/ (nor a file whose name starts it)`;
}

Deno.test("mirrorOf maps a test to its source folder and name", () => {
  assert.deepEqual(mirrorOf("tests/wire_large_test.ts"), { dir: "lib", name: "wire_large" });
  assert.deepEqual(mirrorOf("tests/targets/aws_s3/methods/get_item_test.ts"), {
    dir: "lib/targets/aws_s3/methods",
    name: "get_item",
  });
  assert.deepEqual(mirrorOf("tests/tools/lib/send_args_test.ts"), {
    dir: "tools/lib",
    name: "send_args",
  });
  assert.deepEqual(mirrorOf("tests/testing/s3_server_test.ts"), {
    dir: "testing",
    name: "s3_server",
  });
});

Deno.test("a test that mirrors nothing is named with its path and what is missing", () => {
  assert.equal(
    problem("tests/sandbox/nothing_here_test.ts"),
    "tests/sandbox/nothing_here_test.ts: no lib/sandbox/nothing_here.ts or lib/sandbox/nothing_here/ (nor a file whose name starts it)",
  );
  assert.equal(
    problem("tests/nowhere/x_test.ts"),
    "tests/nowhere/x_test.ts: no folder lib/nowhere/ (a suite? add it to SUITES)",
  );
});

Deno.test("every test outside the suites mirrors a source file or folder", () => {
  const tests = mirroredTests("tests");
  assert.ok(tests.includes("tests/wire_test.ts"), "the walk found no tests");
  assert.deepEqual(tests.map(problem).filter((p) => p !== null), []);
});
