/**
 * The KubeMQ sources' layout. lib/sources/kubemq/ is the one KubeMQ client; each other folder
 * under lib/sources/ is one kind (options, kind, source) and builds on it, never on a sibling:
 * (a) no kind folder imports another, and lib/sources/kubemq/ imports none;
 * (b) only lib/sources/kubemq/ speaks gRPC: nothing else in lib/ imports node:http2,
 *     @grpc/grpc-js, kubemq-js or google-protobuf;
 * (c) nothing in lib/ imports @grpc/grpc-js or kubemq-js at all (they are the tests' reference
 *     and the bench's comparison, not the connector's).
 * Each checker is a function of (file, specifiers) pairs, tried on made-up files first.
 */
import assert from "node:assert/strict";
import { dirname, join, normalize, relative } from "node:path";
import { importSpecifiers, sourceFiles } from "../../testing/imports.ts";

const root = decodeURIComponent(new URL("../../", import.meta.url).pathname);
const SOURCES = "lib/sources";
const CLIENT = "kubemq";

/** A module and what it imports, as written. */
interface Module {
  path: string;
  specifiers: string[];
}

/** The folder under lib/sources/ a repository path is in, or null. */
function sourceFolder(path: string): string | null {
  const m = /^lib\/sources\/([^/]+)\//.exec(path);
  return m ? m[1]! : null;
}

/** Where a relative specifier of `from` points (a repository path); null for a bare one. */
function resolve(from: string, spec: string): string | null {
  if (!spec.startsWith("./") && !spec.startsWith("../")) return null;
  return relative(root, normalize(join(root, dirname(from), spec)));
}

/** (a) Imports from one folder of lib/sources/ into a kind folder other than its own. */
function kindViolations(modules: Module[]): string[] {
  const out: string[] = [];
  for (const { path, specifiers } of modules) {
    const from = sourceFolder(path);
    if (from === null) continue;
    for (const spec of specifiers) {
      const target = resolve(path, spec);
      const to = target === null ? null : sourceFolder(target);
      if (to !== null && to !== from && to !== CLIENT) out.push(`${path} -> ${target}`);
    }
  }
  return out;
}

/** The package or module a bare specifier names: "kubemq-js" for "npm:/kubemq-js@1/lib/x". */
function packageOf(spec: string): string {
  const bare = spec.replace(/^npm:\/?/, "");
  const parts = bare.split("/");
  const name = bare.startsWith("@") ? `${parts[0]}/${parts[1] ?? ""}` : parts[0]!;
  return name.replace(/(.)@.*$/, "$1");
}

const GRPC = ["node:http2", "http2", "@grpc/grpc-js", "kubemq-js", "google-protobuf"];
const NEVER_IN_LIB = ["@grpc/grpc-js", "kubemq-js"];

/** Imports of `banned` packages by modules of lib/ that `allowed` does not cover. */
function bannedImports(
  modules: Module[],
  banned: string[],
  allowed: (path: string) => boolean,
): string[] {
  const out: string[] = [];
  for (const { path, specifiers } of modules) {
    if (!path.startsWith("lib/") || allowed(path)) continue;
    for (const spec of specifiers) {
      if (resolve(path, spec) === null && banned.includes(packageOf(spec))) {
        out.push(`${path} imports ${spec}`);
      }
    }
  }
  return out;
}
const inClient = (path: string) => path.startsWith(`${SOURCES}/${CLIENT}/`);
const grpcOutsideClient = (modules: Module[]) => bannedImports(modules, GRPC, inClient);
const neverInLib = (modules: Module[]) => bannedImports(modules, NEVER_IN_LIB, () => false);

const modules: Module[] = sourceFiles(root, "lib").map((path) => ({
  path,
  specifiers: importSpecifiers(Deno.readTextFileSync(join(root, path))),
}));

Deno.test("the checkers flag made-up violations and pass what is allowed", () => {
  const fake: Module[] = [
    { path: "lib/sources/kubemq_command/source.ts", specifiers: ["../kubemq_query/options.ts"] },
    { path: "lib/sources/kubemq_new/kind.ts", specifiers: ["../kubemq_queue/source.ts"] },
    { path: "lib/sources/kubemq/connection.ts", specifiers: ["../kubemq_events/options.ts"] },
    { path: "lib/sources/kubemq_queue/source.ts", specifiers: ["../kubemq/queue_client.ts"] },
    { path: "lib/sources/kubemq_queue/kind.ts", specifiers: ["./source.ts", "../source.ts"] },
    { path: "lib/sources/kubemq/a/b.ts", specifiers: ["../../kubemq_query/kind.ts"] },
    { path: "lib/app.ts", specifiers: ["./sources/kubemq_query/kind.ts"] },
    { path: "lib/x.ts", specifiers: ["node:http2", "npm:@grpc/grpc-js@1.14.7"] },
    { path: "lib/y.ts", specifiers: ["npm:/kubemq-js@1.2.3/lib/protos/index.js"] },
    { path: "lib/z.ts", specifiers: ["google-protobuf", "kubemq-jsx", "node:http"] },
    { path: "lib/sources/kubemq/grpc.ts", specifiers: ["node:http2", "kubemq-js"] },
    { path: "tests/t.ts", specifiers: ["@grpc/grpc-js", "../lib/sources/kubemq_query/k.ts"] },
  ];
  assert.deepEqual(kindViolations(fake), [
    "lib/sources/kubemq_command/source.ts -> lib/sources/kubemq_query/options.ts",
    "lib/sources/kubemq_new/kind.ts -> lib/sources/kubemq_queue/source.ts",
    "lib/sources/kubemq/connection.ts -> lib/sources/kubemq_events/options.ts",
    "lib/sources/kubemq/a/b.ts -> lib/sources/kubemq_query/kind.ts",
  ]);
  assert.deepEqual(grpcOutsideClient(fake), [
    "lib/x.ts imports node:http2",
    "lib/x.ts imports npm:@grpc/grpc-js@1.14.7",
    "lib/y.ts imports npm:/kubemq-js@1.2.3/lib/protos/index.js",
    "lib/z.ts imports google-protobuf",
  ]);
  assert.deepEqual(neverInLib(fake), [
    "lib/x.ts imports npm:@grpc/grpc-js@1.14.7",
    "lib/y.ts imports npm:/kubemq-js@1.2.3/lib/protos/index.js",
    "lib/sources/kubemq/grpc.ts imports kubemq-js",
  ]);
});

Deno.test("no kind folder under lib/sources/ imports another; lib/sources/kubemq/ imports none", () => {
  const kinds = new Set(modules.map((m) => sourceFolder(m.path)).filter((f) => f !== null));
  assert.ok(kinds.has(CLIENT) && kinds.size >= 5, `folders found: ${[...kinds]}`);
  // Not vacuous: the kinds do import the client folder.
  assert.ok(
    modules.some((m) =>
      sourceFolder(m.path) !== CLIENT &&
      m.specifiers.some((s) => sourceFolder(resolve(m.path, s) ?? "") === CLIENT)
    ),
    "no kind imports lib/sources/kubemq/",
  );
  assert.deepEqual(kindViolations(modules), []);
});

Deno.test("only lib/sources/kubemq/ speaks gRPC (node:http2, grpc-js, kubemq-js, google-protobuf)", () => {
  // Not vacuous: the scan sees the client's own node:http2 imports.
  assert.ok(
    modules.some((m) => inClient(m.path) && m.specifiers.includes("node:http2")),
    "the scan finds node:http2 in lib/sources/kubemq/",
  );
  assert.deepEqual(grpcOutsideClient(modules), []);
});

Deno.test("nothing in lib/ imports @grpc/grpc-js or kubemq-js", () => {
  assert.ok(modules.length > 50, `${modules.length} modules scanned`);
  assert.deepEqual(neverInLib(modules), []);
});
