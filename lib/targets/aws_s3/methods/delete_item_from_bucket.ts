import { text } from "../../../schema.ts";
import { bucketName, itemName, waitForCompletion } from "../fields.ts";
import { goJsonData, goStruct } from "../go_json.ts";
import { defineMethod } from "../method.ts";

/** delete_item_from_bucket: DeleteObject, idempotent (a missing key is not an error). */
export const deleteItemFromBucket = defineMethod({
  name: "delete_item_from_bucket",
  description:
    "Delete one item. Idempotent: deleting a missing item succeeds. To delete every item use delete_all_items_from_bucket.",
  metadata: {
    bucket_name: bucketName,
    item_name: itemName,
    wait_for_completion: waitForCompletion,
    version_id: text({ description: "Delete this version (versioned buckets)." }),
  },
  data: "none",
  missingHint:
    `To delete every item of the bucket use method "delete_all_items_from_bucket" (the original's README example for it wrongly says "delete_item_from_bucket")`,
  example: {
    metadata: { method: "delete_item_from_bucket", bucket_name: "my-bucket", item_name: "a.txt" },
    response: { result: "ok" },
    responseData: `{"DeleteMarker":null,"RequestCharged":null,"VersionId":null}`,
  },
  async handle(ctx, args) {
    const out = await ctx.s3.deleteObject(
      args.bucket_name,
      args.item_name,
      args.version_id,
      ctx.signal,
    );
    if (args.wait_for_completion && !args.version_id) {
      await ctx.s3.waitForObject(
        args.bucket_name,
        args.item_name,
        false,
        ctx.options.wait_timeout_seconds,
      );
    }
    // The original's DeleteObjectOutput: headers S3 did not send are null.
    return { metadata: { result: "ok" }, data: goJsonData(goStruct("DeleteObjectOutput", out)) };
  },
});
