/**
 * The generic contracts belong to no kind. lib/kinds/ (the kind and source contracts, the kind
 * set) reaches no kind folder, so the kinds import it and it never imports them back; the one
 * list of the shipped kinds (lib/kind_registry.ts) sits above both, and nothing it reaches
 * imports it. Generic code (lib/ outside lib/sources/ and lib/targets/) names no code that only
 * one kind raises.
 */
import assert from "node:assert/strict";
import { dirname, join, normalize, relative } from "node:path";
import { kindRegistry } from "../../lib/kind_registry.ts";

const root = decodeURIComponent(new URL("../../", import.meta.url).pathname);
const KIND_FOLDERS = ["lib/sources/", "lib/targets/"];

/** Repository paths of the TypeScript files under `dir` (recursively). */
function sources(dir: string): string[] {
  const out: string[] = [];
  for (const entry of Deno.readDirSync(join(root, dir))) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) out.push(...sources(path));
    else if (entry.isFile && entry.name.endsWith(".ts")) out.push(path);
  }
  return out;
}

/** The relative modules a file imports: static, type-only, re-exported, side-effect, dynamic. */
function importsOf(path: string): string[] {
  const text = Deno.readTextFileSync(join(root, path))
    .split("\n").filter((l) => !/^\s*(\*|\/\/)/.test(l)).join("\n");
  const specs = [
    ...text.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s*["'](\.[^"']+)["']/gms),
    ...text.matchAll(/\bimport\(\s*["'](\.[^"']+)["']\s*\)/g),
    ...text.matchAll(/^\s*import\s*["'](\.[^"']+)["']/gm),
  ].map((m) => m[1]!);
  return specs.map((s) => relative(root, normalize(join(root, dirname(path), s))));
}

const graph = new Map(sources("lib").map((f) => [f, importsOf(f)]));

/** Every module `start` reaches through imports, itself left out unless a cycle leads back. */
function reached(start: string): Set<string> {
  const seen = new Set<string>();
  const todo = [...(graph.get(start) ?? [])];
  while (todo.length > 0) {
    const next = todo.pop()!;
    if (seen.has(next)) continue;
    seen.add(next);
    todo.push(...(graph.get(next) ?? []));
  }
  return seen;
}

const inKindFolder = (path: string) => KIND_FOLDERS.some((f) => path.startsWith(f));

Deno.test("the import walk sees the kinds the registry lists, and their dynamic imports", () => {
  const fromRegistry = reached("lib/kind_registry.ts");
  assert.ok(fromRegistry.has("lib/targets/aws_s3/kind.ts"));
  assert.ok(fromRegistry.has("lib/targets/aws_s3/sdk/adapter.ts"), "dynamic import missed");
  assert.ok(fromRegistry.has("lib/kinds/kind.ts"));
});

Deno.test("lib/kinds/ reaches no kind folder: the kinds import it, never the reverse", () => {
  const contract = [...graph.keys()].filter((f) => f.startsWith("lib/kinds/"));
  assert.ok(contract.includes("lib/kinds/kind.ts") && contract.includes("lib/kinds/source.ts"));
  const up = contract.flatMap((f) =>
    [...reached(f)].filter(inKindFolder).map((t) => `${f} -> ${t}`)
  );
  assert.deepEqual(up, []);
});

Deno.test("no module the kind registry reaches imports it back (no cycle through the registry)", () => {
  const back = [...reached("lib/kind_registry.ts")].filter((f) =>
    f === "lib/kind_registry.ts" || graph.get(f)?.includes("lib/kind_registry.ts")
  );
  assert.deepEqual(back, []);
});

Deno.test("generic code names no error code that only one kind declares", () => {
  const own = [...kindRegistry.sources, ...kindRegistry.targets].flatMap((k) =>
    Object.keys(k.errorCodes ?? {})
  );
  for (const s3Only of ["IncompleteBody", "TooManyKeys", "DeleteFailed"]) {
    assert.ok(own.includes(s3Only), `${s3Only} is declared by no kind`);
  }
  const generic = [...graph.keys()].filter((f) => !inKindFolder(f));
  assert.ok(generic.includes("lib/errors.ts"));
  const named = generic.flatMap((f) => {
    const text = Deno.readTextFileSync(join(root, f));
    return own.filter((c) => new RegExp(`\\b${c}\\b`).test(text)).map((c) => `${f}: ${c}`);
  });
  assert.deepEqual(named, []);
});
