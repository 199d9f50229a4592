// `deno task dev --once` as a newcomer runs it: the demo passes end to end, and everything the
// run started (broker, connector) is stopped again, so a second run or checkout finds its ports
// free. The S3 server is the test one, which dev reuses and must leave running.
import assert from "node:assert/strict";
import { s3TestEnv } from "../../testing/s3.ts";
import { listening } from "../../testing/listening.ts";

const ROOT = new URL("../../", import.meta.url);

Deno.test({
  name: "deno task dev --once: demo passes, broker and connector stop, the reused S3 stays up",
  // dev uses its fixed local ports; run it alone among the tests that could take them.
  sanitizeResources: false,
  async fn() {
    for (const port of [50000, 8080]) {
      assert.equal(await listening(port), false, `port ${port} is taken before the test`);
    }
    const s3 = s3TestEnv();
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "tools/dev.ts", "--once"],
      cwd: ROOT,
      env: {
        NO_COLOR: "1",
        S3_ENDPOINT: s3.endpoint,
        S3_ACCESS_KEY: s3.accessKey,
        S3_SECRET_KEY: s3.secretKey,
        S3_REGION: s3.region,
      },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, text);
    assert.match(text, /Demo passed: the bytes came back exactly\./);
    assert.match(text, /get_item -> .*data: hello from KubeMQ to S3/);
    for (const port of [50000, 8080]) {
      assert.equal(await listening(port), false, `port ${port} still taken after dev exited`);
    }
    const res = await fetch(s3.endpoint);
    await res.body?.cancel();
    assert.ok(res.status < 500, `the S3 server dev reused is still up (HTTP ${res.status})`);
  },
});
