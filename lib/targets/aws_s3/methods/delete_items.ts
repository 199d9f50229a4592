import { ConnectorError, passThroughCode } from "../../../errors.ts";
import { bucketName } from "../fields.ts";
import { defineMethod, jsonData } from "../method.ts";
import type { DeleteBatchResult, DeleteKey } from "../port.ts";

/** S3's DeleteObjects limit per call. */
export const DELETE_BATCH_SIZE = 1000;

/** Keys one request may name, so a response stays far below KubeMQ's message limit. */
export const DELETE_ITEMS_LIMIT = 100_000;

/** How many failed keys the error message names. */
const NAMED_FAILURES = 20;

const invalid = (detail: string) =>
  new ConnectorError(
    "InvalidData",
    `Invalid data for method "delete_items": ${detail}; expected a JSON array of keys, e.g. ["a.txt","dir/b.txt"] (or {"Key":"a.txt","VersionId":"..."} entries)`,
  );

/**
 * Parses the request data: a non-empty JSON array of keys, each a string or
 * `{"Key": string, "VersionId"?: string}`, every key 1..1024 UTF-8 bytes.
 */
export function parseKeyList(data: Uint8Array | null): DeleteKey[] {
  if (data === null || data.length === 0) throw invalid("no data");
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(data));
  } catch {
    throw invalid("not JSON");
  }
  if (!Array.isArray(value)) throw invalid("not an array");
  if (value.length === 0) throw invalid("an empty array");
  if (value.length > DELETE_ITEMS_LIMIT) {
    throw invalid(`${value.length} keys, more than the ${DELETE_ITEMS_LIMIT} one request may name`);
  }
  const encoder = new TextEncoder();
  return value.map((entry: unknown, i): DeleteKey => {
    let key: unknown = entry;
    let versionId: unknown;
    if (typeof entry === "object" && entry !== null && !Array.isArray(entry)) {
      key = (entry as Record<string, unknown>).Key;
      versionId = (entry as Record<string, unknown>).VersionId;
    }
    if (typeof key !== "string" || key === "" || encoder.encode(key).length > 1024) {
      throw invalid(`entry ${i} is not a key of 1 to 1024 UTF-8 bytes`);
    }
    if (versionId !== undefined && (typeof versionId !== "string" || versionId === "")) {
      throw invalid(`entry ${i} has a VersionId that is not a non-empty string`);
    }
    return versionId === undefined ? { Key: key } : { Key: key, VersionId: versionId };
  });
}

/** delete_items: DeleteObjects over the listed keys, 1000 per S3 call. */
export const deleteItems = defineMethod({
  name: "delete_items",
  description:
    `Delete the items listed in the data, with one DeleteObjects call per ${DELETE_BATCH_SIZE} keys (at most ${DELETE_ITEMS_LIMIT} keys per request). Missing keys count as deleted, as in S3. The response lists every deleted key; if any key fails, the request is an error naming the failed keys with S3's code for each (the others are deleted).`,
  metadata: { bucket_name: bucketName },
  data: "required",
  dataDescription:
    `A JSON array of keys: ["a.txt","dir/b.txt"]; an entry may be {"Key":"a.txt","VersionId":"..."} to delete one version.`,
  example: {
    metadata: { method: "delete_items", bucket_name: "my-bucket" },
    data: `["reports/a.csv","reports/b.csv"]`,
    response: { result: "ok", deleted: "2", failed: "0" },
    responseData:
      `{"Bucket":"my-bucket","Deleted":[{"Key":"reports/a.csv"},{"Key":"reports/b.csv"}],"Errors":[]}`,
  },
  async handle(ctx, args, data) {
    const keys = parseKeyList(data);
    const all: DeleteBatchResult = { Deleted: [], Errors: [] };
    for (let i = 0; i < keys.length; i += DELETE_BATCH_SIZE) {
      const out = await ctx.s3.deleteObjects(
        args.bucket_name,
        keys.slice(i, i + DELETE_BATCH_SIZE),
        ctx.signal,
      );
      all.Deleted.push(...out.Deleted);
      all.Errors.push(...out.Errors);
    }
    if (all.Errors.length > 0) {
      const named = all.Errors.slice(0, NAMED_FAILURES).map((e) =>
        `${JSON.stringify(e.Key)}${
          e.VersionId ? ` version ${JSON.stringify(e.VersionId)}` : ""
        } (${e.Code}: ${e.Message})`
      );
      const more = all.Errors.length - named.length;
      throw new ConnectorError(
        passThroughCode(all.Errors[0]!.Code),
        `${all.Errors.length} of ${keys.length} item(s) of bucket ${
          JSON.stringify(args.bucket_name)
        } could not be deleted (${all.Deleted.length} deleted): ${named.join(", ")}${
          more > 0 ? `, and ${more} more` : ""
        }`,
      );
    }
    return {
      metadata: { result: "ok", deleted: String(all.Deleted.length), failed: "0" },
      data: jsonData({ Bucket: args.bucket_name, Deleted: all.Deleted, Errors: [] }),
    };
  },
});
