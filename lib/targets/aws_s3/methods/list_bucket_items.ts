import { bool, rawText, text } from "../../../schema.ts";
import { ConnectorError } from "../../../errors.ts";
import { s3Code } from "../error_codes.ts";
import { bucketName, maxKeysField, prefixField } from "../fields.ts";
import { goJsonData, goStruct } from "../go_json.ts";
import { defineMethod } from "../method.ts";
import type { ObjectPage } from "../port.ts";

/** Upper bound of keys returned with all=true, so one response stays well under 100 MiB. */
export const LIST_ALL_LIMIT = 100_000;

/** list_bucket_items: one page of ListObjectsV2, or every page with all=true. */
export const listBucketItems = defineMethod({
  name: "list_bucket_items",
  description:
    `List the items of a bucket: one page (up to 1000 keys) with paging, or all pages with all=true (at most ${LIST_ALL_LIMIT} keys).`,
  metadata: {
    bucket_name: bucketName,
    prefix: prefixField,
    delimiter: rawText({ description: "Group keys by this delimiter into CommonPrefixes." }),
    max_keys: maxKeysField,
    continuation_token: text({ description: "NextContinuationToken of the previous page." }),
    start_after: text({ description: "List keys after this one." }),
    all: bool({
      description: `Follow every page (at most ${LIST_ALL_LIMIT} keys; more is an error).`,
      default: "false",
    }),
  },
  data: "none",
  example: {
    metadata: { method: "list_bucket_items", bucket_name: "my-bucket", prefix: "reports/" },
    response: { result: "ok", count: "1", is_truncated: "false" },
    responseData:
      `{"CommonPrefixes":null,"Contents":[{"ETag":"\\"5d41402abc4b2a76b9719d911017c592\\"","Key":"reports/a.csv","LastModified":"2026-11-24T10:00:00.12Z","Owner":null,"Size":12,"StorageClass":"STANDARD"}],"ContinuationToken":null,"Delimiter":null,"EncodingType":null,"IsTruncated":false,"KeyCount":1,"MaxKeys":1000,"Name":"my-bucket","NextContinuationToken":null,"Prefix":"reports/","StartAfter":null}`,
  },
  async handle(ctx, args) {
    const input = {
      bucket: args.bucket_name,
      prefix: args.prefix,
      delimiter: args.delimiter === "" ? undefined : args.delimiter,
      maxKeys: args.max_keys,
      continuationToken: args.continuation_token,
      startAfter: args.start_after,
    };
    let page: ObjectPage = await ctx.s3.listObjects(input, ctx.signal);
    if (args.all) {
      const merged = {
        ...page,
        Contents: [...page.Contents],
        CommonPrefixes: [...page.CommonPrefixes],
      };
      while (page.IsTruncated && page.NextContinuationToken) {
        page = await ctx.s3.listObjects(
          { ...input, continuationToken: page.NextContinuationToken },
          ctx.signal,
        );
        merged.Contents.push(...page.Contents);
        merged.CommonPrefixes.push(...page.CommonPrefixes);
        if (merged.Contents.length + merged.CommonPrefixes.length > LIST_ALL_LIMIT) {
          throw new ConnectorError(
            s3Code("TooManyKeys"),
            `Bucket ${
              JSON.stringify(args.bucket_name)
            } has more than ${LIST_ALL_LIMIT} keys: page with max_keys and continuation_token instead of all=true`,
          );
        }
      }
      merged.KeyCount = merged.Contents.length + merged.CommonPrefixes.length;
      merged.IsTruncated = false;
      merged.NextContinuationToken = null;
      page = merged;
    }
    return {
      metadata: {
        result: "ok",
        count: String(page.Contents.length),
        is_truncated: String(page.IsTruncated),
        ...(page.NextContinuationToken
          ? { next_continuation_token: page.NextContinuationToken }
          : {}),
      },
      data: goJsonData(goListing(page)),
    };
  },
});

/**
 * The page as the original's ListObjectsV2Output JSON has it: what S3 did not send is null, and
 * an empty list is a nil slice, so null too.
 */
function goListing(page: ObjectPage) {
  return goStruct("ListObjectsV2Output", {
    ...page,
    Contents: page.Contents.length > 0
      ? page.Contents.map((o) =>
        goStruct("Object", { ...o, Owner: o.Owner && goStruct("Owner", o.Owner) })
      )
      : null,
    CommonPrefixes: page.CommonPrefixes.length > 0
      ? page.CommonPrefixes.map((p) => goStruct("CommonPrefix", p))
      : null,
  });
}
