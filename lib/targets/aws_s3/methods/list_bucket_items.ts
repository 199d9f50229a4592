import { bool, rawText, text } from "../../../schema.ts";
import { ConnectorError } from "../../../errors.ts";
import { s3Code } from "../error_codes.ts";
import { bucketName, maxKeysField, prefixField } from "../fields.ts";
import { defineMethod, jsonData } from "../method.ts";
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
      `{"Name":"my-bucket","Prefix":"reports/","Delimiter":null,"MaxKeys":1000,"Contents":[{"Key":"reports/a.csv","Size":12,"LastModified":"2026-11-24T10:00:00.12Z","ETag":"\\"5d41402abc4b2a76b9719d911017c592\\"","StorageClass":"STANDARD","Owner":null}],"CommonPrefixes":[],"KeyCount":1,"IsTruncated":false,"ContinuationToken":null,"NextContinuationToken":null,"StartAfter":null,"EncodingType":null}`,
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
      merged.NextContinuationToken = "";
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
      data: jsonData(goListing(page)),
    };
  },
});

/**
 * The page as the original's ListObjectsV2Output JSON has it: elements S3 leaves out when they
 * do not apply (no delimiter, no token, no start key) are nil pointers there, so null; also
 * EncodingType, and each object's Owner, which S3 sends only when asked (FetchOwner).
 */
function goListing(page: ObjectPage) {
  const absentIfEmpty = (v: string) => (v === "" ? null : v);
  return {
    ...page,
    Delimiter: absentIfEmpty(page.Delimiter),
    ContinuationToken: absentIfEmpty(page.ContinuationToken),
    NextContinuationToken: absentIfEmpty(page.NextContinuationToken),
    StartAfter: absentIfEmpty(page.StartAfter),
    Contents: page.Contents.map((o) => ({ ...o, Owner: null })),
    EncodingType: null,
  };
}
