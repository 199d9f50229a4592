import { text } from "../../../schema.ts";
import { bucketName, itemName } from "../fields.ts";
import { defineMethod } from "../method.ts";
import { expiresSeconds, presignResult } from "./_presign.ts";

/** presign_put_item: a time-limited URL any HTTP client can upload the item to. */
export const presignPutItem = defineMethod({
  name: "presign_put_item",
  description:
    "Create a presigned PUT URL for an item: any HTTP client can upload its bytes with one PUT until it expires, without credentials and without passing through KubeMQ (the way to store items above KubeMQ's 100 MiB message limit; one PUT takes up to 5 GiB). The data is the URL. With content_type, the upload must send exactly that Content-Type header (it is signed).",
  metadata: {
    bucket_name: bucketName,
    item_name: itemName,
    expires_seconds: expiresSeconds,
    content_type: text({
      description: "Content-Type the upload must send; signed into the URL.",
    }),
  },
  data: "none",
  example: {
    metadata: {
      method: "presign_put_item",
      bucket_name: "my-bucket",
      item_name: "big.iso",
      expires_seconds: "3600",
      content_type: "application/x-iso9660-image",
    },
    response: {
      result: "ok",
      http_method: "PUT",
      expires_seconds: "3600",
      expires_at: "2026-11-24T11:00:00.000Z",
      content_type: "application/x-iso9660-image",
    },
    responseData:
      "https://s3.eu-west-1.amazonaws.com/my-bucket/big.iso?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=...&X-Amz-Date=20261124T100000Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=content-type%3Bhost&X-Amz-Signature=...",
  },
  async handle(ctx, args) {
    return await presignResult(
      ctx,
      "put",
      { bucket: args.bucket_name, key: args.item_name, contentType: args.content_type },
      args.expires_seconds,
    );
  },
});
