import { ConnectorError } from "../../../errors.ts";
import { Expected, stringMap } from "../../../schema.ts";
import { bucketName, itemName } from "../fields.ts";
import { defineMethod, jsonData } from "../method.ts";

const tagsField = stringMap({
  description:
    `The tags, a JSON object of strings, e.g. {"team":"data"}. Or give them as the data.`,
});

/** The tags from the request: metadata "tags" or the data, exactly one of them. */
function requestTags(
  fromMetadata: Record<string, string> | undefined,
  data: Uint8Array | null,
): Record<string, string> {
  const hasData = data !== null && data.length > 0;
  if (fromMetadata !== undefined && hasData) {
    throw new ConnectorError(
      "InvalidRequest",
      `Invalid request for method "put_item_tagging": give the tags in metadata "tags" or in the data, not both`,
    );
  }
  if (fromMetadata !== undefined) return fromMetadata;
  if (!hasData) {
    throw new ConnectorError(
      "InvalidData",
      `Missing tags: method "put_item_tagging" needs a JSON object of strings in metadata "tags" or in the data ({} removes every tag)`,
    );
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(data);
  } catch {
    text = "";
  }
  try {
    return tagsField.parse(text);
  } catch (err) {
    const expected = err instanceof Expected ? err.message : String(err);
    throw new ConnectorError(
      "InvalidData",
      `Invalid data for method "put_item_tagging": expected ${expected}`,
    );
  }
}

/** put_item_tagging: replaces an item's tag set. */
export const putItemTagging = defineMethod({
  name: "put_item_tagging",
  description:
    "Replace an item's tags with the given set ({} removes them all). S3 enforces its limits (AWS: at most 10 tags, keys up to 128 and values up to 256 characters).",
  metadata: { bucket_name: bucketName, item_name: itemName, tags: tagsField },
  data: "optional",
  dataDescription: `The tags as a JSON object of strings, when metadata "tags" is not given.`,
  example: {
    metadata: {
      method: "put_item_tagging",
      bucket_name: "my-bucket",
      item_name: "hello.txt",
      tags: `{"team":"data","retention":"30d"}`,
    },
    response: { result: "ok", count: "2" },
    responseData:
      `{"Bucket":"my-bucket","Key":"hello.txt","Tags":{"team":"data","retention":"30d"}}`,
  },
  async handle(ctx, args, data) {
    const tags = requestTags(args.tags, data);
    await ctx.s3.putObjectTagging(args.bucket_name, args.item_name, tags, ctx.signal);
    return {
      metadata: { result: "ok", count: String(Object.keys(tags).length) },
      data: jsonData({ Bucket: args.bucket_name, Key: args.item_name, Tags: tags }),
    };
  },
});
