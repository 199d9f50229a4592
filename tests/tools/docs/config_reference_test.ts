import assert from "node:assert/strict";
import { defineKindSet, kindRegistry } from "../../../lib/kinds/registry.ts";
import { defineSourceKind, defineTargetKind, NO_PERMISSIONS } from "../../../lib/kinds/kind.ts";
import { bool, text } from "../../../lib/schema.ts";
import {
  NEW_KINDS,
  renderConfigReference,
  sections,
  table,
} from "../../../tools/docs/config_reference.ts";

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
