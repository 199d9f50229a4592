/**
 * The S3 port implemented with the AWS SDK v3. The files of this folder are the only ones that
 * import `@aws-sdk/*` (tests/targets/aws_s3/sdk/boundary_test.ts checks it), and the kind loads
 * this one lazily, inside the sandboxed worker.
 */
import type { S3TargetOptions } from "../options.ts";
import type { S3Port } from "../port.ts";
import { createSdkContext, type ProgressListener } from "./client.ts";
import { operations } from "./operations.ts";
import { transfer } from "./transfer.ts";
import { waiters } from "./waiters.ts";

export type { ProgressListener } from "./client.ts";

/** Creates the SDK-backed port from parsed target options. */
export function createS3Adapter(options: S3TargetOptions, onProgress?: ProgressListener): S3Port {
  const ctx = createSdkContext(options, onProgress);
  return {
    ...operations(ctx),
    ...transfer(ctx),
    ...waiters(ctx),
    close() {
      ctx.client.destroy();
    },
  };
}
