import { bool } from "../../../schema.ts";
import { bucketName, waitForCompletion } from "../fields.ts";
import { defineMethod, jsonData } from "../method.ts";
import { emptyBucket } from "./_empty_bucket.ts";

/** delete_bucket: DeleteBucket; force empties it first; optionally waits until it is gone. */
export const deleteBucket = defineMethod({
  name: "delete_bucket",
  description:
    "Delete a bucket. With force=true, delete every item (and version) first. With wait_for_completion, wait until it is gone.",
  metadata: {
    bucket_name: bucketName,
    wait_for_completion: waitForCompletion,
    force: bool({
      description: "Empty the bucket first (all items, versions and delete markers).",
      default: "false",
    }),
  },
  data: "none",
  example: {
    metadata: { method: "delete_bucket", bucket_name: "my-bucket", force: "true" },
    response: { result: "ok", deleted: "3" },
    responseData: `{"Bucket":"my-bucket","Deleted":3}`,
  },
  async handle(ctx, args) {
    let deleted = 0;
    if (args.force) {
      const report = await emptyBucket(ctx, args.bucket_name, undefined, true);
      deleted = report.deleted;
    }
    await ctx.s3.deleteBucket(args.bucket_name, ctx.signal);
    if (args.wait_for_completion) {
      await ctx.s3.waitForBucket(args.bucket_name, false, ctx.options.wait_timeout_seconds);
    }
    return {
      metadata: { result: "ok", deleted: String(deleted) },
      data: jsonData({ Bucket: args.bucket_name, Deleted: deleted }),
    };
  },
});
