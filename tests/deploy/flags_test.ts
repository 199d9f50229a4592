/**
 * `deno task start` and `deno task compile` run with the same permission flags: both read them
 * from permissions.flags, which grants the launcher only what it needs and denies the rest.
 */
import assert from "node:assert/strict";
import { permissionFlags } from "../../testing/connector.ts";

const root = decodeURIComponent(new URL("../../", import.meta.url).pathname);
const tasks = (JSON.parse(Deno.readTextFileSync(`${root}deno.json`)) as {
  tasks: Record<string, string>;
}).tasks;
const FLAGS_REF = "$(cat permissions.flags)";

/** Permission-related words of a command line, other than the shared reference. */
function permissionWords(task: string): string[] {
  return task.split(/\s+/).filter((w) =>
    /^-A$|^--allow-|^--deny-|^--unstable-worker-options$|^-[A-Za-z]*A/.test(w)
  );
}

Deno.test("start and compile tasks both take their permissions from permissions.flags only", () => {
  const start = tasks.start ?? "";
  const compile = tasks.compile ?? "";
  assert.equal(start, `env $(cat runtime.env) deno run ${FLAGS_REF} main.ts`);
  assert.ok(compile.startsWith(`deno compile ${FLAGS_REF} `), compile);
  assert.equal(compile.split(FLAGS_REF).length - 1, 1);
  assert.deepEqual(permissionWords(start), []);
  assert.deepEqual(permissionWords(compile), []);
});

Deno.test("compile embeds the sandbox worker module and writes ./kubemq-s3 from main.ts", () => {
  const words = (tasks.compile ?? "").split(/\s+/);
  const at = words.indexOf("--include");
  assert.equal(words[at + 1], "lib/sandbox/worker.ts");
  // The launcher starts the worker from exactly this file.
  const launcher = Deno.readTextFileSync(`${root}lib/sandbox/launcher.ts`);
  assert.match(launcher, /new Worker\(new URL\("\.\/worker\.ts", import\.meta\.url\)/);
  assert.equal(words[words.indexOf("--output") + 1], "kubemq-s3");
  assert.equal(words.at(-1), "main.ts");
});

Deno.test("permissions.flags grants the launcher read, net, env and osRelease, and denies run, ffi and write", () => {
  assert.deepEqual(permissionFlags(), [
    "--unstable-worker-options",
    "--allow-read",
    "--allow-net",
    "--allow-env",
    "--allow-sys=osRelease",
    "--deny-run",
    "--deny-ffi",
    "--deny-write",
    // Not a permission: an 8 MiB young generation, the balance of GC CPU per request and
    // memory of large transfers, and dead ArrayBuffers freed on the JavaScript thread, where
    // Deno's pool of 64 KiB socket read buffers is reused (docs/benchmark.md).
    "--v8-flags=--max-semi-space-size=8,--no-concurrent-array-buffer-sweeping",
  ]);
});

Deno.test("deno task start expands $(cat permissions.flags) and runs main.ts", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["task", "--quiet", "start", "--help"],
    cwd: root,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, stderr);
  assert.match(stderr, /^Usage: kubemq-s3 \[--config config\.yaml\]/m);
});

Deno.test("the image sets the process environment of runtime.env, as deno task start does", () => {
  const env = Deno.readTextFileSync(`${root}runtime.env`).trim().split("\n")
    .filter((l) => l !== "" && !l.startsWith("#"));
  assert.deepEqual(env, ["GLIBC_TUNABLES=glibc.malloc.mmap_threshold=65536"]);
  const dockerfile = Deno.readTextFileSync(`${root}Dockerfile`);
  const runtimeStage = dockerfile.slice(dockerfile.lastIndexOf("\nFROM "));
  for (const line of env) assert.ok(runtimeStage.includes(`\nENV ${line}\n`), line);
  assert.match(tasks.start ?? "", /^env \$\(cat runtime\.env\) /);
});
