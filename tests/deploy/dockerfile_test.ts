/**
 * The Dockerfile, without a Docker engine (none here): it lints clean with dockerfile-utils (the
 * linter of the VS Code Docker extension; Debian has no hadolint), and its parsed instructions
 * build with `deno task compile` in the official Deno image and run the binary as non-root in a
 * small image, health-checked through /health, with the config at the documented path.
 */
import assert from "node:assert/strict";
import { Copy, DockerfileParser, type Instruction } from "dockerfile-ast";
import { validate } from "dockerfile-utils";

const root = decodeURIComponent(new URL("../../", import.meta.url).pathname);
const text = Deno.readTextFileSync(`${root}Dockerfile`);
const dockerfile = DockerfileParser.parse(text);
const BINARY = "/usr/local/bin/kubemq-s3";
const CONFIG_PATH = "/etc/kubemq-s3/config.yaml";

/** Instructions of the stage that starts at the `index`-th FROM. */
function stage(index: number): Instruction[] {
  const all = dockerfile.getInstructions();
  const froms = all.filter((i) => i.getKeyword() === "FROM");
  const start = all.indexOf(froms[index]!);
  const next = froms[index + 1] ? all.indexOf(froms[index + 1]!) : all.length;
  return all.slice(start, next);
}

const args = (i: Instruction) => i.getArguments().map((a) => a.getValue());
/** The JSON-array form of CMD/ENTRYPOINT/HEALTHCHECK CMD, parsed. */
const execForm = (content: string) => JSON.parse(content) as string[];

Deno.test("Dockerfile lints without any problem (dockerfile-utils)", () => {
  const problems = validate(text).map((d) =>
    `line ${d.range.start.line + 1}: ${d.message} (severity ${d.severity})`
  );
  assert.deepEqual(problems, []);
  // The linter does report problems: a deprecated instruction and an invalid port protocol.
  assert.deepEqual(
    validate("FROM a\nMAINTAINER x\nEXPOSE 80/xx\n").map((d) => d.message),
    ["MAINTAINER has been deprecated", "Invalid proto: xx"],
  );
});

Deno.test("Dockerfile builds with deno task compile in the official Deno image pinned to CI's version", () => {
  const froms = dockerfile.getFROMs();
  assert.equal(froms.length, 2);
  const build = froms[0]!;
  assert.equal(build.getImageName(), "denoland/deno");
  assert.equal(build.getBuildStage(), "build");
  const ciVersion = /DENO_VERSION=(\S+)/.exec(Deno.readTextFileSync(`${root}.ci/run`))?.[1];
  const argLine = dockerfile.getInstructions().find((i) => i.getKeyword() === "ARG");
  assert.equal(argLine?.getArgumentsContent(), `DENO_VERSION=${ciVersion}`);
  assert.equal(build.getImageTag(), "${DENO_VERSION}");
  const runs = stage(0).filter((i) => i.getKeyword() === "RUN").map((i) => i.getArgumentsContent());
  assert.deepEqual(runs, ["deno install --frozen", "deno task compile && ./kubemq-s3 --help"]);
});

Deno.test("Dockerfile runs only the binary, as a numeric non-root user, in a distroless image", () => {
  const runtime = dockerfile.getFROMs()[1]!;
  assert.equal(runtime.getRegistry(), "gcr.io");
  assert.equal(runtime.getImageName(), "distroless/cc-debian12");
  assert.equal(runtime.getImageTag(), "nonroot");
  const instructions = stage(1);
  const copies = instructions.filter((i) => i instanceof Copy)
    .map((i) => [i.getFromFlag()?.getValue(), ...args(i)]);
  assert.deepEqual(copies, [["build", "/src/kubemq-s3", BINARY]]);
  // Nothing else is added or run in the runtime image.
  assert.deepEqual(instructions.filter((i) => ["RUN", "ADD"].includes(i.getKeyword())), []);
  const user = instructions.find((i) => i.getKeyword() === "USER")?.getArgumentsContent() ?? "";
  const [uid, gid] = user.split(":").map(Number);
  assert.ok(uid !== undefined && Number.isInteger(uid) && uid > 0, user);
  assert.ok(gid !== undefined && Number.isInteger(gid) && gid > 0, user);
});

Deno.test("Dockerfile starts the binary with the documented config path and health-checks /health", () => {
  const instructions = stage(1);
  const get = (k: string) => instructions.find((i) => i.getKeyword() === k);
  assert.deepEqual(execForm(get("ENTRYPOINT")!.getArgumentsContent()!), [BINARY]);
  // No --config: the default config.yaml of the working directory, which wins over CONFIG (as in
  // the newest original); CONFIG is read when that file is absent (an explicit --config would
  // make a missing file an error instead).
  assert.deepEqual(execForm(get("CMD")!.getArgumentsContent()!), []);
  assert.equal(
    `${get("WORKDIR")!.getArgumentsContent()}/config.yaml`,
    CONFIG_PATH,
  );
  const health = get("HEALTHCHECK")!.getArgumentsContent()!;
  const cmd = /\bCMD\s+(\[.*\])\s*$/s.exec(health)?.[1];
  assert.deepEqual(execForm(cmd!.replace(/\\\n/g, "")), [
    BINARY,
    "--health",
    "http://127.0.0.1:8080/health",
  ]);
  assert.equal(get("EXPOSE")?.getArgumentsContent(), "8080");
});

/** Whether a .dockerignore (with `*` and `!name` lines, as ours) lets `path` into the build. */
function includedByDockerignore(path: string): boolean {
  const patterns = Deno.readTextFileSync(`${root}.dockerignore`).split("\n")
    .map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));
  let included = true;
  for (const p of patterns) {
    const negated = p.startsWith("!");
    const name = negated ? p.slice(1) : p;
    const matches = name === "*" || path === name || path.startsWith(`${name}/`);
    if (matches) included = negated;
  }
  return included;
}

Deno.test("Docker build context and COPY lines hold every module of main.ts and the worker, and no tests or config", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", "main.ts"],
    cwd: root,
    stdout: "piped",
  }).output();
  const graph = JSON.parse(new TextDecoder().decode(out.stdout)) as {
    modules: { specifier: string }[];
  };
  const local = graph.modules.map((m) => m.specifier).filter((s) => s.startsWith("file://"))
    .map((s) => decodeURIComponent(new URL(s).pathname).slice(root.length));
  const needed = [...local, "lib/sandbox/worker.ts", "deno.json", "deno.lock", "permissions.flags"];
  assert.ok(local.includes("lib/targets/aws_s3/sdk/adapter.ts"), "lazy imports are in the graph");
  const copied = stage(0).filter((i) => i.getKeyword() === "COPY")
    .flatMap((i) => args(i).slice(0, -1));
  for (const file of needed) {
    assert.ok(includedByDockerignore(file), `${file} is excluded by .dockerignore`);
    assert.ok(copied.some((c) => file === c || file.startsWith(`${c}/`)), `${file} is not copied`);
  }
  for (const file of ["config.yaml", "tests/e2e/smoke_test.ts", ".stack/radosgw/s3.env"]) {
    assert.equal(includedByDockerignore(file), false, `${file} reaches the build context`);
  }
});
