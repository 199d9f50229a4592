/** The `aws.s3` target kind: properties, cross-checks and factory. */
import { defineTargetKind } from "../../kinds.ts";
import { s3TargetProperties } from "./options.ts";

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
  // The SDK is imported on first use: the launcher validates configs with this kind but must
  // never load the AWS SDK, which only the sandboxed worker runs.
  async create(options, ctx) {
    const { createS3Adapter } = await import("./adapter.ts");
    const { createS3Target } = await import("./target.ts");
    if (options.insecure_skip_verify) {
      ctx.log.warn(
        "insecure_skip_verify is on: TLS certificates of {endpoint} are not checked. Use it only for self-signed test setups.",
        { endpoint: options.endpoint?.href ?? "AWS" },
      );
    }
    const s3 = createS3Adapter(options, (key, done, total) => {
      ctx.log.info("Transfer of {item}: {done} of {total} bytes ({percent}%)", {
        item: key,
        done,
        total,
        percent: Math.floor((done / total) * 100),
      });
    });
    return createS3Target(s3, options, ctx.log);
  },
});
