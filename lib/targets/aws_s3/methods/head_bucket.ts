import { bucketName } from "../fields.ts";
import { defineMethod, jsonData } from "../method.ts";

/** head_bucket: whether the bucket exists and the credentials may use it. */
export const headBucket = defineMethod({
  name: "head_bucket",
  description:
    "Check that a bucket exists and is accessible. A missing bucket is a NoSuchBucket error, one owned by someone else AccessDenied. region is set when S3 reports it (AWS does).",
  metadata: { bucket_name: bucketName },
  data: "none",
  example: {
    metadata: { method: "head_bucket", bucket_name: "my-bucket" },
    response: { result: "ok", region: "eu-west-1" },
    responseData: `{"Bucket":"my-bucket","Region":"eu-west-1"}`,
  },
  async handle(ctx, args) {
    const out = await ctx.s3.headBucket(args.bucket_name, ctx.signal);
    return {
      metadata: { result: "ok", ...(out.Region ? { region: out.Region } : {}) },
      data: jsonData({ Bucket: args.bucket_name, Region: out.Region }),
    };
  },
});
