import { bucketName } from "../fields.ts";
import { defineMethod, jsonData } from "../method.ts";

/**
 * The region a LocationConstraint stands for: AWS answers an empty constraint for us-east-1 and
 * the legacy "EU" for eu-west-1. Other stores' values (radosgw: "default") pass through.
 */
export function regionOfLocation(constraint: string): string {
  if (constraint === "") return "us-east-1";
  if (constraint === "EU") return "eu-west-1";
  return constraint;
}

/** get_bucket_location: GetBucketLocation, with the raw constraint and the region it means. */
export const getBucketLocation = defineMethod({
  name: "get_bucket_location",
  description:
    `Get a bucket's location. location_constraint is what S3 answers (AWS: "" for us-east-1; radosgw: its zonegroup, e.g. "default"); region maps "" to us-east-1 and "EU" to eu-west-1.`,
  metadata: { bucket_name: bucketName },
  data: "none",
  example: {
    metadata: { method: "get_bucket_location", bucket_name: "my-bucket" },
    response: { result: "ok", location_constraint: "eu-west-1", region: "eu-west-1" },
    responseData: `{"Bucket":"my-bucket","LocationConstraint":"eu-west-1","Region":"eu-west-1"}`,
  },
  async handle(ctx, args) {
    const out = await ctx.s3.getBucketLocation(args.bucket_name, ctx.signal);
    const region = regionOfLocation(out.LocationConstraint);
    return {
      metadata: { result: "ok", location_constraint: out.LocationConstraint, region },
      data: jsonData({
        Bucket: args.bucket_name,
        LocationConstraint: out.LocationConstraint,
        Region: region,
      }),
    };
  },
});
