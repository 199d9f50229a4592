/**
 * The methods of the original connector, for the tests that check each of them.
 *
 * @module
 */

/**
 * The nine methods of kubemq-targets `aws.s3`, in its order. Written out, not read from the
 * registry, so that a method dropped from the registry fails the tests that iterate them.
 */
export const ORIGINAL_METHODS = [
  "list_buckets",
  "list_bucket_items",
  "create_bucket",
  "upload_item",
  "get_item",
  "delete_item_from_bucket",
  "delete_all_items_from_bucket",
  "copy_item",
  "delete_bucket",
] as const;
