/**
 * Extra S3 users on the test radosgw, for tests that need other credentials than the shared
 * ones: the radosgw that `tools/s3/radosgw.sh` started is found by its ceph.conf (RADOSGW_DIR, or
 * the running radosgw whose `rgw_frontends` port is S3_ENDPOINT's), users are made with
 * `radosgw-admin`, and IAM user policies are put through radosgw's IAM API.
 *
 * @example
 * ```ts
 * const conf = await findRadosgwConf(s3TestEnv().endpoint); // null: not a radosgw
 * await using user = await createRadosgwUser(conf!, s3TestEnv(), { denyListBuckets: true });
 * ```
 * @module
 */
import type { S3TestEnv } from "./s3.ts";
import { sha256 } from "./sha256.ts";

/** A user made for one test; removed on dispose. */
export interface RadosgwUser {
  uid: string;
  accessKey: string;
  secretKey: string;
  [Symbol.asyncDispose](): Promise<void>;
}

function portOf(endpoint: string): string {
  const url = new URL(endpoint);
  return url.port || (url.protocol === "https:" ? "443" : "80");
}

async function confServes(conf: string, port: string): Promise<boolean> {
  try {
    const text = await Deno.readTextFile(conf);
    return new RegExp(`^\\s*rgw_frontends\\s*=.*endpoint=[^\\s:]+:${port}\\b`, "m").test(text);
  } catch {
    return false;
  }
}

/**
 * The ceph.conf of the radosgw serving `endpoint`, or null when no radosgw of ours serves it
 * (S3_ENDPOINT names MinIO or AWS).
 */
export async function findRadosgwConf(endpoint: string): Promise<string | null> {
  const port = portOf(endpoint);
  const candidates: string[] = [];
  const dir = Deno.env.get("RADOSGW_DIR");
  if (dir) candidates.push(`${dir}/ceph.conf`);
  candidates.push(new URL("../.stack/radosgw/ceph.conf", import.meta.url).pathname);
  // Whichever radosgw is running: its command line names its conf (`radosgw -c <conf> ...`).
  try {
    for await (const entry of Deno.readDir("/proc")) {
      if (!/^\d+$/.test(entry.name)) continue;
      const args = await Deno.readTextFile(`/proc/${entry.name}/cmdline`)
        .then((t) => t.split("\0"))
        .catch(() => [] as string[]);
      if (!args[0]?.endsWith("radosgw")) continue;
      const c = args.indexOf("-c");
      if (c >= 0 && args[c + 1]) candidates.push(args[c + 1]!);
    }
  } catch {
    // No /proc: only the named candidates.
  }
  for (const conf of candidates) if (await confServes(conf, port)) return conf;
  return null;
}

async function run(cmd: string, args: string[]): Promise<string> {
  const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
  const text = new TextDecoder().decode(out.stdout);
  if (!out.success) {
    throw new Error(
      `${cmd} ${args.join(" ")} failed (${out.code}): ${new TextDecoder().decode(out.stderr)}`,
    );
  }
  return text;
}

async function admin(conf: string, args: string[]): Promise<string> {
  return await run("timeout", ["60", "radosgw-admin", "-c", conf, ...args]);
}

/** Creates a radosgw user (and removes it on dispose). */
async function createUser(conf: string, prefix: string, caps?: string): Promise<RadosgwUser> {
  const uid = `${prefix}-${crypto.randomUUID().slice(0, 8)}`;
  const secretKey = `${uid}-secret-${crypto.randomUUID()}`;
  await admin(conf, [
    "user",
    "create",
    `--uid=${uid}`,
    `--display-name=${uid}`,
    `--access-key=${uid}`,
    `--secret-key=${secretKey}`,
  ]);
  if (caps) await admin(conf, ["caps", "add", `--uid=${uid}`, `--caps=${caps}`]);
  return {
    uid,
    accessKey: uid,
    secretKey,
    async [Symbol.asyncDispose]() {
      await admin(conf, ["user", "rm", `--uid=${uid}`, "--purge-data"]).catch(() => {});
    },
  };
}

/**
 * Creates a user; with `denyListBuckets`, an IAM user policy denies it s3:ListAllMyBuckets (a
 * least-privilege user), put through radosgw's IAM API by a helper user with user-policy caps.
 */
export async function createRadosgwUser(
  conf: string,
  env: S3TestEnv,
  options: { denyListBuckets?: boolean } = {},
): Promise<RadosgwUser> {
  const user = await createUser(conf, "lp-user");
  if (!options.denyListBuckets) return user;
  await using policyAdmin = await createUser(conf, "policy-admin", "user-policy=*");
  const policy = JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Deny", Action: "s3:ListAllMyBuckets", Resource: "*" }],
  });
  const body = new URLSearchParams({
    Action: "PutUserPolicy",
    UserName: user.uid,
    PolicyName: "deny-list-buckets",
    PolicyDocument: policy,
  }).toString();
  // curl signs SigV4 itself; radosgw wants the payload hash in x-amz-content-sha256.
  const answer = await run("curl", [
    "-sS",
    "--max-time",
    "20",
    "--aws-sigv4",
    `aws:amz:${env.region}:iam`,
    "--user",
    `${policyAdmin.accessKey}:${policyAdmin.secretKey}`,
    "-H",
    `x-amz-content-sha256: ${await sha256(new TextEncoder().encode(body))}`,
    "-H",
    "Content-Type: application/x-www-form-urlencoded",
    "-X",
    "POST",
    `${env.endpoint.replace(/\/$/, "")}/`,
    "--data-binary",
    body,
  ]);
  if (!answer.includes("<PutUserPolicyResponse")) {
    await user[Symbol.asyncDispose]();
    throw new Error(`PutUserPolicy failed: ${answer}`);
  }
  return user;
}
