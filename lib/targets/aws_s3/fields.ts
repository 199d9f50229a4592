/** Metadata fields shared by several S3 methods, declared once. */
import { bool, Expected, int, oneOf, rawText, stringMap, text } from "../../schema.ts";

/**
 * A bucket name: passed to S3 as given, except what would change the request path ("/", and
 * "." or ".." which a path-style URL resolves to the service root, so list_bucket_items would
 * list the account's buckets as if they were items) or break the request (control characters).
 */
export const bucketName = {
  ...text({ description: "Bucket name.", required: true }),
  parse(raw: string): string {
    if (raw.includes("/")) throw new Expected(`a bucket name without "/"`);
    if (raw === "." || raw === "..") throw new Expected(`a bucket name other than "." or ".."`);
    // deno-lint-ignore no-control-regex
    if (/[\u0000-\u001f\u007f]/.test(raw)) {
      throw new Expected("a bucket name without control characters");
    }
    return raw;
  },
};

/** An object key: any non-blank string of at most 1024 UTF-8 bytes, as S3 allows. */
export const itemName = {
  ...text({ description: "Object key (any string of at most 1024 UTF-8 bytes).", required: true }),
  parse(raw: string): string {
    if (new TextEncoder().encode(raw).length > 1024) {
      throw new Expected("a key of at most 1024 UTF-8 bytes");
    }
    return raw;
  },
};

/** wait_for_completion: wait with the SDK waiters until S3 shows the change. */
export const waitForCompletion = bool({
  description: "Wait until S3 shows the change before answering (bounded by wait_timeout_seconds).",
  default: "false",
});

/** Object headers and options accepted by upload and copy. */
export const objectOptionFields = {
  content_type: text({
    description: "Content-Type. Upload default: guessed from the key's extension.",
  }),
  content_encoding: text({ description: "Content-Encoding header." }),
  content_disposition: text({ description: "Content-Disposition header." }),
  cache_control: text({ description: "Cache-Control header." }),
  metadata: stringMap({ description: "User metadata, a JSON object of strings (x-amz-meta-*)." }),
  storage_class: text({ description: "Storage class, e.g. STANDARD, STANDARD_IA, GLACIER." }),
  tagging: text({ description: "Tags as a URL query string, e.g. a=1&b=2." }),
  server_side_encryption: oneOf(["AES256", "aws:kms"] as const, {
    description: "Server-side encryption.",
  }),
  kms_key_id: text({ description: "KMS key id, with server_side_encryption aws:kms." }),
} as const;

/** A prefix filter; the empty string is a real (match-all) prefix. */
export const prefixField = rawText({ description: "Only keys that start with this prefix." });

/** Page size. */
export const maxKeysField = int({
  description: "Keys per page, 1..1000.",
  min: 1,
  max: 1000,
});
