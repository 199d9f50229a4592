/** The `aws.s3` target kind: properties, cross-checks and factory. */
import { defineTargetKind } from "../../kinds/kind.ts";
import { progressGate } from "../../log.ts";
import { s3Code } from "./error_codes.ts";
import { s3TargetProperties } from "./options.ts";
import { awsS3Permissions } from "./permissions.ts";

/** Kind `aws.s3`: Amazon S3 and S3-compatible stores (MinIO, Ceph, R2). */
export const awsS3Target = defineTargetKind({
  kind: "aws.s3",
  description: "Amazon S3 and S3-compatible stores (MinIO, Ceph radosgw, Cloudflare R2).",
  properties: s3TargetProperties,
  validate(options) {
    const errors: string[] = [];
    if ((options.aws_key === undefined) !== (options.aws_secret_key === undefined)) {
      errors.push(
        "aws_key and aws_secret_key must be set together (leave both unset to use the AWS default credential chain)",
      );
    }
    return errors;
  },
  permissions: awsS3Permissions,
  errorCodes: s3Code.meanings,
  // The SDK is imported on first use: the launcher validates configs with this kind but must
  // never load the AWS SDK, which only the sandboxed worker runs.
  async create(options, ctx) {
    const { createS3Adapter } = await import("./sdk/adapter.ts");
    const { createS3Target } = await import("./target.ts");
    if (options.insecure_skip_verify) {
      ctx.log.warn(
        "insecure_skip_verify is on: TLS certificates of {endpoint} are not checked. Use it only for self-signed test setups.",
        { endpoint: options.endpoint?.href ?? "AWS" },
      );
    }
    // One gate per running transfer, so a large part size or many small parts neither
    // silence nor flood the log. The request's binding, method and id come from the context.
    const gates = new Map<string, (done: number, total: number) => boolean>();
    const s3 = createS3Adapter(options, (key, done, total) => {
      const id = `${key}\u0000${total}`;
      let gate = gates.get(id);
      if (!gate) gates.set(id, gate = progressGate());
      if (done >= total) gates.delete(id);
      if (!gate(done, total)) return;
      ctx.log.info("Transfer of {item}: {done} of {total} bytes ({percent}%)", {
        item: key,
        done,
        total,
        percent: total > 0 ? Math.floor((done / total) * 100) : 100,
      });
    });
    return createS3Target(s3, options, ctx.log);
  },
});
