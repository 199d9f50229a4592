/**
 * Shared S3 test configuration: where the test S3 server is, a client for it, and per-test
 * buckets that are removed afterwards, versions and unfinished multipart uploads included, and
 * the hash of what a bucket holds.
 *
 * By default the tests use the local radosgw that `tools/s3/radosgw.sh start` runs; set
 * `S3_ENDPOINT`, `S3_ACCESS_KEY`, `S3_SECRET_KEY` (and `S3_REGION`) to run them against MinIO or
 * AWS instead.
 *
 * @module
 */
import {
  AbortMultipartUploadCommand,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectVersionsCommand,
  type ListObjectVersionsCommandOutput,
  type ObjectIdentifier,
  S3Client,
} from "@aws-sdk/client-s3";
import { sha256 } from "./sha256.ts";

/** Where the test S3 server is and how to sign in to it. */
export interface S3TestEnv {
  /** Base URL, e.g. `http://127.0.0.1:7480`. */
  endpoint: string;
  accessKey: string;
  secretKey: string;
  region: string;
}

const DEFAULT_REGION = "us-east-1";

/** The env file `tools/s3/radosgw.sh start` writes (RADOSGW_DIR moves it, as for the script). */
function radosgwEnvFile(): string {
  const dir = Deno.env.get("RADOSGW_DIR");
  if (dir) return `${dir}/s3.env`;
  return new URL("../.stack/radosgw/s3.env", import.meta.url).pathname;
}

function parseEnvFile(text: string): Map<string, string> {
  const vars = new Map<string, string>();
  for (const line of text.split("\n")) {
    const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (match?.[1] !== undefined && match[2] !== undefined) vars.set(match[1], match[2].trim());
  }
  return vars;
}

function required(vars: Map<string, string>, key: string, source: string): string {
  const value = vars.get(key);
  if (!value) throw new Error(`S3 test configuration: ${key} is not set in ${source}`);
  return value;
}

/**
 * The S3 server the tests talk to: from `S3_ENDPOINT`, `S3_ACCESS_KEY`, `S3_SECRET_KEY` and
 * `S3_REGION` (default `us-east-1`) when `S3_ENDPOINT` is set, otherwise from the env file of the
 * local radosgw (`.stack/radosgw/s3.env`).
 *
 * @throws {Error} when neither is there, saying to run `tools/s3/radosgw.sh start`.
 */
export function s3TestEnv(): S3TestEnv {
  let vars: Map<string, string>;
  let source: string;
  if (Deno.env.get("S3_ENDPOINT")) {
    vars = new Map(Object.entries(Deno.env.toObject()));
    source = "the environment";
  } else {
    source = radosgwEnvFile();
    try {
      vars = parseEnvFile(Deno.readTextFileSync(source));
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
      throw new Error(
        `No S3 server for the tests: S3_ENDPOINT is not set and ${source} does not exist. ` +
          "Run `tools/s3/radosgw.sh start` (or set S3_ENDPOINT, S3_ACCESS_KEY, S3_SECRET_KEY).",
      );
    }
  }
  return {
    endpoint: required(vars, "S3_ENDPOINT", source),
    accessKey: required(vars, "S3_ACCESS_KEY", source),
    secretKey: required(vars, "S3_SECRET_KEY", source),
    region: vars.get("S3_REGION") || DEFAULT_REGION,
  };
}

/** Whether an endpoint is AWS's own, which serves virtual-hosted-style addressing. */
function isAwsEndpoint(endpoint: string): boolean {
  const host = new URL(endpoint).hostname;
  return host === "amazonaws.com" || host.endsWith(".amazonaws.com");
}

/**
 * An `S3Client` for {@linkcode s3TestEnv} (or the given env).
 *
 * Checksums are `WHEN_REQUIRED` because the SDK's default streams uploads in an aws-chunked
 * format that radosgw 16 and older MinIO reject with 411 MissingContentLength. Path-style
 * addressing because local servers have no wildcard DNS for bucket subdomains.
 */
export function testS3Client(env: S3TestEnv = s3TestEnv()): S3Client {
  return new S3Client({
    endpoint: env.endpoint,
    region: env.region,
    credentials: { accessKeyId: env.accessKey, secretAccessKey: env.secretKey },
    forcePathStyle: !isAwsEndpoint(env.endpoint),
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    // A response that never comes (seen once: a bucket cleanup after the fuzzer waited 15 min on
    // an open socket to radosgw) times out and is retried, instead of hanging the test run.
    requestHandler: { connectionTimeout: 10_000, requestTimeout: 60_000 },
  });
}

let bucketCounter = 0;

/**
 * A valid S3 bucket name (lowercase letters, digits and hyphens, at most 63 characters) that
 * starts with `prefix` and is unique per call: time, a per-process counter and random bits.
 *
 * @example
 * ```ts
 * uniqueBucketName("copy-item"); // "copy-item-mc3x1z9k-0-5f3a9c"
 * ```
 */
export function uniqueBucketName(prefix = "test"): string {
  const cleaned = prefix.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^-+|-+$/g, "");
  const random = crypto.getRandomValues(new Uint8Array(3));
  const suffix = [
    Date.now().toString(36),
    (bucketCounter++).toString(36),
    Array.from(random, (b) => b.toString(16).padStart(2, "0")).join(""),
  ].join("-");
  const head = (cleaned || "test").slice(0, 63 - suffix.length - 1).replace(/-+$/, "");
  return `${head || "t"}-${suffix}`;
}

/** Creates a bucket with a {@linkcode uniqueBucketName} and returns its name. */
export async function createTestBucket(
  client: S3Client = testS3Client(),
  prefix = "test",
): Promise<string> {
  const name = uniqueBucketName(prefix);
  await client.send(new CreateBucketCommand({ Bucket: name }));
  return name;
}

function errorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

/**
 * Deletes a bucket and everything in it: every object version, delete marker and unfinished
 * multipart upload (a bucket that ever had versioning on is not emptied by deleting keys).
 * A bucket that does not exist is not an error, so cleanup may run twice.
 */
export async function deleteTestBucketFully(
  name: string,
  client: S3Client = testS3Client(),
): Promise<void> {
  try {
    await emptyBucket(name, client);
    await client.send(new DeleteBucketCommand({ Bucket: name }));
  } catch (error) {
    if (errorName(error) === "NoSuchBucket") return;
    throw error;
  }
}

async function emptyBucket(name: string, client: S3Client): Promise<void> {
  let keyMarker: string | undefined;
  let uploadIdMarker: string | undefined;
  do {
    const page = await client.send(
      new ListMultipartUploadsCommand({
        Bucket: name,
        ...(keyMarker === undefined ? {} : { KeyMarker: keyMarker }),
        ...(uploadIdMarker === undefined ? {} : { UploadIdMarker: uploadIdMarker }),
      }),
    );
    await Promise.all(
      (page.Uploads ?? []).map((upload) =>
        client.send(
          new AbortMultipartUploadCommand({
            Bucket: name,
            Key: upload.Key,
            UploadId: upload.UploadId,
          }),
        )
      ),
    );
    keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
    uploadIdMarker = page.IsTruncated ? page.NextUploadIdMarker : undefined;
  } while (keyMarker !== undefined);

  // Delete page by page: each page is at most 1000 entries, the DeleteObjects limit.
  let versionMarker: string | undefined;
  keyMarker = undefined;
  do {
    const page: ListObjectVersionsCommandOutput = await client.send(
      new ListObjectVersionsCommand({
        Bucket: name,
        ...(keyMarker === undefined ? {} : { KeyMarker: keyMarker }),
        ...(versionMarker === undefined ? {} : { VersionIdMarker: versionMarker }),
      }),
    );
    const objects: ObjectIdentifier[] = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])]
      .filter((entry) => entry.Key !== undefined)
      .map((entry) => ({
        Key: entry.Key,
        ...(entry.VersionId === undefined ? {} : { VersionId: entry.VersionId }),
      }));
    if (objects.length > 0) {
      const result = await client.send(
        new DeleteObjectsCommand({ Bucket: name, Delete: { Objects: objects, Quiet: true } }),
      ).catch(async (error) => {
        // A key with characters XML 1.0 cannot carry (control characters, as the fuzzer makes)
        // cannot travel in DeleteObjects' XML body: delete one by one, the key in the URL.
        if (errorName(error) === "NoSuchBucket") throw error;
        for (const o of objects) {
          await client.send(
            new DeleteObjectCommand({
              Bucket: name,
              Key: o.Key,
              ...(o.VersionId === undefined ? {} : { VersionId: o.VersionId }),
            }),
          );
        }
        return { Errors: [] };
      });
      const failed = result.Errors ?? [];
      if (failed.length > 0) {
        const first = failed[0];
        throw new Error(
          `Emptying bucket "${name}": ${failed.length} deletes failed, first ` +
            `"${first?.Key}": ${first?.Code} ${first?.Message ?? ""}`,
        );
      }
    }
    keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
    versionMarker = page.IsTruncated ? page.NextVersionIdMarker : undefined;
  } while (keyMarker !== undefined);
}

/**
 * Runs `fn` with a new bucket and a client, then deletes the bucket fully whether `fn` passed
 * or threw, and releases the client's sockets (Deno's test sanitizers check for leaks).
 *
 * @example
 * ```ts
 * Deno.test("put_item stores the bytes", () =>
 *   withTestBucket(async (bucket, client) => {
 *     // ...
 *   }));
 * ```
 */
export async function withTestBucket<T>(
  fn: (bucket: string, client: S3Client) => Promise<T>,
  prefix = "test",
): Promise<T> {
  const client = testS3Client();
  try {
    const bucket = await createTestBucket(client, prefix);
    try {
      return await fn(bucket, client);
    } finally {
      await deleteTestBucketFully(bucket, client);
    }
  } finally {
    client.destroy();
  }
}

/**
 * Hex SHA-256 of the object `key` as S3 holds it, or null when S3 answers 404 (no such key):
 * what tests compare with the hash of the bytes they sent. Any other failure (access denied, a
 * 5xx, S3 unreachable) throws: "could not read" is never taken for "absent".
 */
export async function objectSha256(
  s3: S3Client,
  bucket: string,
  key: string,
): Promise<string | null> {
  try {
    const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return await sha256(await out.Body!.transformToByteArray());
  } catch (error) {
    if (isNoSuchKey(error)) return null;
    throw error;
  }
}

/** Whether an S3 error is a 404 for the key itself (not for the bucket, not any other error). */
export function isNoSuchKey(error: unknown): boolean {
  const status = (error as { $metadata?: { httpStatusCode?: number } })?.$metadata
    ?.httpStatusCode;
  return status === 404 && errorName(error) !== "NoSuchBucket";
}
