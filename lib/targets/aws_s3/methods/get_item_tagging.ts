import { bucketName, itemName } from "../fields.ts";
import { defineMethod, jsonData } from "../method.ts";

/** get_item_tagging: an item's tags as a JSON object. */
export const getItemTagging = defineMethod({
  name: "get_item_tagging",
  description: "Get an item's tags: the data is a JSON object of strings ({} when it has none).",
  metadata: { bucket_name: bucketName, item_name: itemName },
  data: "none",
  example: {
    metadata: { method: "get_item_tagging", bucket_name: "my-bucket", item_name: "hello.txt" },
    response: { result: "ok", count: "2" },
    responseData: `{"team":"data","retention":"30d"}`,
  },
  async handle(ctx, args) {
    const tags = await ctx.s3.getObjectTagging(args.bucket_name, args.item_name, ctx.signal);
    return {
      metadata: { result: "ok", count: String(Object.keys(tags).length) },
      data: jsonData(tags),
    };
  },
});
