// The sender CLI (tools/send.ts, as `deno task send` runs it) against the real stack: test
// broker, the connector with its production permissions, radosgw.
import assert from "node:assert/strict";
import { startStack } from "../../testing/stack.ts";
import { deleteTestBucketFully, uniqueBucketName } from "../../testing/s3.ts";

const ROOT = new URL("../../", import.meta.url);
const MiB = 1024 * 1024;

/** The permissions `deno task send` grants, read from deno.json so they cannot drift. */
async function sendTaskFlags(): Promise<string[]> {
  const tasks = JSON.parse(await Deno.readTextFile(new URL("deno.json", ROOT))).tasks;
  const task = String(tasks.send);
  return task.split(/\s+/).filter((w) => w.startsWith("--allow-"));
}

Deno.test("e2e send CLI: upload with --data-file, get with --out gives equal bytes, is_error exits 1", async () => {
  await using stack = await startStack();
  const flags = await sendTaskFlags();
  const run = async (...args: string[]) => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        ...flags,
        "tools/send.ts",
        "--address",
        stack.broker.address,
        "--channel",
        stack.channel,
        ...args,
      ],
      cwd: ROOT,
      env: { NO_COLOR: "1" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const dec = new TextDecoder();
    return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
  };
  const bucket = uniqueBucketName("cli");
  const dir = await Deno.makeTempDir({ prefix: "kubemq-s3-cli-" });
  try {
    const created = await run("-m", "create_bucket", "--bucket", bucket, "--wait");
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, /^result: ok$/m);

    // Over the 8 MiB progress threshold: off a TTY, one "sending" line on stderr.
    const bytes = new Uint8Array(9 * MiB);
    crypto.getRandomValues(bytes.subarray(0, 65536));
    for (let i = 65536; i < bytes.length; i += 65536) bytes.copyWithin(i, 0, 65536);
    bytes[bytes.length - 1] = 7;
    const input = `${dir}/in.bin`;
    await Deno.writeFile(input, bytes);
    const up = await run(
      "-m",
      "upload_item",
      "--bucket",
      bucket,
      "--item",
      "dir/in.bin",
      "--data-file",
      input,
    );
    assert.equal(up.code, 0, up.stderr);
    assert.match(up.stdout, /^etag: "[0-9a-f]{32}(-\d+)?"$/m);
    assert.match(
      up.stderr,
      new RegExp(`^sending 12\\.0 MiB to ${stack.broker.address} channel ${stack.channel}`, "m"),
    );

    const output = `${dir}/out.bin`;
    const got = await run(
      "-m",
      "get_item",
      "--bucket",
      bucket,
      "--item",
      "dir/in.bin",
      "-o",
      output,
    );
    assert.equal(got.code, 0, got.stderr);
    assert.match(
      got.stdout,
      new RegExp(`^data: ${bytes.length} bytes \\(9\\.0 MiB\\) written to ${output}$`, "m"),
    );
    assert.deepEqual(await Deno.readFile(output), bytes);

    // Printed readably: the listing as pretty JSON.
    const listed = await run("-m", "list_bucket_items", "--bucket", bucket);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /^ {6}"Key": "dir\/in\.bin",$/m);

    const missing = await run("-m", "get_item", "--bucket", bucket, "--item", "absent");
    assert.equal(missing.code, 1);
    assert.match(missing.stdout, /^error_code: NoSuchKey$/m);
    assert.match(missing.stderr, /^Error: .*absent/m);

    // A missing required key is sent anyway (after a warning): the connector's answer says why.
    const noItem = await run("-m", "get_item", "--bucket", bucket);
    assert.equal(noItem.code, 1);
    assert.equal(noItem.stdout, "error_code: MissingMetadata\n");
    assert.equal(
      noItem.stderr,
      'warning: get_item requires "item_name" (--item); sending anyway\n' +
        'Error: Missing metadata "item_name": required by method "get_item"\n',
    );

    const usage = await run("-m", "rename_item");
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /^Error: .*rename_item/m);
  } finally {
    await Deno.remove(dir, { recursive: true });
    await deleteTestBucketFully(bucket);
  }
});
