import { defineMethod, jsonData } from "../method.ts";

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
      `{"Buckets":[{"Name":"my-bucket","CreationDate":"2026-11-24T10:00:00.12Z"}],"Owner":{"DisplayName":"Test","ID":"test"}}`,
  },
  async handle(ctx) {
    const out = await ctx.s3.listBuckets(ctx.signal);
    return { metadata: { result: "ok", count: String(out.Buckets.length) }, data: jsonData(out) };
  },
});
