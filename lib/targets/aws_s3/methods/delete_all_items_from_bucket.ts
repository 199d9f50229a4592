import { bool } from "../../../schema.ts";
import { bucketName, prefixField, waitForCompletion } from "../fields.ts";
import { defineMethod, jsonData } from "../method.ts";
import { emptyBucket, waitUntilEmpty } from "./_empty_bucket.ts";

/** delete_all_items_from_bucket: deletes every item, however many pages. */
export const deleteAllItemsFromBucket = defineMethod({
  name: "delete_all_items_from_bucket",
  description:
    "Delete every item of a bucket (or under a prefix) in batches of 1000; reports how many. Per-key failures make it an error that lists them.",
  metadata: {
    bucket_name: bucketName,
    wait_for_completion: waitForCompletion,
    prefix: prefixField,
    versions: bool({
      description: "Also delete every version and delete marker (versioned buckets).",
      default: "false",
    }),
  },
  data: "none",
  example: {
    metadata: { method: "delete_all_items_from_bucket", bucket_name: "my-bucket" },
    response: { result: "ok", deleted: "1500" },
    responseData: `{"Bucket":"my-bucket","Deleted":1500,"Failed":0,"Errors":[]}`,
  },
  async handle(ctx, args) {
    const report = await emptyBucket(ctx, args.bucket_name, args.prefix, args.versions);
    if (args.wait_for_completion) {
      await waitUntilEmpty(ctx, args.bucket_name, args.prefix, ctx.options.wait_timeout_seconds);
    }
    return {
      metadata: { result: "ok", deleted: String(report.deleted) },
      data: jsonData({
        Bucket: args.bucket_name,
        Deleted: report.deleted,
        Failed: report.failed,
        Errors: report.errors,
      }),
    };
  },
});
