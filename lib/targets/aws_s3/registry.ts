/**
 * The one list of S3 methods. Dispatch, validation, the "valid methods" error and the method
 * reference (docs/methods.md, README's index) all come from it.
 *
 * @example Look a method up and parse a request's metadata with its schema
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseFields } from "../../schema.ts";
 * import { methodNames, methodsByName } from "./registry.ts";
 *
 * const method = methodsByName.get("get_item")!;
 * const args = parseFields(method.metadata, { bucket_name: "b", item_name: "k" });
 * assert.equal(args["item_name"], "k");
 * assert.ok(methodNames.includes("upload_item"));
 * ```
 *
 * @module
 */
import type { Method } from "./method.ts";
import { copyItem } from "./methods/copy_item.ts";
import { createBucket } from "./methods/create_bucket.ts";
import { deleteAllItemsFromBucket } from "./methods/delete_all_items_from_bucket.ts";
import { deleteBucket } from "./methods/delete_bucket.ts";
import { deleteItemFromBucket } from "./methods/delete_item_from_bucket.ts";
import { deleteItems } from "./methods/delete_items.ts";
import { getBucketLocation } from "./methods/get_bucket_location.ts";
import { getItem } from "./methods/get_item.ts";
import { getItemTagging } from "./methods/get_item_tagging.ts";
import { headBucket } from "./methods/head_bucket.ts";
import { headItem } from "./methods/head_item.ts";
import { listBucketItems } from "./methods/list_bucket_items.ts";
import { listBuckets } from "./methods/list_buckets.ts";
import { presignGetItem } from "./methods/presign_get_item.ts";
import { presignPutItem } from "./methods/presign_put_item.ts";
import { putItemTagging } from "./methods/put_item_tagging.ts";
import { uploadItem } from "./methods/upload_item.ts";

/** Every method, in documentation order. */
export const methods: readonly Method[] = [
  listBuckets,
  listBucketItems,
  createBucket,
  uploadItem,
  getItem,
  deleteItemFromBucket,
  deleteAllItemsFromBucket,
  copyItem,
  deleteBucket,
  // Beyond the original's nine: what users of Dapr's and Camel's S3 connectors rely on.
  headItem,
  headBucket,
  getBucketLocation,
  presignGetItem,
  presignPutItem,
  deleteItems,
  putItemTagging,
  getItemTagging,
];

/** Builds the name index; a duplicate name is a programming error caught at load. */
export function indexMethods(list: readonly Method[]): ReadonlyMap<string, Method> {
  const map = new Map<string, Method>();
  for (const m of list) {
    if (map.has(m.name)) throw new Error(`Duplicate S3 method name "${m.name}"`);
    map.set(m.name, m);
  }
  return map;
}

/**
 * Methods by name.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(methodsByName.get("list_buckets")?.data, "none");
 * ```
 */
export const methodsByName: ReadonlyMap<string, Method> = indexMethods(methods);

/** Method names, sorted, for error messages. */
export const methodNames: readonly string[] = [...methodsByName.keys()].sort();
