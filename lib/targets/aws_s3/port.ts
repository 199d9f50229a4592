/**
 * The S3 operations the methods need, as plain data. `sdk/` implements it with the AWS SDK;
 * unit tests implement it in memory. Field names follow the S3 API (and so the original's JSON).
 */

/** ListBuckets output; absent values are null, as aws-sdk-go v1 leaves them nil. */
export interface BucketList {
  Buckets: { Name: string | null; CreationDate: string | null }[];
  Owner: Owner | null;
}

/** An owner as S3 reports it. */
export interface Owner {
  DisplayName: string | null;
  ID: string | null;
}

/** One object in a listing. */
export interface ObjectEntry {
  Key: string;
  Size: number;
  LastModified: string | null;
  ETag: string;
  StorageClass: string | null;
  /** Sent by S3 only when asked for (FetchOwner) or by stores that always send it. */
  Owner?: Owner | null;
}

/**
 * One page of ListObjectsV2. A value S3 did not send is null (the original's nil pointer), so
 * the page marshals as the original's ListObjectsV2Output.
 */
export interface ObjectPage {
  Name: string | null;
  Prefix: string | null;
  Delimiter: string | null;
  MaxKeys: number | null;
  Contents: ObjectEntry[];
  CommonPrefixes: { Prefix: string | null }[];
  KeyCount: number | null;
  IsTruncated: boolean | null;
  ContinuationToken: string | null;
  NextContinuationToken: string | null;
  StartAfter: string | null;
  EncodingType?: string | null;
}

/** ListObjectsV2 input. */
export interface ListInput {
  bucket: string;
  prefix?: string | undefined;
  delimiter?: string | undefined;
  maxKeys?: number | undefined;
  continuationToken?: string | undefined;
  startAfter?: string | undefined;
}

/** Options of a stored object (headers). */
export interface ObjectOptions {
  contentType?: string | undefined;
  contentEncoding?: string | undefined;
  contentDisposition?: string | undefined;
  cacheControl?: string | undefined;
  metadata?: Record<string, string> | undefined;
  storageClass?: string | undefined;
  tagging?: string | undefined;
  serverSideEncryption?: string | undefined;
  kmsKeyId?: string | undefined;
}

/** PutObject input. */
export interface PutInput extends ObjectOptions {
  bucket: string;
  key: string;
  body: Uint8Array;
  ifNoneMatch?: string | undefined;
}

/** What a stored object reports. */
export interface PutOutput {
  ETag: string;
  VersionId: string | null;
  /** The object's URL, as the original's uploader reports it. */
  Location: string;
  Parts: number;
  /** The multipart upload's id; "" for a single PutObject (as the original's uploader). */
  UploadId?: string;
}

/** Object head fields. */
export interface ObjectHead {
  ContentType: string;
  ContentLength: number;
  ETag: string;
  LastModified: string | null;
  VersionId: string | null;
  StorageClass: string | null;
  ContentEncoding: string | null;
  ContentDisposition: string | null;
  CacheControl: string | null;
  ContentRange: string | null;
  Metadata: Record<string, string>;
}

/** GetObject input. */
export interface GetInput {
  bucket: string;
  key: string;
  range?: string | undefined;
  versionId?: string | undefined;
  ifMatch?: string | undefined;
}

/** A key (and version) to delete. */
export interface DeleteKey {
  Key: string;
  VersionId?: string | undefined;
}

/** DeleteObjects result. */
export interface DeleteBatchResult {
  Deleted: DeleteKey[];
  Errors: { Key: string; VersionId?: string | undefined; Code: string; Message: string }[];
}

/** A version or delete marker in ListObjectVersions. */
export interface VersionPage {
  Versions: DeleteKey[];
  IsTruncated: boolean;
  NextKeyMarker: string;
  NextVersionIdMarker: string;
}

/** CopyObject input. */
export interface CopyInput extends ObjectOptions {
  bucket: string;
  key: string;
  sourceBucket: string;
  sourceKey: string;
  sourceVersionId?: string | undefined;
  metadataDirective?: "COPY" | "REPLACE" | undefined;
}

/** CopyObject output; the optional fields are S3's response headers when it sends them. */
export interface CopyOutput {
  ETag: string;
  LastModified: string | null;
  VersionId: string | null;
  BucketKeyEnabled?: boolean | undefined;
  SSECustomerKeyMD5?: string | undefined;
  CopySourceVersionId?: string | undefined;
  Expiration?: string | undefined;
  RequestCharged?: string | undefined;
  SSECustomerAlgorithm?: string | undefined;
  SSEKMSEncryptionContext?: string | undefined;
  SSEKMSKeyId?: string | undefined;
  ServerSideEncryption?: string | undefined;
}

/** The port. Every call takes an abort signal; failures throw ConnectorError with S3's code. */
export interface S3Port {
  listBuckets(signal: AbortSignal): Promise<BucketList>;
  listObjects(input: ListInput, signal: AbortSignal): Promise<ObjectPage>;
  listObjectVersions(
    bucket: string,
    prefix: string | undefined,
    keyMarker: string | undefined,
    versionIdMarker: string | undefined,
    signal: AbortSignal,
  ): Promise<VersionPage>;
  /** Location is S3's Location header, null when it sends none. */
  createBucket(bucket: string, signal: AbortSignal): Promise<{ Location: string | null }>;
  deleteBucket(bucket: string, signal: AbortSignal): Promise<void>;
  headBucket(bucket: string, signal: AbortSignal): Promise<{ Region: string | null }>;
  getBucketLocation(bucket: string, signal: AbortSignal): Promise<{ LocationConstraint: string }>;
  /** Waits until the bucket exists (or is gone); throws Timeout after `seconds`. */
  waitForBucket(bucket: string, exists: boolean, seconds: number): Promise<void>;
  /** Waits until the object exists (or is gone); throws Timeout after `seconds`. */
  waitForObject(bucket: string, key: string, exists: boolean, seconds: number): Promise<void>;
  putObject(input: PutInput, signal: AbortSignal): Promise<PutOutput>;
  getObject(input: GetInput, signal: AbortSignal): Promise<{ head: ObjectHead; body: Uint8Array }>;
  headObject(input: GetInput, signal: AbortSignal): Promise<ObjectHead>;
  deleteObject(
    bucket: string,
    key: string,
    versionId: string | undefined,
    signal: AbortSignal,
  ): Promise<
    { VersionId: string | null; DeleteMarker: boolean | null; RequestCharged?: string }
  >;
  deleteObjects(bucket: string, keys: DeleteKey[], signal: AbortSignal): Promise<DeleteBatchResult>;
  copyObject(input: CopyInput, signal: AbortSignal): Promise<CopyOutput>;
  presign(
    op: "get" | "put",
    input: { bucket: string; key: string; contentType?: string | undefined },
    expiresSeconds: number,
  ): Promise<string>;
  putObjectTagging(
    bucket: string,
    key: string,
    tags: Record<string, string>,
    signal: AbortSignal,
  ): Promise<void>;
  getObjectTagging(
    bucket: string,
    key: string,
    signal: AbortSignal,
  ): Promise<Record<string, string>>;
  /** Releases sockets. */
  close(): void;
}
