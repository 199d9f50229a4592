import { oneOf } from "../../../schema.ts";
import { guessContentType } from "../content_type.ts";
import { bucketName, itemName, objectOptionFields, waitForCompletion } from "../fields.ts";
import { goJsonData, goStruct } from "../go_json.ts";
import { defineMethod } from "../method.ts";

/** upload_item: stores the request's bytes under bucket/key and reports the ETag. */
export const uploadItem = defineMethod({
  name: "upload_item",
  description:
    "Upload the request's data as an item (no data: an empty item, e.g. a folder marker). Bodies above part_size_mb go as a parallel multipart upload when uploader is true. data is the original's s3manager UploadOutput (Location URL, VersionID, UploadID, ETag).",
  metadata: {
    bucket_name: bucketName,
    item_name: itemName,
    wait_for_completion: waitForCompletion,
    ...objectOptionFields,
    if_none_match: oneOf(["*"] as const, {
      description: `"*": store only if the key does not exist yet (PreconditionFailed otherwise).`,
    }),
  },
  data: "optional",
  dataDescription: `The item's bytes, base64. "", null or no data store an empty item.`,
  example: {
    metadata: { method: "upload_item", bucket_name: "my-bucket", item_name: "hello.txt" },
    data: "my item here",
    response: { result: "ok", etag: `"5d41402abc4b2a76b9719d911017c592"`, size: "12" },
    responseData:
      `{"Location":"http://localhost:7480/my-bucket/hello.txt","VersionID":null,"UploadID":"","ETag":"\\"5d41402abc4b2a76b9719d911017c592\\""}`,
  },
  async handle(ctx, args, given) {
    // The original uploads whatever data is, so no data stores an empty object.
    const data = given ?? new Uint8Array(0);
    const out = await ctx.s3.putObject({
      bucket: args.bucket_name,
      key: args.item_name,
      body: data,
      contentType: args.content_type ?? guessContentType(args.item_name),
      contentEncoding: args.content_encoding,
      contentDisposition: args.content_disposition,
      cacheControl: args.cache_control,
      metadata: args.metadata,
      storageClass: args.storage_class,
      tagging: args.tagging,
      serverSideEncryption: args.server_side_encryption,
      kmsKeyId: args.kms_key_id,
      ifNoneMatch: args.if_none_match,
    }, ctx.signal);
    if (args.wait_for_completion) {
      await ctx.s3.waitForObject(
        args.bucket_name,
        args.item_name,
        true,
        ctx.options.wait_timeout_seconds,
      );
    }
    return {
      metadata: {
        result: "ok",
        etag: out.ETag,
        size: String(data.length),
        ...(out.VersionId ? { version_id: out.VersionId } : {}),
      },
      // The original's s3manager.UploadOutput; bucket, key and size are in the request.
      data: goJsonData(goStruct("UploadOutput", {
        Location: out.Location,
        VersionID: out.VersionId,
        UploadID: out.UploadId ?? "",
        ETag: out.ETag || null,
      })),
      bytesOut: data.length,
    };
  },
});
