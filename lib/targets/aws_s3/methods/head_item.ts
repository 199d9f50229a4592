import { text } from "../../../schema.ts";
import { bucketName, itemName } from "../fields.ts";
import { defineMethod, jsonData } from "../method.ts";
import { headMetadata } from "./_head_metadata.ts";

/** head_item: an item's headers and user metadata, without its body. */
export const headItem = defineMethod({
  name: "head_item",
  description:
    "Check that an item exists and read its headers without downloading it: content_type, content_length, etag, last_modified and x-amz-meta-* user metadata. A missing item is a NoSuchKey error.",
  metadata: {
    bucket_name: bucketName,
    item_name: itemName,
    version_id: text({ description: "Head this version (versioned buckets)." }),
    if_match: text({ description: "Only if the ETag matches (PreconditionFailed otherwise)." }),
  },
  data: "none",
  example: {
    metadata: { method: "head_item", bucket_name: "my-bucket", item_name: "hello.txt" },
    response: {
      result: "ok",
      content_type: "text/plain; charset=utf-8",
      content_length: "12",
      etag: `"5d41402abc4b2a76b9719d911017c592"`,
      last_modified: "2026-11-24T10:00:00.000Z",
    },
    responseData:
      `{"ContentType":"text/plain; charset=utf-8","ContentLength":12,"ETag":"\\"5d41402abc4b2a76b9719d911017c592\\"","LastModified":"2026-11-24T10:00:00.000Z","VersionId":null,"StorageClass":null,"ContentEncoding":null,"ContentDisposition":null,"CacheControl":null,"ContentRange":null,"Metadata":{}}`,
  },
  async handle(ctx, args) {
    const head = await ctx.s3.headObject({
      bucket: args.bucket_name,
      key: args.item_name,
      versionId: args.version_id,
      ifMatch: args.if_match,
    }, ctx.signal);
    return { metadata: headMetadata(head), data: jsonData(head) };
  },
});
