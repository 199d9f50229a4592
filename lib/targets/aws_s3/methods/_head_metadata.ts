/** Turns an object head into response metadata, shared by get_item and head_item. */
import type { ObjectHead } from "../port.ts";

/** Response metadata: content_type, content_length, etag, last_modified, ... and x-amz-meta-*. */
export function headMetadata(head: ObjectHead): Record<string, string> {
  const out: Record<string, string> = {
    result: "ok",
    content_type: head.ContentType,
    content_length: String(head.ContentLength),
    etag: head.ETag,
  };
  if (head.LastModified) out.last_modified = head.LastModified;
  if (head.VersionId) out.version_id = head.VersionId;
  if (head.StorageClass) out.storage_class = head.StorageClass;
  if (head.ContentEncoding) out.content_encoding = head.ContentEncoding;
  if (head.ContentDisposition) out.content_disposition = head.ContentDisposition;
  if (head.CacheControl) out.cache_control = head.CacheControl;
  if (head.ContentRange) out.content_range = head.ContentRange;
  for (const [k, v] of Object.entries(head.Metadata)) out[`x-amz-meta-${k}`] = v;
  return out;
}
