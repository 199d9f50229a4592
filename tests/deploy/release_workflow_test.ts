/**
 * The release workflow (.github/workflows/release.yml) cannot run here (deno compile downloads
 * its runtime, and there is no GitHub runner), so its parsed form is checked instead: a tag
 * triggers it, it compiles for Linux x64/arm64, macOS and Windows with exactly the compile task's
 * flags, runs the end-to-end suite against the compiled Linux binary, and builds the image only
 * after that suite passed.
 */
import assert from "node:assert/strict";
import { parse } from "yaml";

const root = decodeURIComponent(new URL("../../", import.meta.url).pathname);
const tasks = (JSON.parse(Deno.readTextFileSync(`${root}deno.json`)) as {
  tasks: Record<string, string>;
}).tasks;

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  needs?: string | string[];
  steps: Step[];
  strategy?: { matrix: { include: { target: string; artifact: string }[] } };
}
const workflow = parse(Deno.readTextFileSync(`${root}.github/workflows/release.yml`)) as {
  on: { push: { tags: string[] } };
  env: Record<string, string>;
  jobs: Record<string, Job>;
};
const job = (name: string): Job => {
  const found = workflow.jobs[name];
  assert.ok(found, `job ${name}`);
  return found;
};
const needs = (j: Job) => [j.needs ?? []].flat();

Deno.test("release workflow runs on version tags with the Deno version CI installs", () => {
  assert.deepEqual(workflow.on.push.tags, ["v*"]);
  const ci = Deno.readTextFileSync(`${root}.ci/run`);
  assert.equal(`DENO_VERSION=${workflow.env.DENO_VERSION}`, /DENO_VERSION=\S+/.exec(ci)?.[0]);
});

Deno.test("release workflow compiles every platform with exactly the compile task's flags", () => {
  const compile = job("compile");
  const targets = compile.strategy?.matrix.include.map((m) => m.target).sort();
  assert.deepEqual(targets, [
    "aarch64-apple-darwin",
    "aarch64-unknown-linux-gnu",
    "x86_64-apple-darwin",
    "x86_64-pc-windows-msvc",
    "x86_64-unknown-linux-gnu",
  ]);
  const run = compile.steps.find((s) => s.run?.startsWith("deno compile"))?.run?.trim() ?? "";
  // The task, with only --target added and the output moved to dist/.
  const expected = (tasks.compile ?? "").replace(
    "--output kubemq-s3",
    "--target ${{ matrix.target }} --output dist/${{ matrix.artifact }}",
  );
  assert.equal(run.split(/\s+/).join(" "), expected);
  assert.ok(run.includes("$(cat permissions.flags)"));
});

Deno.test("release workflow runs the end-to-end suite against the compiled Linux binary", () => {
  const e2e = job("e2e-binary");
  assert.deepEqual(needs(e2e), ["compile"]);
  const download = e2e.steps.find((s) => s.uses?.startsWith("actions/download-artifact"));
  assert.equal(download?.with?.name, "kubemq-s3-linux-x64");
  const test = e2e.steps.find((s) => s.run?.includes("deno task test"));
  assert.ok(test?.run?.includes("tests/e2e"), String(test?.run));
  assert.match(test?.env?.KUBEMQ_S3_BINARY ?? "", /dist\/kubemq-s3-linux-x64$/);
  // The harness honours KUBEMQ_S3_BINARY: every connector the e2e tests start is that binary.
  const support = Deno.readTextFileSync(`${root}testing/connector.ts`);
  assert.match(support, /Deno\.env\.get\("KUBEMQ_S3_BINARY"\)/);
});

Deno.test("release workflow builds the image from the Dockerfile only after the e2e suite passed", () => {
  const image = job("image");
  assert.deepEqual(needs(image), ["e2e-binary"]);
  const build = image.steps.find((s) => s.uses?.startsWith("docker/build-push-action"));
  assert.equal(build?.with?.context, ".");
  assert.match(String(build?.with?.platforms), /linux\/amd64,linux\/arm64/);
  assert.deepEqual(needs(job("release")).sort(), ["compile", "e2e-binary", "image"]);
});
