import { oneOf, text } from "../../../schema.ts";
import { resolveCopySource } from "../copy_source.ts";
import { bucketName, itemName, objectOptionFields, waitForCompletion } from "../fields.ts";
import { goJsonData, goStruct } from "../go_json.ts";
import { defineMethod } from "../method.ts";

/** copy_item: CopyObject into bucket_name/item_name from copy_source. */
export const copyItem = defineMethod({
  name: "copy_item",
  description:
    `Copy an item into bucket_name/item_name. copy_source is the original's form: "source-bucket/source-key" (the key URL-encoded as S3 expects, or raw when it has no %XX escape), optionally with "?versionId=<id>", or "source-bucket" (same item_name there, as the seed documents). For any key without encoding rules use copy_source_bucket and copy_source_key instead. data is the original's CopyObjectOutput (CopyObjectResult.ETag, VersionId, ...).`,
  metadata: {
    bucket_name: bucketName,
    item_name: itemName,
    copy_source: text({
      description:
        `"source-bucket/source-key[?versionId=<id>]" as S3 wants it (a key part with a %XX escape is URL-decoded, otherwise taken as is), or "source-bucket". Required unless copy_source_bucket is given.`,
    }),
    copy_source_bucket: text({
      description: "Source bucket, raw (instead of copy_source).",
    }),
    copy_source_key: text({
      description: "Source key, raw, never decoded (with copy_source_bucket). Default: item_name.",
    }),
    copy_source_version_id: text({
      description: "Source version (with copy_source_bucket).",
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
      `{"BucketKeyEnabled":null,"CopyObjectResult":{"ETag":"\\"5d41402abc4b2a76b9719d911017c592\\"","LastModified":"2026-11-24T10:00:00Z"},"CopySourceVersionId":null,"Expiration":null,"RequestCharged":null,"SSECustomerAlgorithm":null,"SSECustomerKeyMD5":null,"SSEKMSEncryptionContext":null,"SSEKMSKeyId":null,"ServerSideEncryption":null,"VersionId":null}`,
  },
  async handle(ctx, args) {
    const source = resolveCopySource({
      itemName: args.item_name,
      copySource: args.copy_source,
      copySourceBucket: args.copy_source_bucket,
      copySourceKey: args.copy_source_key,
      copySourceVersionId: args.copy_source_version_id,
    });
    // Giving new metadata or a content type only takes effect with REPLACE: imply it.
    const directive = args.metadata_directive ??
      (args.metadata !== undefined || args.content_type !== undefined ? "REPLACE" : undefined);
    const out = await ctx.s3.copyObject({
      bucket: args.bucket_name,
      key: args.item_name,
      sourceBucket: source.bucket,
      sourceKey: source.key,
      sourceVersionId: source.versionId,
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
    const { ETag, LastModified, ...rest } = out;
    return {
      metadata: { result: "ok", etag: ETag },
      // The original's CopyObjectOutput: the headers S3 did not send are null.
      data: goJsonData(goStruct("CopyObjectOutput", {
        ...rest,
        CopyObjectResult: goStruct("CopyObjectResult", { ETag, LastModified }),
      })),
    };
  },
});
