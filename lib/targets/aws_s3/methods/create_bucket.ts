import { ConnectorError } from "../../../errors.ts";
import { bucketName, waitForCompletion } from "../fields.ts";
import { goJsonData, goStruct } from "../go_json.ts";
import { defineMethod } from "../method.ts";

/** create_bucket: CreateBucket, optionally waiting until HeadBucket finds it. */
export const createBucket = defineMethod({
  name: "create_bucket",
  description: "Create a bucket; with wait_for_completion, wait until it exists.",
  metadata: { bucket_name: bucketName, wait_for_completion: waitForCompletion },
  data: "none",
  example: {
    metadata: { method: "create_bucket", bucket_name: "my-bucket", wait_for_completion: "true" },
    response: { result: "ok" },
    responseData: `{"Location":"/my-bucket"}`,
  },
  async handle(ctx, args, data) {
    if (data !== null && data.length > 0) {
      // The seed's upload_item example says "create_bucket": creating a bucket and silently
      // dropping the item would hide that mistake.
      throw new ConnectorError(
        "InvalidMetadata",
        `Invalid request for method "create_bucket": it takes no data. To upload an item use method "upload_item" (the original's README example for upload_item wrongly says "create_bucket")`,
      );
    }
    const out = await ctx.s3.createBucket(args.bucket_name, ctx.signal);
    if (args.wait_for_completion) {
      await ctx.s3.waitForBucket(args.bucket_name, true, ctx.options.wait_timeout_seconds);
    }
    return { metadata: { result: "ok" }, data: goJsonData(goStruct("CreateBucketOutput", out)) };
  },
});
