/**
 * The S3 port implemented with the AWS SDK v3. This is the only file that imports `@aws-sdk/*`.
 */
import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketLocationCommand,
  GetObjectCommand,
  type GetObjectCommandOutput,
  GetObjectTaggingCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  type HeadObjectCommandOutput,
  ListBucketsCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutObjectCommand,
  type PutObjectCommandInput,
  PutObjectTaggingCommand,
  S3Client,
  type S3ClientConfig,
  S3ServiceException,
  waitUntilBucketExists,
  waitUntilBucketNotExists,
  waitUntilObjectExists,
  waitUntilObjectNotExists,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { Agent as HttpsAgent } from "node:https";
import { Agent as HttpAgent } from "node:http";
import { ConnectorError } from "../../errors.ts";
import { checksumMode, pathStyle, type S3TargetOptions } from "./options.ts";
import type { CopyInput, DeleteBatchResult, GetInput, ObjectHead, S3Port } from "./port.ts";

const MiB = 1024 * 1024;

/** Progress of a long transfer, reported to the caller's logger. */
export type ProgressListener = (done: number, total: number) => void;

/** Creates the SDK-backed port from parsed target options. */
export function createS3Adapter(
  options: S3TargetOptions,
  onProgress?: (key: string, done: number, total: number) => void,
): S3Port {
  const checksum = checksumMode(options) === "when_required" ? "WHEN_REQUIRED" : "WHEN_SUPPORTED";
  const agentOptions = { keepAlive: true, maxSockets: 256 };
  const config: S3ClientConfig = {
    region: options.region,
    forcePathStyle: pathStyle(options),
    requestChecksumCalculation: checksum,
    responseChecksumValidation: checksum,
    requestHandler: {
      ...(options.request_timeout_seconds > 0
        ? { requestTimeout: options.request_timeout_seconds * 1000 }
        : {}),
      connectionTimeout: 10_000,
      httpAgent: new HttpAgent(agentOptions),
      httpsAgent: new HttpsAgent({
        ...agentOptions,
        rejectUnauthorized: !options.insecure_skip_verify,
      }),
    },
  };
  if (options.endpoint) config.endpoint = options.endpoint.href.replace(/\/$/, "");
  if (options.aws_key && options.aws_secret_key) {
    config.credentials = {
      accessKeyId: options.aws_key,
      secretAccessKey: options.aws_secret_key,
      ...(options.token ? { sessionToken: options.token } : {}),
    };
  }
  const client = new S3Client(config);
  // The SDK rebuilds its User-Agent (an os.release() call, escaping) on every request, ~1 % of
  // the connector's CPU per small request in a profile; it never changes, so build it once.
  const userAgent = client.config.defaultUserAgentProvider;
  let cachedUserAgent: ReturnType<typeof userAgent> | undefined;
  client.config.defaultUserAgentProvider = () =>
    cachedUserAgent ??= userAgent().catch((err: unknown) => {
      cachedUserAgent = undefined;
      throw err;
    });
  const partSize = options.part_size_mb * MiB;
  const queueSize = options.part_concurrency;

  const send = <T>(
    command: object,
    signal: AbortSignal,
    context: ErrorContext,
  ): Promise<T> =>
    // The SDK's per-command generics do not survive a shared helper; outputs are typed at call.
    (client.send(command as never, { abortSignal: signal }) as Promise<T>).catch((err: unknown) => {
      throw mapS3Error(err, context, signal);
    });

  /**
   * Reads a GetObject body into one buffer of its Content-Length: `into` when given (a part's
   * place in the whole object, so ranged parts need no buffers of their own), else a new one.
   */
  async function readBody(
    out: GetObjectCommandOutput,
    signal: AbortSignal,
    into?: Uint8Array,
  ): Promise<Uint8Array> {
    const body = out.Body as AsyncIterable<Uint8Array> | undefined;
    if (!body) return new Uint8Array(0);
    const expected = out.ContentLength;
    if (expected !== undefined && into !== undefined && expected !== into.length) {
      throw new ConnectorError(
        "IncompleteBody",
        `S3 returned ${expected} bytes for a range of ${into.length}`,
        { retryable: true },
      );
    }
    if (expected !== undefined) {
      // One preallocated buffer: no chunk list, no final concatenation copy.
      const buf = into ?? new Uint8Array(expected);
      let at = 0;
      for await (const chunk of body) {
        if (signal.aborted) throw signal.reason;
        if (at + chunk.length > expected) {
          throw new ConnectorError("Internal", "S3 sent more bytes than its Content-Length");
        }
        buf.set(chunk, at);
        at += chunk.length;
      }
      if (at !== expected) {
        throw new ConnectorError(
          "IncompleteBody",
          `S3 body ended after ${at} of ${expected} bytes`,
          { retryable: true },
        );
      }
      return buf;
    }
    const chunks: Uint8Array[] = [];
    let total = 0;
    for await (const chunk of body) {
      chunks.push(chunk);
      total += chunk.length;
    }
    if (into !== undefined && total !== into.length) {
      throw new ConnectorError(
        "IncompleteBody",
        `S3 returned ${total} bytes for a range of ${into.length}`,
        { retryable: true },
      );
    }
    const buf = into ?? new Uint8Array(total);
    let at = 0;
    for (const c of chunks) {
      buf.set(c, at);
      at += c.length;
    }
    return buf;
  }

  const getCommand = (input: GetInput, range?: string, ifMatch?: string) =>
    new GetObjectCommand({
      Bucket: input.bucket,
      Key: input.key,
      ...(range ? { Range: range } : {}),
      ...(input.versionId ? { VersionId: input.versionId } : {}),
      ...(ifMatch ? { IfMatch: ifMatch } : {}),
    });

  return {
    async listBuckets(signal) {
      const out = await send<
        {
          Buckets?: { Name?: string; CreationDate?: Date }[];
          Owner?: { DisplayName?: string; ID?: string };
        }
      >(new ListBucketsCommand({}), signal, {});
      return {
        Buckets: (out.Buckets ?? []).map((b) => ({
          Name: b.Name ?? "",
          CreationDate: b.CreationDate ? b.CreationDate.toISOString() : null,
        })),
        Owner: out.Owner
          ? {
            ...(out.Owner.DisplayName !== undefined ? { DisplayName: out.Owner.DisplayName } : {}),
            ...(out.Owner.ID !== undefined ? { ID: out.Owner.ID } : {}),
          }
          : null,
      };
    },

    async listObjects(input, signal) {
      const out = await send<import("@aws-sdk/client-s3").ListObjectsV2CommandOutput>(
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
      return {
        Name: out.Name ?? input.bucket,
        Prefix: out.Prefix ?? "",
        Delimiter: out.Delimiter ?? "",
        MaxKeys: out.MaxKeys ?? 1000,
        Contents: (out.Contents ?? []).map((o) => ({
          Key: o.Key ?? "",
          Size: o.Size ?? 0,
          LastModified: o.LastModified ? o.LastModified.toISOString() : null,
          ETag: quotedETag(o.ETag),
          StorageClass: o.StorageClass ?? "STANDARD",
        })),
        CommonPrefixes: (out.CommonPrefixes ?? []).map((p) => ({ Prefix: p.Prefix ?? "" })),
        KeyCount: out.KeyCount ?? (out.Contents?.length ?? 0),
        IsTruncated: out.IsTruncated ?? false,
        ContinuationToken: out.ContinuationToken ?? "",
        NextContinuationToken: out.NextContinuationToken ?? "",
        StartAfter: out.StartAfter ?? "",
      };
    },

    async listObjectVersions(bucket, prefix, keyMarker, versionIdMarker, signal) {
      const out = await send<import("@aws-sdk/client-s3").ListObjectVersionsCommandOutput>(
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
      return { Location: out.Location ?? `/${bucket}` };
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

    async waitForBucket(bucket, exists, seconds) {
      const waiter = exists ? waitUntilBucketExists : waitUntilBucketNotExists;
      await waitFor(
        () =>
          waiter({ client, maxWaitTime: seconds, minDelay: 1, maxDelay: 2 }, { Bucket: bucket }),
        `bucket ${JSON.stringify(bucket)} to ${exists ? "exist" : "be deleted"}`,
        seconds,
      );
    },

    async waitForObject(bucket, key, exists, seconds) {
      const waiter = exists ? waitUntilObjectExists : waitUntilObjectNotExists;
      await waitFor(
        () =>
          waiter({ client, maxWaitTime: seconds, minDelay: 1, maxDelay: 2 }, {
            Bucket: bucket,
            Key: key,
          }),
        `item ${JSON.stringify(key)} in bucket ${JSON.stringify(bucket)} to ${
          exists ? "exist" : "be deleted"
        }`,
        seconds,
      );
    },

    async putObject(input, signal) {
      const params: PutObjectCommandInput = {
        Bucket: input.bucket,
        Key: input.key,
        Body: input.body,
        ContentLength: input.body.length,
        ...headerParams(input),
        ...(input.ifNoneMatch ? { IfNoneMatch: input.ifNoneMatch } : {}),
      };
      const context = { bucket: input.bucket, key: input.key };
      if (!options.uploader || input.body.length <= partSize || input.ifNoneMatch) {
        // A single PutObject: one round trip, and the only form If-None-Match applies to.
        const out = await send<{ ETag?: string; VersionId?: string }>(
          new PutObjectCommand(params),
          signal,
          context,
        );
        return {
          ETag: quotedETag(out.ETag),
          VersionId: out.VersionId ?? null,
          Location: objectLocation(input.bucket, input.key),
          Parts: 1,
        };
      }
      const { ContentLength: _omit, ...uploadParams } = params;
      const upload = new Upload({
        client,
        params: uploadParams,
        partSize,
        queueSize,
        leavePartsOnError: false,
      });
      upload.on("httpUploadProgress", (p) => {
        if (onProgress && p.loaded !== undefined) {
          onProgress(input.key, p.loaded, p.total ?? input.body.length);
        }
      });
      const abort = () => void upload.abort().catch(() => {});
      signal.addEventListener("abort", abort, { once: true });
      try {
        const out = await upload.done().catch((err: unknown) => {
          throw mapS3Error(err, context, signal);
        }) as { VersionId?: string; ETag?: string };
        // Some stores (radosgw) answer CompleteMultipartUpload with an empty ETag: HeadObject
        // reports the real "<md5>-<parts>" one, which is what callers compare against.
        const head = await send<HeadObjectCommandOutput>(
          new HeadObjectCommand({
            Bucket: input.bucket,
            Key: input.key,
            ...(out.VersionId ? { VersionId: out.VersionId } : {}),
          }),
          signal,
          { ...context, head: true },
        );
        return {
          ETag: quotedETag(head.ETag || out.ETag),
          VersionId: out.VersionId ?? head.VersionId ?? null,
          Location: objectLocation(input.bucket, input.key),
          Parts: Math.ceil(input.body.length / partSize),
        };
      } finally {
        signal.removeEventListener("abort", abort);
      }
    },

    async getObject(input, signal) {
      const context = { bucket: input.bucket, key: input.key };
      if (!options.downloader || input.range) {
        const out = await send<GetObjectCommandOutput>(
          getCommand(input, input.range, input.ifMatch),
          signal,
          context,
        );
        return { head: toHead(out), body: await readBody(out, signal) };
      }
      // First part tells the total size; the rest are fetched in parallel into one buffer,
      // pinned to the first part's ETag so a concurrent overwrite cannot mix two versions.
      const first = await send<GetObjectCommandOutput>(
        getCommand(input, `bytes=0-${partSize - 1}`, input.ifMatch),
        signal,
        context,
      ).catch((err: unknown) => {
        // An empty object has no byte 0: S3 answers 416 InvalidRange. Fetch it whole.
        if (err instanceof ConnectorError && err.code === "InvalidRange") return null;
        throw err;
      });
      if (first === null) {
        const out = await send<GetObjectCommandOutput>(
          getCommand(input, undefined, input.ifMatch),
          signal,
          context,
        );
        return { head: toHead(out), body: await readBody(out, signal) };
      }
      const total = totalFromRange(first.ContentRange) ?? first.ContentLength ?? 0;
      const head = toHead(first);
      head.ContentLength = total;
      head.ContentRange = null;
      const firstLength = first.ContentLength;
      if (firstLength === undefined || total <= firstLength) {
        return { head, body: await readBody(first, signal) };
      }
      // Every part is read straight into its place in the one buffer of the whole object.
      const body = new Uint8Array(total);
      await readBody(first, signal, body.subarray(0, firstLength));
      const ranges: [number, number][] = [];
      for (let start = firstLength; start < total; start += partSize) {
        ranges.push([start, Math.min(start + partSize, total) - 1]);
      }
      let done = firstLength;
      let next = 0;
      const worker = async () => {
        while (next < ranges.length) {
          const [start, end] = ranges[next++]!;
          const out = await send<GetObjectCommandOutput>(
            getCommand(input, `bytes=${start}-${end}`, head.ETag || input.ifMatch),
            signal,
            context,
          );
          if (out.ContentLength !== undefined && out.ContentLength !== end - start + 1) {
            throw new ConnectorError(
              "IncompleteBody",
              `S3 returned a short range ${start}-${end}`,
              {
                retryable: true,
              },
            );
          }
          const part = await readBody(out, signal, body.subarray(start, end + 1));
          done += part.length;
          onProgress?.(input.key, done, total);
        }
      };
      await Promise.all(Array.from({ length: Math.min(queueSize, ranges.length) }, worker));
      return { head, body };
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
      const out = await send<{ VersionId?: string; DeleteMarker?: boolean }>(
        new DeleteObjectCommand({
          Bucket: bucket,
          Key: key,
          ...(versionId ? { VersionId: versionId } : {}),
        }),
        signal,
        { bucket, key },
      );
      return { VersionId: out.VersionId ?? null, DeleteMarker: out.DeleteMarker ?? false };
    },

    async deleteObjects(bucket, keys, signal): Promise<DeleteBatchResult> {
      const out = await send<import("@aws-sdk/client-s3").DeleteObjectsCommandOutput>(
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

    async copyObject(input: CopyInput, signal) {
      const out = await send<import("@aws-sdk/client-s3").CopyObjectCommandOutput>(
        new CopyObjectCommand({
          Bucket: input.bucket,
          Key: input.key,
          // S3 wants the source URL-encoded, with "/" between bucket and key kept literal.
          CopySource: `${encodeURIComponent(input.sourceBucket)}/${
            input.sourceKey.split("/").map(encodeURIComponent).join("/")
          }`,
          ...(input.metadataDirective ? { MetadataDirective: input.metadataDirective } : {}),
          ...headerParams(input),
        }),
        signal,
        { bucket: input.bucket, key: input.key, sourceBucket: input.sourceBucket },
      );
      return {
        ETag: quotedETag(out.CopyObjectResult?.ETag),
        LastModified: out.CopyObjectResult?.LastModified?.toISOString() ?? null,
        VersionId: out.VersionId ?? null,
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

    close() {
      client.destroy();
    },
  };
}

function headerParams(o: import("./port.ts").ObjectOptions) {
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

function objectLocation(bucket: string, key: string): string {
  return `/${bucket}/${key}`;
}

function totalFromRange(contentRange: string | undefined): number | undefined {
  const m = contentRange?.match(/\/(\d+)$/);
  return m ? Number(m[1]) : undefined;
}

function toHead(out: HeadObjectCommandOutput | GetObjectCommandOutput): ObjectHead {
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

async function waitFor(run: () => Promise<{ state: string }>, what: string, seconds: number) {
  let result: { state: string; reason?: unknown };
  try {
    result = await run();
  } catch (err) {
    const state = (err as { state?: string }).state ?? (err as Error).name;
    if (state === "TIMEOUT" || state === "TimeoutError") {
      throw new ConnectorError("Timeout", `Timeout: waited ${seconds}s for ${what}`, {
        retryable: true,
      });
    }
    throw mapS3Error(err, {}, undefined);
  }
  if (result.state !== "SUCCESS") {
    throw new ConnectorError(
      "Timeout",
      `Timeout: waited ${seconds}s for ${what} (${result.state})`,
      {
        retryable: true,
      },
    );
  }
}

interface ErrorContext {
  bucket?: string;
  key?: string;
  sourceBucket?: string;
  /** HEAD responses have no body, so a 404 has no code: name it from context. */
  head?: boolean;
}

const transientCodes = new Set([
  "SlowDown",
  "Throttling",
  "ThrottlingException",
  "RequestTimeout",
  "RequestTimeTooSkewed",
  "InternalError",
  "ServiceUnavailable",
  "IncompleteBody",
]);

const networkCodes = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EAI_AGAIN",
  "ENOTFOUND",
  "EHOSTUNREACH",
  "ENETUNREACH",
]);

/** Maps an SDK or network failure to a ConnectorError with S3's code and HTTP status. */
export function mapS3Error(
  err: unknown,
  context: ErrorContext,
  signal: AbortSignal | undefined,
): ConnectorError {
  if (err instanceof ConnectorError) return err;
  const e = err as Error & {
    $metadata?: { httpStatusCode?: number };
    Code?: string;
    code?: string;
    $retryable?: unknown;
    $fault?: string;
  };
  if (signal?.aborted || e?.name === "AbortError") {
    const reason = signal?.reason;
    if (reason instanceof ConnectorError) return reason;
    return new ConnectorError("Timeout", "Timeout: the S3 call was aborted before it finished", {
      retryable: true,
      cause: err,
    });
  }
  const status = e?.$metadata?.httpStatusCode;
  if (err instanceof S3ServiceException || status !== undefined) {
    let code = e.Code ?? e.name ?? "Unknown";
    let message = e.message && e.message !== "UnknownError" ? e.message : "";
    if (status === 404 && (code === "NotFound" || code === "Unknown" || code === "UnknownError")) {
      code = context.key !== undefined ? "NoSuchKey" : "NoSuchBucket";
    }
    if (status === 403 && (code === "Forbidden" || code === "Unknown" || code === "UnknownError")) {
      code = "AccessDenied";
    }
    if (!message || message === code) message = defaultMessage(code, context);
    const retryable = transientCodes.has(code) || (status !== undefined && status >= 500) ||
      status === 429;
    return new ConnectorError(
      code,
      `S3 error ${code} (HTTP ${status ?? "?"}): ${message}${describe(context)}`,
      { ...(status !== undefined ? { status } : {}), retryable, cause: err },
    );
  }
  const sysCode = e?.code ?? (e?.cause as { code?: string } | undefined)?.code;
  // A connection cut while a body is written can come wrapped as a TimeoutError whose message
  // names the real cause ("write EPIPE"): name that cause, not a timeout that never happened.
  const netCode = sysCode && sysCode !== "ETIMEDOUT" && networkCodes.has(sysCode)
    ? sysCode
    : /\b(EPIPE|ECONNRESET|ECONNREFUSED)\b/.exec(e?.message ?? "")?.[1];
  if (netCode) {
    return new ConnectorError(
      "NetworkError",
      `S3 endpoint unreachable (${netCode}): ${e.message}`,
      { retryable: true, cause: err },
    );
  }
  if (
    e?.name === "TimeoutError" || sysCode === "ETIMEDOUT" || /timed? ?out/i.test(e?.message ?? "")
  ) {
    return new ConnectorError("Timeout", `Timeout: S3 did not answer in time (${e?.message})`, {
      retryable: true,
      cause: err,
    });
  }
  if (sysCode && networkCodes.has(sysCode)) {
    return new ConnectorError(
      "NetworkError",
      `S3 endpoint unreachable (${sysCode}): ${e.message}`,
      { retryable: true, cause: err },
    );
  }
  if (e?.name === "NotCapable" || e?.name === "PermissionDenied" || sysCode === "EPERM") {
    return new ConnectorError(
      "PermissionDenied",
      `Denied by the sandbox: ${e.message} (the connector may only reach the hosts its config names)`,
      {
        cause: err,
      },
    );
  }
  return new ConnectorError(
    e?.name && e.name !== "Error" ? e.name : "S3ClientError",
    `S3 client error: ${e?.message ?? String(err)}`,
    { retryable: false, cause: err },
  );
}

function defaultMessage(code: string, ctx: ErrorContext): string {
  switch (code) {
    case "NoSuchKey":
      return "The specified key does not exist.";
    case "NoSuchBucket":
      return "The specified bucket does not exist.";
    case "AccessDenied":
      return "Access denied.";
    default:
      return code + (ctx.bucket ? "" : "");
  }
}

function describe(ctx: ErrorContext): string {
  const parts: string[] = [];
  if (ctx.bucket !== undefined) parts.push(`bucket ${JSON.stringify(ctx.bucket)}`);
  if (ctx.key !== undefined) parts.push(`item ${JSON.stringify(ctx.key)}`);
  if (ctx.sourceBucket !== undefined) {
    parts.push(`source bucket ${JSON.stringify(ctx.sourceBucket)}`);
  }
  return parts.length ? ` (${parts.join(", ")})` : "";
}
