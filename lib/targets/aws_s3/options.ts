/**
 * The `aws.s3` target's properties: the seed's keys plus what S3-compatible stores need.
 */
import { bool, int, oneOf, type Parsed, text, url } from "../../schema.ts";

/** Property schema of the `aws.s3` target, as written in config.yaml. */
export const s3TargetProperties = {
  aws_key: text({
    description:
      "Access key id. With aws_secret_key unset too, the AWS default credential chain is used.",
    // It identifies the account without granting access: its first characters help debugging.
    secret: "partial",
    example: "${AWS_ACCESS_KEY_ID}",
  }),
  aws_secret_key: text({
    description: "Secret access key.",
    secret: true,
    example: "${AWS_SECRET_ACCESS_KEY}",
  }),
  region: text({
    description: "AWS region (any value for most S3-compatible stores).",
    required: true,
    example: "eu-central-1",
  }),
  token: text({
    description: "Session token for temporary credentials.",
    secret: true,
    example: "${AWS_SESSION_TOKEN}",
  }),
  downloader: bool({
    description: "Download large objects as parallel ranged GETs (false: one GetObject stream).",
    default: "true",
    example: "true",
  }),
  uploader: bool({
    description: "Upload large bodies as a parallel multipart upload (false: one PutObject).",
    default: "true",
    example: "true",
  }),
  endpoint: url({
    description: "S3-compatible endpoint URL, e.g. http://minio:9000. Unset: AWS.",
    example: "http://minio.storage:9000",
  }),
  force_path_style: bool({
    description: "Path-style addressing (bucket in the path). Default: true when endpoint is set.",
    example: "true",
  }),
  checksum: oneOf(["when_required", "when_supported"] as const, {
    description:
      "Request checksum mode. Default: when_required with a custom endpoint, else when_supported.",
    example: "when_required",
  }),
  insecure_skip_verify: bool({
    description: "Skip TLS certificate checks of the endpoint (self-signed test setups only).",
    default: "false",
    example: "false",
  }),
  part_size_mb: int({
    description: "Part size in MiB for multipart uploads and ranged downloads.",
    default: "8",
    min: 5,
    max: 512,
    example: "16",
  }),
  part_concurrency: int({
    description: "Parts transferred in parallel per upload or download.",
    default: "4",
    min: 1,
    max: 64,
    example: "8",
  }),
  request_timeout_seconds: int({
    description: "Time limit of one S3 call (0 = none). A call that exceeds it fails with Timeout.",
    default: "60",
    min: 0,
    max: 3600,
    example: "300",
  }),
  wait_timeout_seconds: int({
    description:
      "Time limit of wait_for_completion waits (the SDK waiters poll every 1-2 s, so at least 2). A wait that exceeds it is a Timeout error.",
    default: "30",
    min: 2,
    max: 3600,
    example: "60",
  }),
} as const;

/** Parsed `aws.s3` target properties. */
export type S3TargetOptions = Parsed<typeof s3TargetProperties>;

/** Effective path-style flag: explicit, else true when an endpoint is set. */
export function pathStyle(options: S3TargetOptions): boolean {
  return options.force_path_style ?? options.endpoint !== undefined;
}

/** Effective checksum mode: explicit, else when_required with a custom endpoint. */
export function checksumMode(options: S3TargetOptions): "when_required" | "when_supported" {
  return options.checksum ?? (options.endpoint !== undefined ? "when_required" : "when_supported");
}
