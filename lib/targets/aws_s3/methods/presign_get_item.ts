import { bucketName, itemName } from "../fields.ts";
import { defineMethod } from "../method.ts";
import { expiresSeconds, presignResult } from "./_presign.ts";

/** presign_get_item: a time-limited URL any HTTP client can download the item from. */
export const presignGetItem = defineMethod({
  name: "presign_get_item",
  description:
    "Create a presigned GET URL for an item: any HTTP client can download it until it expires, without credentials and without passing through KubeMQ (the way to read items above KubeMQ's 100 MiB message limit). The data is the URL. The URL is signed locally: S3 is not asked whether the item exists.",
  metadata: {
    bucket_name: bucketName,
    item_name: itemName,
    expires_seconds: expiresSeconds,
  },
  data: "none",
  example: {
    metadata: {
      method: "presign_get_item",
      bucket_name: "my-bucket",
      item_name: "big.iso",
      expires_seconds: "3600",
    },
    response: {
      result: "ok",
      http_method: "GET",
      expires_seconds: "3600",
      expires_at: "2026-11-24T11:00:00.000Z",
    },
    responseData:
      "https://s3.eu-west-1.amazonaws.com/my-bucket/big.iso?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=...&X-Amz-Date=20261124T100000Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Signature=...",
  },
  async handle(ctx, args) {
    return await presignResult(
      ctx,
      "get",
      { bucket: args.bucket_name, key: args.item_name },
      args.expires_seconds,
    );
  },
});
