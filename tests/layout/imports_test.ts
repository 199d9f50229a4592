/**
 * Who may import whom, between the top-level folders. The connector (main.ts and lib/) never
 * imports the harness; testing/ is the harness that tests, tools and bench share, and imports
 * none of them; tests import tools/ or bench/ only to test those modules themselves (under
 * tests/tools/ and tests/bench/), and run them as processes otherwise; tools/ and bench/ never
 * import tests/ or each other.
 */
import assert from "node:assert/strict";
import { dirname, join, normalize, relative } from "node:path";
import { importSpecifiers, sourceFiles } from "../../testing/imports.ts";

const root = decodeURIComponent(new URL("../../", import.meta.url).pathname);
const FOLDERS = ["lib", "testing", "tests", "tools", "bench"];

/** The top-level area of a repository path: "main.ts", "lib", "testing", ... or "" outside. */
function areaOf(path: string): string {
  if (path === "main.ts") return path;
  const top = path.split("/")[0]!;
  return FOLDERS.includes(top) ? top : "";
}

/** Every relative import of the repository's code: from file, to file (repository paths). */
function imports(): { from: string; to: string }[] {
  const edges: { from: string; to: string }[] = [];
  for (const from of ["main.ts", ...FOLDERS.flatMap((dir) => sourceFiles(root, dir))]) {
    for (const spec of importSpecifiers(Deno.readTextFileSync(join(root, from)))) {
      if (!spec.startsWith("./") && !spec.startsWith("../")) continue;
      edges.push({ from, to: relative(root, normalize(join(root, dirname(from), spec))) });
    }
  }
  return edges;
}

const edges = imports();

/** Whether `from` may import `to`, by their areas. */
function allowed(from: string, to: string): boolean {
  const a = areaOf(from);
  const b = areaOf(to);
  if (a === b) return true;
  switch (a) {
    case "main.ts":
    case "lib":
      return b === "lib" || b === "main.ts";
    case "testing":
      return b === "lib";
    case "tests":
      // A test of a tool or of the benchmark imports the module it tests.
      return b === "lib" || b === "testing" ||
        (b === "tools" && from.startsWith("tests/tools/")) ||
        (b === "bench" && from.startsWith("tests/bench/"));
    case "tools":
    case "bench":
      return b === "lib" || b === "testing";
    default:
      return false;
  }
}

Deno.test("importSpecifiers finds static, type, re-export, side-effect and dynamic imports, not comments", () => {
  const text = [
    'import assert from "node:assert/strict";',
    "import {",
    "  a,",
    "  type B,",
    '} from "../lib/a.ts";',
    'import type * as grpc from "@grpc/grpc-js";',
    'export { c } from "./c.ts";',
    'import "./side.ts";',
    'const { d } = await import("../testing/d.ts");',
    ' * import { e } from "../tests/e.ts";',
    '// const f = await import("../tools/f.ts");',
    'throw new Error("read from " + path);',
  ].join("\n");
  assert.deepEqual(importSpecifiers(text), [
    "node:assert/strict",
    "../lib/a.ts",
    "@grpc/grpc-js",
    "./c.ts",
    "./side.ts",
    "../testing/d.ts",
  ]);
});

Deno.test("main.ts and lib/ import nothing from testing/, tests/, tools/ or bench/", () => {
  assert.ok(edges.some((e) => e.from === "main.ts" && e.to.startsWith("lib/")), "no edge found");
  const bad = edges.filter((e) =>
    ["main.ts", "lib"].includes(areaOf(e.from)) && !allowed(e.from, e.to)
  );
  assert.deepEqual(bad, []);
});

Deno.test("testing/ imports only lib/, never the tests, tools or bench that use it", () => {
  assert.ok(edges.some((e) => e.from.startsWith("tests/") && e.to.startsWith("testing/")));
  assert.ok(edges.some((e) => e.from.startsWith("tools/") && e.to.startsWith("testing/")));
  assert.ok(edges.some((e) => e.from.startsWith("bench/") && e.to.startsWith("testing/")));
  const bad = edges.filter((e) => areaOf(e.from) === "testing" && !allowed(e.from, e.to));
  assert.deepEqual(bad, []);
});

Deno.test("tests/ imports tools/ and bench/ only in the tests of those modules", () => {
  const bad = edges.filter((e) => areaOf(e.from) === "tests" && !allowed(e.from, e.to));
  assert.deepEqual(bad, []);
});

Deno.test("tools/ and bench/ import neither tests/ nor each other", () => {
  const bad = edges.filter((e) =>
    ["tools", "bench"].includes(areaOf(e.from)) && !allowed(e.from, e.to)
  );
  assert.deepEqual(bad, []);
});
