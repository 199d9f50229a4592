/**
 * The transfer engine: uploads (one PutObject, or a parallel multipart upload above the part
 * size) and downloads (one GetObject, or parallel ranged GETs pinned to the first part's ETag).
 */
import {
  GetObjectCommand,
  type GetObjectCommandOutput,
  HeadObjectCommand,
  type HeadObjectCommandOutput,
  PutObjectCommand,
  type PutObjectCommandInput,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { ConnectorError } from "../../../errors.ts";
import { s3Code } from "../error_codes.ts";
import { objectUrl } from "../object_url.ts";
import type { GetInput, S3Port } from "../port.ts";
import type { SdkContext } from "./client.ts";
import { headerParams, quotedETag, toHead, totalFromRange } from "./conversions.ts";
import { mapS3Error } from "./errors.ts";

/** The port's putObject and getObject. */
export function transfer(ctx: SdkContext): Pick<S3Port, "putObject" | "getObject"> {
  const { client, options, partSize, queueSize, onProgress, send } = ctx;
  return {
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
          Location: objectUrl(options, input.bucket, input.key),
          Parts: 1,
          UploadId: "",
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
          Location: objectUrl(options, input.bucket, input.key),
          Parts: Math.ceil(input.body.length / partSize),
          // lib-storage keeps the id on the instance only; the original reports it.
          UploadId: (upload as unknown as { uploadId?: string }).uploadId ?? "",
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
              s3Code("IncompleteBody"),
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
  };
}

function getCommand(input: GetInput, range?: string, ifMatch?: string) {
  return new GetObjectCommand({
    Bucket: input.bucket,
    Key: input.key,
    ...(range ? { Range: range } : {}),
    ...(input.versionId ? { VersionId: input.versionId } : {}),
    ...(ifMatch ? { IfMatch: ifMatch } : {}),
  });
}

/**
 * Reads a GetObject body into one buffer of its Content-Length: `into` when given (a part's place
 * in the whole object, so ranged parts need no buffers of their own), else a new one.
 */
async function readBody(
  out: GetObjectCommandOutput,
  signal: AbortSignal,
  into?: Uint8Array,
): Promise<Uint8Array> {
  const body = out.Body as AsyncIterable<Uint8Array> | undefined;
  if (!body) return new Uint8Array(0);
  const expected = out.ContentLength;
  const shortRange = (got: number) =>
    new ConnectorError(
      s3Code("IncompleteBody"),
      `S3 returned ${got} bytes for a range of ${into?.length}`,
      { retryable: true },
    );
  if (expected !== undefined && into !== undefined && expected !== into.length) {
    throw shortRange(expected);
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
        s3Code("IncompleteBody"),
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
  if (into !== undefined && total !== into.length) throw shortRange(total);
  const buf = into ?? new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    buf.set(c, at);
    at += c.length;
  }
  return buf;
}
