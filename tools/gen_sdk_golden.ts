/**
 * The original's response data, generated from the aws-sdk-go v1 structs it marshals.
 *
 * 1. `--extract` reads the output structs from the aws-sdk-go git mirror at the tag the newest
 *    original's go.mod pins, and writes them (fields, Go types, tags, lines) to
 *    tests/compat/golden/sdk/aws-sdk-go-<tag>.json.
 * 2. Without flags, from that committed extract it writes tests/compat/golden/<method>.json (every
 *    key of the data, in order, with its JSON type) and lib/targets/aws_s3/sdk_structs.ts (the
 *    connector's key order and zero values).
 * 3. `--check` exits 1 when either output differs from what the extract gives, or, where the
 *    mirror exists, when the extract differs from the mirror.
 *
 * `deno run -R -W --allow-run tools/gen_sdk_golden.ts [--extract | --check]`; the mirror is
 * `AWS_SDK_GO_GIT_DIR` (default /work/.mirror/aws+aws-sdk-go/repo).
 */
import { writeOrCheck } from "./docs/markdown.ts";
import { extractStructs, type GoStruct } from "./sdk/go_structs.ts";
import { GOLDEN_METHODS, renderGolden, renderStructsModule } from "./sdk/golden.ts";

/** The SDK version of the newest original's go.mod (kubemq-targets a6a6c75). */
const TAG = "v1.37.6";
const MIRROR = Deno.env.get("AWS_SDK_GO_GIT_DIR") ?? "/work/.mirror/aws+aws-sdk-go/repo";
/** The structs each file must yield (referenced struct types follow). */
const ROOTS: Record<string, string[]> = {
  "service/s3/api.go": [
    "ListBucketsOutput",
    "ListObjectsV2Output",
    "CreateBucketOutput",
    "DeleteObjectOutput",
    "CopyObjectOutput",
  ],
  "service/s3/s3manager/upload.go": ["UploadOutput"],
};

const root = new URL("../", import.meta.url);
const EXTRACT = new URL(`tests/compat/golden/sdk/aws-sdk-go-${TAG}.json`, root);
const STRUCTS_MODULE = new URL("lib/targets/aws_s3/sdk_structs.ts", root);

/** The committed extract. */
export interface Extract {
  comment: string;
  repository: string;
  tag: string;
  commit: string;
  structs: Record<string, GoStruct>;
}

async function _git(args: string[]): Promise<string> {
  const out = await new Deno.Command("git", { args: [`--git-dir=${MIRROR}`, ...args] }).output();
  if (!out.success) {
    throw new Error(`git ${args.join(" ")}: ${new TextDecoder().decode(out.stderr).trim()}`);
  }
  return new TextDecoder().decode(out.stdout);
}

/** The extract as the mirror gives it now. */
async function extractFromMirror(): Promise<Extract> {
  const commit = (await _git(["rev-parse", `${TAG}^{commit}`])).trim();
  const structs: Record<string, GoStruct> = {};
  for (const [file, roots] of Object.entries(ROOTS)) {
    Object.assign(structs, extractStructs(await _git(["show", `${commit}:${file}`]), file, roots));
  }
  return {
    comment:
      `The aws-sdk-go structs the original's nine methods marshal, read from ${TAG} by tools/gen_sdk_golden.ts --extract (field names, Go types and struct tags; lines in that commit). Do not edit: regenerate.`,
    repository: "aws/aws-sdk-go",
    tag: TAG,
    commit,
    structs,
  };
}

/** JSON formatted as `deno fmt` writes it. */
async function _formatted(text: string, ext: "json" | "ts"): Promise<string> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["fmt", `--ext=${ext}`, "-"],
    stdin: "piped",
    stdout: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(text));
  await writer.close();
  const out = await child.output();
  if (!out.success) throw new Error(`deno fmt failed on generated ${ext}`);
  return new TextDecoder().decode(out.stdout);
}

async function _current(url: URL): Promise<string> {
  return await Deno.readTextFile(url).catch(() => "");
}

async function _mirrorExists(): Promise<boolean> {
  return await Deno.stat(MIRROR).then(() => true, () => false);
}

if (import.meta.main) {
  const check = Deno.args.includes("--check");
  const fix = "deno run -R -W --allow-run tools/gen_sdk_golden.ts";
  if (Deno.args.includes("--extract") || check) {
    if (await _mirrorExists()) {
      const text = await _formatted(JSON.stringify(await extractFromMirror()), "json");
      await writeOrCheck(EXTRACT, await _current(EXTRACT), text, {
        check,
        label: EXTRACT.pathname.slice(root.pathname.length),
        fix: `${fix} --extract`,
      });
    } else if (!check) {
      throw new Error(`no aws-sdk-go mirror at ${MIRROR} (set AWS_SDK_GO_GIT_DIR)`);
    }
  }
  const extract = JSON.parse(await Deno.readTextFile(EXTRACT)) as Extract;
  for (const method of GOLDEN_METHODS) {
    const url = new URL(`tests/compat/golden/${method.method}.json`, root);
    const text = await _formatted(JSON.stringify(renderGolden(method, extract)), "json");
    await writeOrCheck(url, await _current(url), text, {
      check,
      label: `tests/compat/golden/${method.method}.json`,
      fix,
    });
  }
  await writeOrCheck(
    STRUCTS_MODULE,
    await _current(STRUCTS_MODULE),
    await _formatted(renderStructsModule(extract), "ts"),
    { check, label: "lib/targets/aws_s3/sdk_structs.ts", fix },
  );
}
