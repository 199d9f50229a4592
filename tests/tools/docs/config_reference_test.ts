import assert from "node:assert/strict";
import { defineKindSet, kindRegistry } from "../../../lib/kind_registry.ts";
import { defineSourceKind, defineTargetKind, NO_PERMISSIONS } from "../../../lib/kinds/kind.ts";
import { bool, text } from "../../../lib/schema.ts";
import {
  NEW_KINDS,
  renderConfigReference,
  sections,
  table,
} from "../../../tools/docs/config_reference.ts";
import { withNewKinds } from "../../../testing/new_kinds.ts";

const never = () => Promise.reject(new Error("not started in docs tests"));
const queue = defineSourceKind({
  kind: "test.queue",
  description: "A queue for tests.",
  properties: { channel: text({ description: "Queue name.", required: true, example: "q1" }) },
  permissions: NO_PERMISSIONS,
  payload: () => "request",
  create: never,
});
const store = defineTargetKind({
  kind: "test.store",
  description: "A store for tests.",
  properties: { fast: bool({ description: "Go fast.", default: "false", example: "true" }) },
  permissions: NO_PERMISSIONS,
  create: never,
});
const kinds = defineKindSet([queue], [store]);
const skeleton = [
  "<!-- config:top:start -->\n<!-- config:top:end -->",
  "<!-- config:middleware:start -->\n<!-- config:middleware:end -->",
  NEW_KINDS,
  "## A complete example",
].join("\n\n");

Deno.test("a registered kind without a section gets one, with its description and table", () => {
  const out = renderConfigReference(skeleton, kinds);
  const source = out.indexOf("## Source `test.queue`");
  const target = out.indexOf("## Target `test.store`");
  assert.ok(source > 0 && target > source, "both sections, sources first");
  assert.ok(target < out.indexOf(NEW_KINDS), "added before the new-kinds marker");
  assert.ok(out.includes("A queue for tests. Properties: `bindings[].source.properties`."));
  assert.ok(out.includes("| `channel` | string | yes |  | `q1` | Queue name. |"));
  assert.ok(out.includes("| `fast` | boolean | no | `false` | `true` | Go fast. |"));
  // Rendering again keeps one section per kind.
  assert.equal(renderConfigReference(out, kinds), out);
});

Deno.test("a section of a kind that is not registered is an error", () => {
  const stale =
    `${skeleton}\n<!-- config:source:gone.kind:start -->\n<!-- config:source:gone.kind:end -->`;
  assert.throws(
    () => renderConfigReference(stale, kinds),
    /no registered kind for <!-- config:source:gone.kind:start -->/,
  );
});

Deno.test("a property without an example, or with one its parser refuses, fails the generator", () => {
  assert.throws(
    () => table("x", { schema: { tls: bool({ description: "TLS." }) } }),
    /x: property tls has no example/,
  );
  assert.throws(
    () => table("x", { schema: { tls: bool({ description: "TLS.", example: "yes" }) } }),
    /x: example tls=yes is invalid: "true" or "false"/,
  );
});

Deno.test("the shipped schemas have a section each, and every property an example that parses", () => {
  const all = sections(kindRegistry);
  const names = [...all.keys()];
  assert.deepEqual(names.slice(0, 2), ["top", "middleware"]);
  for (const k of kindRegistry.sources) assert.ok(names.includes(`source:${k.kind}`), k.kind);
  for (const k of kindRegistry.targets) assert.ok(names.includes(`target:${k.kind}`), k.kind);
  for (const [name, section] of all) assert.ok(table(name, section).includes("| `"), name);
});

Deno.test("the generator renders a section for each kind added to the registry's, examples included", async () => {
  // The kinds of tests/kind_registry_new_kind_test.ts: a new kind's folder and one registry line.
  const all = sections(withNewKinds);
  assert.equal(all.get("source:acme.inbox")?.heading, "Source `acme.inbox`");
  assert.equal(all.get("target:acme.store")?.heading, "Target `acme.store`");
  const doc = await Deno.readTextFile(new URL("../../../docs/configuration.md", import.meta.url));
  const out = renderConfigReference(doc, withNewKinds);
  assert.ok(out.includes("## Source `acme.inbox`\n\nReads requests from an ACME inbox."));
  assert.ok(out.includes("## Target `acme.store`\n\nStores objects in an ACME store."));
  assert.ok(out.includes("| `batch` | integer (1–100) | no | `10` | `5` | Requests per poll. |"));
  assert.ok(
    out.includes(
      "| `password` | string | no |  | `${ACME_PASSWORD}` | Password. Secret: never logged or served. |",
    ),
  );
  // Every shipped kind's section is still there, before the new ones.
  for (const kind of [...kindRegistry.sources, ...kindRegistry.targets]) {
    const at = out.indexOf(
      `config:${kindRegistry.source(kind.kind) ? "source" : "target"}:${kind.kind}:start`,
    );
    assert.ok(at >= 0 && at < out.indexOf("acme.inbox"), kind.kind);
  }
});
