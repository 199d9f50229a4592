import { oneOf, text } from "../../../schema.ts";
import { bucketName, itemName, objectOptionFields, waitForCompletion } from "../fields.ts";
import { defineMethod, jsonData } from "../method.ts";

/**
 * Splits copy_source: "bucket" means the same item_name in that bucket (the seed documents it
 * as a bucket name); "bucket/key" is S3's own form. A leading "/" is tolerated.
 */
export function parseCopySource(
  copySource: string,
  itemName: string,
): { bucket: string; key: string } {
  const source = copySource.startsWith("/") ? copySource.slice(1) : copySource;
  const slash = source.indexOf("/");
  if (slash < 0) return { bucket: source, key: itemName };
  return { bucket: source.slice(0, slash), key: source.slice(slash + 1) };
}

/** copy_item: CopyObject into bucket_name/item_name from copy_source. */
export const copyItem = defineMethod({
  name: "copy_item",
  description:
    `Copy an item into bucket_name/item_name. copy_source is "source-bucket" (same item_name there, as the seed documents) or "source-bucket/source-key".`,
  metadata: {
    bucket_name: bucketName,
    item_name: itemName,
    copy_source: text({
      description: `"source-bucket" or "source-bucket/source-key" (keys are URL-encoded for you).`,
      required: true,
    }),
    wait_for_completion: waitForCompletion,
    metadata_directive: oneOf(["COPY", "REPLACE"] as const, {
      description:
        "COPY keeps the source's metadata; REPLACE uses content_type and metadata given here.",
    }),
    content_type: objectOptionFields.content_type,
    metadata: objectOptionFields.metadata,
    storage_class: objectOptionFields.storage_class,
  },
  data: "none",
  example: {
    metadata: {
      method: "copy_item",
      bucket_name: "backup",
      item_name: "hello.txt",
      copy_source: "my-bucket/hello.txt",
    },
    response: { result: "ok", etag: `"5d41402abc4b2a76b9719d911017c592"` },
    responseData:
      `{"ETag":"\\"5d41402abc4b2a76b9719d911017c592\\"","LastModified":"2026-11-24T10:00:00.000Z","VersionId":null}`,
  },
  async handle(ctx, args) {
    const source = parseCopySource(args.copy_source, args.item_name);
    // Giving new metadata or a content type only takes effect with REPLACE: imply it.
    const directive = args.metadata_directive ??
      (args.metadata !== undefined || args.content_type !== undefined ? "REPLACE" : undefined);
    const out = await ctx.s3.copyObject({
      bucket: args.bucket_name,
      key: args.item_name,
      sourceBucket: source.bucket,
      sourceKey: source.key,
      metadataDirective: directive,
      contentType: args.content_type,
      metadata: args.metadata,
      storageClass: args.storage_class,
    }, ctx.signal);
    if (args.wait_for_completion) {
      await ctx.s3.waitForObject(
        args.bucket_name,
        args.item_name,
        true,
        ctx.options.wait_timeout_seconds,
      );
    }
    return { metadata: { result: "ok", etag: out.ETag }, data: jsonData(out) };
  },
});
