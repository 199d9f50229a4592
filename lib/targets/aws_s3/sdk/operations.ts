/**
 * The port's single-call operations, each one SDK command mapped to and from the port's data:
 * buckets, listings, heads, deletes, copies, tags and presigned URLs.
 */
import {
  CopyObjectCommand,
  type CopyObjectCommandOutput,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  type DeleteObjectsCommandOutput,
  GetBucketLocationCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  type HeadObjectCommandOutput,
  ListBucketsCommand,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  ListObjectVersionsCommand,
  type ListObjectVersionsCommandOutput,
  PutObjectCommand,
  PutObjectTaggingCommand,
} from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { goTime } from "../go_json.ts";
import type { S3Port } from "../port.ts";
import type { SdkContext } from "./client.ts";
import { headerParams, quotedETag, toHead } from "./conversions.ts";

/** Every port method but the transfers, the waits and close. */
export type Operations = Omit<
  S3Port,
  "putObject" | "getObject" | "waitForBucket" | "waitForObject" | "close"
>;

/** The port's single-call operations over one SDK context. */
export function operations(ctx: SdkContext): Operations {
  const { client, options, send } = ctx;
  return {
    async listBuckets(signal) {
      const out = await send<
        {
          Buckets?: { Name?: string; CreationDate?: Date }[];
          Owner?: { DisplayName?: string; ID?: string };
        }
      >(new ListBucketsCommand({}), signal, {});
      // As aws-sdk-go v1 reads it: what S3 did not send is nil, so null.
      return {
        Buckets: (out.Buckets ?? []).map((b) => ({
          Name: b.Name ?? null,
          CreationDate: goTime(b.CreationDate),
        })),
        Owner: out.Owner
          ? { DisplayName: out.Owner.DisplayName ?? null, ID: out.Owner.ID ?? null }
          : null,
      };
    },

    async listObjects(input, signal) {
      const out = await send<ListObjectsV2CommandOutput>(
        new ListObjectsV2Command({
          Bucket: input.bucket,
          ...(input.prefix !== undefined ? { Prefix: input.prefix } : {}),
          ...(input.delimiter !== undefined ? { Delimiter: input.delimiter } : {}),
          ...(input.maxKeys !== undefined ? { MaxKeys: input.maxKeys } : {}),
          ...(input.continuationToken !== undefined
            ? { ContinuationToken: input.continuationToken }
            : {}),
          ...(input.startAfter !== undefined ? { StartAfter: input.startAfter } : {}),
        }),
        signal,
        { bucket: input.bucket },
      );
      // Every element S3 did not send is null, as aws-sdk-go v1 leaves it nil.
      return {
        Name: out.Name ?? null,
        Prefix: out.Prefix ?? null,
        Delimiter: out.Delimiter ?? null,
        MaxKeys: out.MaxKeys ?? null,
        Contents: (out.Contents ?? []).map((o) => ({
          Key: o.Key ?? "",
          Size: o.Size ?? 0,
          LastModified: goTime(o.LastModified),
          ETag: quotedETag(o.ETag),
          StorageClass: o.StorageClass ?? null,
          Owner: o.Owner
            ? { DisplayName: o.Owner.DisplayName ?? null, ID: o.Owner.ID ?? null }
            : null,
        })),
        CommonPrefixes: (out.CommonPrefixes ?? []).map((p) => ({ Prefix: p.Prefix ?? null })),
        KeyCount: out.KeyCount ?? null,
        IsTruncated: out.IsTruncated ?? null,
        ContinuationToken: out.ContinuationToken ?? null,
        NextContinuationToken: out.NextContinuationToken ?? null,
        StartAfter: out.StartAfter ?? null,
        EncodingType: out.EncodingType ?? null,
      };
    },

    async listObjectVersions(bucket, prefix, keyMarker, versionIdMarker, signal) {
      const out = await send<ListObjectVersionsCommandOutput>(
        new ListObjectVersionsCommand({
          Bucket: bucket,
          ...(prefix ? { Prefix: prefix } : {}),
          ...(keyMarker ? { KeyMarker: keyMarker } : {}),
          ...(versionIdMarker ? { VersionIdMarker: versionIdMarker } : {}),
        }),
        signal,
        { bucket },
      );
      const versions = [...(out.Versions ?? []), ...(out.DeleteMarkers ?? [])].map((v) => ({
        Key: v.Key ?? "",
        ...(v.VersionId ? { VersionId: v.VersionId } : {}),
      }));
      return {
        Versions: versions,
        IsTruncated: out.IsTruncated ?? false,
        NextKeyMarker: out.NextKeyMarker ?? "",
        NextVersionIdMarker: out.NextVersionIdMarker ?? "",
      };
    },

    async createBucket(bucket, signal) {
      const out = await send<{ Location?: string }>(
        new CreateBucketCommand({
          Bucket: bucket,
          // us-east-1 is the one region that must not be named as a location constraint.
          ...(options.endpoint === undefined && options.region !== "us-east-1"
            ? { CreateBucketConfiguration: { LocationConstraint: options.region as never } }
            : {}),
        }),
        signal,
        { bucket },
      );
      return { Location: out.Location ?? null };
    },

    async deleteBucket(bucket, signal) {
      await send(new DeleteBucketCommand({ Bucket: bucket }), signal, { bucket });
    },

    async headBucket(bucket, signal) {
      const out = await send<{ BucketRegion?: string }>(
        new HeadBucketCommand({ Bucket: bucket }),
        signal,
        { bucket, head: true },
      );
      return { Region: out.BucketRegion ?? null };
    },

    async getBucketLocation(bucket, signal) {
      const out = await send<{ LocationConstraint?: string }>(
        new GetBucketLocationCommand({ Bucket: bucket }),
        signal,
        { bucket },
      );
      return { LocationConstraint: out.LocationConstraint ?? "" };
    },

    async headObject(input, signal) {
      const out = await send<HeadObjectCommandOutput>(
        new HeadObjectCommand({
          Bucket: input.bucket,
          Key: input.key,
          ...(input.versionId ? { VersionId: input.versionId } : {}),
          ...(input.ifMatch ? { IfMatch: input.ifMatch } : {}),
        }),
        signal,
        { bucket: input.bucket, key: input.key, head: true },
      );
      return toHead(out);
    },

    async deleteObject(bucket, key, versionId, signal) {
      const out = await send<
        { VersionId?: string; DeleteMarker?: boolean; RequestCharged?: string }
      >(
        new DeleteObjectCommand({
          Bucket: bucket,
          Key: key,
          ...(versionId ? { VersionId: versionId } : {}),
        }),
        signal,
        { bucket, key },
      );
      return {
        VersionId: out.VersionId ?? null,
        DeleteMarker: out.DeleteMarker ?? null,
        ...(out.RequestCharged ? { RequestCharged: out.RequestCharged } : {}),
      };
    },

    async deleteObjects(bucket, keys, signal) {
      const out = await send<DeleteObjectsCommandOutput>(
        new DeleteObjectsCommand({
          Bucket: bucket,
          Delete: {
            Objects: keys.map((k) => ({
              Key: k.Key,
              ...(k.VersionId ? { VersionId: k.VersionId } : {}),
            })),
            Quiet: false,
          },
        }),
        signal,
        { bucket },
      );
      return {
        Deleted: (out.Deleted ?? []).map((d) => ({
          Key: d.Key ?? "",
          ...(d.VersionId ? { VersionId: d.VersionId } : {}),
        })),
        Errors: (out.Errors ?? []).map((e) => ({
          Key: e.Key ?? "",
          ...(e.VersionId ? { VersionId: e.VersionId } : {}),
          Code: e.Code ?? "Unknown",
          Message: e.Message ?? "",
        })),
      };
    },

    async copyObject(input, signal) {
      const out = await send<CopyObjectCommandOutput>(
        new CopyObjectCommand({
          Bucket: input.bucket,
          Key: input.key,
          // S3 wants the source URL-encoded, with "/" between bucket and key kept literal.
          CopySource: `${encodeURIComponent(input.sourceBucket)}/${
            input.sourceKey.split("/").map(encodeURIComponent).join("/")
          }${
            input.sourceVersionId ? `?versionId=${encodeURIComponent(input.sourceVersionId)}` : ""
          }`,
          ...(input.metadataDirective ? { MetadataDirective: input.metadataDirective } : {}),
          ...headerParams(input),
        }),
        signal,
        { bucket: input.bucket, key: input.key, sourceBucket: input.sourceBucket },
      );
      return {
        ETag: quotedETag(out.CopyObjectResult?.ETag),
        LastModified: goTime(out.CopyObjectResult?.LastModified),
        VersionId: out.VersionId ?? null,
        BucketKeyEnabled: out.BucketKeyEnabled,
        SSECustomerKeyMD5: out.SSECustomerKeyMD5,
        CopySourceVersionId: out.CopySourceVersionId,
        Expiration: out.Expiration,
        RequestCharged: out.RequestCharged,
        SSECustomerAlgorithm: out.SSECustomerAlgorithm,
        SSEKMSEncryptionContext: out.SSEKMSEncryptionContext,
        SSEKMSKeyId: out.SSEKMSKeyId,
        ServerSideEncryption: out.ServerSideEncryption,
      };
    },

    async presign(op, input, expiresSeconds) {
      const command = op === "get"
        ? new GetObjectCommand({ Bucket: input.bucket, Key: input.key })
        : new PutObjectCommand({
          Bucket: input.bucket,
          Key: input.key,
          ...(input.contentType ? { ContentType: input.contentType } : {}),
        });
      // The presigner leaves Content-Type unsigned by default, so a PUT URL would accept any
      // type: sign it when one is asked for, so the upload must send exactly that.
      return await getSignedUrl(client, command, {
        expiresIn: expiresSeconds,
        ...(op === "put" && input.contentType
          ? { signableHeaders: new Set(["content-type"]) }
          : {}),
      });
    },

    async putObjectTagging(bucket, key, tags, signal) {
      await send(
        new PutObjectTaggingCommand({
          Bucket: bucket,
          Key: key,
          Tagging: { TagSet: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) },
        }),
        signal,
        { bucket, key },
      );
    },

    async getObjectTagging(bucket, key, signal) {
      const out = await send<{ TagSet?: { Key?: string; Value?: string }[] }>(
        new GetObjectTaggingCommand({ Bucket: bucket, Key: key }),
        signal,
        { bucket, key },
      );
      return Object.fromEntries((out.TagSet ?? []).map((t) => [t.Key ?? "", t.Value ?? ""]));
    },
  };
}
