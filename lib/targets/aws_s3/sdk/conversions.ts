/**
 * Conversions between the port's plain data and the SDK's command inputs and outputs.
 */
import type { GetObjectCommandOutput, HeadObjectCommandOutput } from "@aws-sdk/client-s3";
import type { ObjectHead, ObjectOptions } from "../port.ts";

/** The SDK input fields of an object's options (headers, metadata, tags, encryption). */
export function headerParams(o: ObjectOptions) {
  return {
    ...(o.contentType ? { ContentType: o.contentType } : {}),
    ...(o.contentEncoding ? { ContentEncoding: o.contentEncoding } : {}),
    ...(o.contentDisposition ? { ContentDisposition: o.contentDisposition } : {}),
    ...(o.cacheControl ? { CacheControl: o.cacheControl } : {}),
    ...(o.metadata ? { Metadata: o.metadata } : {}),
    ...(o.storageClass ? { StorageClass: o.storageClass as never } : {}),
    ...(o.tagging ? { Tagging: o.tagging } : {}),
    ...(o.serverSideEncryption ? { ServerSideEncryption: o.serverSideEncryption as never } : {}),
    ...(o.kmsKeyId ? { SSEKMSKeyId: o.kmsKeyId } : {}),
  };
}

/**
 * An ETag in the quoted form HeadObject reports (`"<md5>"`). Some stores (radosgw) send the
 * CopyObjectResult ETag without quotes; callers compare ETags as strings, so one form only.
 */
export function quotedETag(etag: string | undefined): string {
  if (!etag) return "";
  if (etag.startsWith('"') || etag.startsWith("W/")) return etag;
  return `"${etag}"`;
}

/** The object's total size from a `Content-Range: bytes a-b/total` header. */
export function totalFromRange(contentRange: string | undefined): number | undefined {
  const m = contentRange?.match(/\/(\d+)$/);
  return m ? Number(m[1]) : undefined;
}

/** The port's object head from a HeadObject or GetObject output. */
export function toHead(out: HeadObjectCommandOutput | GetObjectCommandOutput): ObjectHead {
  return {
    ContentType: out.ContentType ?? "application/octet-stream",
    ContentLength: out.ContentLength ?? 0,
    ETag: quotedETag(out.ETag),
    LastModified: out.LastModified ? out.LastModified.toISOString() : null,
    VersionId: out.VersionId ?? null,
    StorageClass: out.StorageClass ?? null,
    ContentEncoding: out.ContentEncoding ?? null,
    ContentDisposition: out.ContentDisposition ?? null,
    CacheControl: out.CacheControl ?? null,
    ContentRange: "ContentRange" in out ? out.ContentRange ?? null : null,
    Metadata: out.Metadata ?? {},
  };
}
