/**
 * The launcher runs with broad read, net and env permissions (it reads the config and resolves
 * names), so it must load as little third-party code as possible: its static module graph holds
 * our own config/kind/log code plus yaml and LogTape only. The AWS SDK and grpc-js/kubemq-js are
 * imported lazily, inside the sandboxed worker.
 */
import assert from "node:assert/strict";

const root = decodeURIComponent(new URL("../../", import.meta.url).pathname);

interface Info {
  roots: string[];
  redirects: Record<string, string>;
  modules: {
    specifier: string;
    dependencies?: { code?: { specifier: string }; isDynamic?: boolean }[];
  }[];
}

/** Specifiers reachable from main.ts through static imports only. */
async function staticGraph(): Promise<string[]> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", "main.ts"],
    cwd: root,
    stdout: "piped",
  }).output();
  const info = JSON.parse(new TextDecoder().decode(out.stdout)) as Info;
  const modules = new Map(info.modules.map((m) => [m.specifier, m]));
  const seen = new Set<string>();
  const stack = [...info.roots];
  while (stack.length > 0) {
    const raw = stack.pop()!;
    const s = info.redirects[raw] ?? raw;
    if (seen.has(s)) continue;
    seen.add(s);
    for (const dep of modules.get(s)?.dependencies ?? []) {
      if (dep.code && !dep.isDynamic) stack.push(dep.code.specifier);
    }
  }
  return [...seen];
}

Deno.test("the launcher statically loads only yaml and LogTape from npm, no SDK", async () => {
  const graph = await staticGraph();
  // Package names without versions: `npm:/@logtape/logtape@2.4.2/x` -> `@logtape/logtape`.
  const npm = graph.filter((s) => s.startsWith("npm:"))
    .map((s) => /^npm:\/?((?:@[^/]+\/)?[^@/]+)/.exec(s)?.[1]);
  assert.deepEqual([...new Set(npm)].sort(), ["@logtape/logtape", "yaml"]);
  const local = graph.filter((s) => s.startsWith("file:"))
    .map((s) => decodeURIComponent(new URL(s).pathname).slice(root.length));
  // The worker, the app and the adapters (the only importers of the SDKs) are not among them.
  for (
    const file of [
      "lib/sandbox/worker.ts",
      "lib/app.ts",
      "lib/targets/aws_s3/sdk/adapter.ts",
      "lib/sources/kubemq/connection.ts",
    ]
  ) {
    assert.equal(local.includes(file), false, `${file} is loaded by the launcher`);
  }
  assert.ok(local.includes("lib/sandbox/launcher.ts"));
});
