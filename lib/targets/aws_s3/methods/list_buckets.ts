import { goJsonData, goStruct } from "../go_json.ts";
import { defineMethod } from "../method.ts";

/** list_buckets: every bucket the credentials can see. */
export const listBuckets = defineMethod({
  name: "list_buckets",
  description: "List all buckets.",
  metadata: {},
  data: "none",
  example: {
    metadata: { method: "list_buckets" },
    response: { result: "ok", count: "1" },
    responseData:
      `{"Buckets":[{"CreationDate":"2026-11-24T10:00:00.12Z","Name":"my-bucket"}],"Owner":{"DisplayName":"Test","ID":"test"}}`,
  },
  async handle(ctx) {
    const out = await ctx.s3.listBuckets(ctx.signal);
    // The original's ListBucketsOutput: no buckets is a nil slice, so null.
    const data = goStruct("ListBucketsOutput", {
      Buckets: out.Buckets.length > 0 ? out.Buckets.map((b) => goStruct("Bucket", b)) : null,
      Owner: out.Owner && goStruct("Owner", out.Owner),
    });
    return {
      metadata: { result: "ok", count: String(out.Buckets.length) },
      data: goJsonData(data),
    };
  },
});
