/**
 * Where copy_item copies from. Two forms:
 *
 * - `copy_source`, as the original passes it to S3 verbatim: `source-bucket/source-key`, the key
 *   URL-encoded as S3 expects, optionally followed by `?versionId=<id>`. A plain
 *   `source-bucket` means the same item_name in that bucket (the seed documents copy_source as a
 *   bucket name). A leading "/" is ignored.
 * - `copy_source_bucket` + `copy_source_key` (+ `copy_source_version_id`): raw values, never
 *   decoded, so any key works. The key defaults to item_name.
 *
 * The rule for the key part of `copy_source`: when it contains a `%XX` escape (two hex digits),
 * it is URL-encoded and is decoded as S3 decodes it (`+` stays a plus); otherwise it is the raw
 * key, so keys with spaces or unicode written as they are keep working. A trailing
 * `?versionId=<id>` is always the version. A raw key that itself contains `%XX` or
 * `?versionId=` is therefore ambiguous: encode it (`%` as `%25`) or use copy_source_key.
 *
 * @example
 * ```ts
 * resolveCopySource({ copySource: "src/my%20file.txt", itemName: "x" });
 * // { bucket: "src", key: "my file.txt", versionId: undefined }
 * ```
 */
import { ConnectorError, quote } from "../../errors.ts";

/** A resolved copy source: raw bucket, key and version. */
export interface CopySource {
  bucket: string;
  key: string;
  versionId: string | undefined;
}

/** The metadata copy_item reads its source from. */
export interface CopySourceArgs {
  itemName: string;
  copySource?: string | undefined;
  copySourceBucket?: string | undefined;
  copySourceKey?: string | undefined;
  copySourceVersionId?: string | undefined;
}

const ESCAPE = /%[0-9A-Fa-f]{2}/;
const VERSION_SUFFIX = /\?versionId=([^&]*)$/;

function invalid(message: string): ConnectorError {
  return new ConnectorError("InvalidMetadata", message);
}

/** Resolves the source of a copy; throws InvalidMetadata naming the key and value. */
export function resolveCopySource(args: CopySourceArgs): CopySource {
  if (args.copySourceBucket !== undefined) {
    if (args.copySource !== undefined) {
      throw invalid(
        `Invalid metadata "copy_source": give either copy_source or copy_source_bucket, not both (got ${
          quote(args.copySource)
        } and ${quote(args.copySourceBucket)})`,
      );
    }
    return {
      bucket: args.copySourceBucket,
      key: args.copySourceKey ?? args.itemName,
      versionId: args.copySourceVersionId,
    };
  }
  for (
    const [key, value] of [
      ["copy_source_key", args.copySourceKey],
      ["copy_source_version_id", args.copySourceVersionId],
    ] as const
  ) {
    if (value !== undefined) {
      throw invalid(`Invalid metadata "${key}": it needs copy_source_bucket, got ${quote(value)}`);
    }
  }
  if (args.copySource === undefined) {
    throw new ConnectorError(
      "MissingMetadata",
      `Missing metadata "copy_source": required by method "copy_item" (or copy_source_bucket and copy_source_key)`,
    );
  }
  return parseCopySource(args.copySource, args.itemName);
}

/** Parses the original's `copy_source` form (see the module comment for the rule). */
export function parseCopySource(copySource: string, itemName: string): CopySource {
  const source = copySource.startsWith("/") ? copySource.slice(1) : copySource;
  const slash = source.indexOf("/");
  if (slash < 0) {
    const version = VERSION_SUFFIX.exec(source);
    return version
      ? { bucket: source.slice(0, version.index), key: itemName, versionId: decode(version[1]!) }
      : { bucket: source, key: itemName, versionId: undefined };
  }
  const bucket = source.slice(0, slash);
  let rest = source.slice(slash + 1);
  let versionId: string | undefined;
  const version = VERSION_SUFFIX.exec(rest);
  if (version) {
    versionId = decode(version[1]!);
    rest = rest.slice(0, version.index);
  }
  if (rest === "") {
    throw invalid(`Invalid metadata "copy_source": no key after "/" in ${quote(copySource)}`);
  }
  return { bucket, key: ESCAPE.test(rest) ? decodeKey(rest, copySource) : rest, versionId };
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function decodeKey(encoded: string, copySource: string): string {
  try {
    return decodeURIComponent(encoded);
  } catch {
    throw invalid(
      `Invalid metadata "copy_source": the key is not valid URL encoding (its %XX escapes must spell UTF-8), got ${
        quote(copySource)
      }; to give a raw key use copy_source_bucket and copy_source_key`,
    );
  }
}
