import { Expected, text } from "../../../schema.ts";
import { bucketName, itemName } from "../fields.ts";
import { defineMethod } from "../method.ts";
import { headMetadata } from "./_head_metadata.ts";

/** An HTTP byte range: `bytes=0-99`, `bytes=100-` or `bytes=-100`. */
const rangeField = {
  ...text({
    description: "Byte range: bytes=0-99, bytes=100- (from 100) or bytes=-100 (last 100).",
  }),
  parse(raw: string): string {
    const m = /^bytes=(\d*)-(\d*)$/.exec(raw);
    if (
      !m || (m[1] === "" && m[2] === "") ||
      (m[1] !== "" && m[2] !== "" && Number(m[1]) > Number(m[2]))
    ) {
      throw new Expected("a byte range like bytes=0-99, bytes=100- or bytes=-100");
    }
    return raw;
  },
};

/** get_item: the object's bytes, exactly, with its headers as response metadata. */
export const getItem = defineMethod({
  name: "get_item",
  description:
    "Download an item: data is its bytes, exactly. Response metadata has bucket and key (as the newest original), content_type, content_length, etag, last_modified and x-amz-meta-* user metadata.",
  metadata: {
    bucket_name: bucketName,
    item_name: itemName,
    range: rangeField,
    version_id: text({ description: "Get this version (versioned buckets)." }),
    if_match: text({ description: "Only if the ETag matches (PreconditionFailed otherwise)." }),
  },
  data: "none",
  example: {
    metadata: { method: "get_item", bucket_name: "my-bucket", item_name: "hello.txt" },
    response: {
      result: "ok",
      content_type: "text/plain; charset=utf-8",
      content_length: "12",
      etag: `"5d41402abc4b2a76b9719d911017c592"`,
      last_modified: "2026-11-24T10:00:00.000Z",
      bucket: "my-bucket",
      key: "hello.txt",
    },
    responseData: "my item here",
  },
  async handle(ctx, args) {
    const { head, body } = await ctx.s3.getObject({
      bucket: args.bucket_name,
      key: args.item_name,
      range: args.range,
      versionId: args.version_id,
      ifMatch: args.if_match,
    }, ctx.signal);
    // bucket and key as the newest original sends them with the bytes.
    const metadata = { ...headMetadata(head), bucket: args.bucket_name, key: args.item_name };
    return { metadata, data: body, bytesIn: body.length };
  },
});
