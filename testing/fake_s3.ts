/**
 * An in-memory S3 behind the `S3Port` seam, for unit tests of the `aws.s3` methods: buckets and
 * objects with bytes, headers, user metadata and tags, ListObjectsV2 paging, DeleteObjects with
 * injectable per-key failures, S3's error codes as `ConnectorError`s, and a log of every call.
 *
 * @example
 * ```ts
 * const s3 = new FakeS3().seed("b", { "a.txt": "hello" });
 * const res = await runS3(s3, { method: "get_item", bucket_name: "b", item_name: "a.txt" });
 * // res.data is the bytes of "hello"; s3.ops() is ["getObject"]
 * ```
 *
 * @module
 */
import { createHash } from "node:crypto";
import { getLogger } from "@logtape/logtape";
import { ConnectorError, passThroughCode } from "../lib/errors.ts";
import { parseFields } from "../lib/schema.ts";
import { type S3TargetOptions, s3TargetProperties } from "../lib/targets/aws_s3/options.ts";
import type {
  BucketList,
  CopyInput,
  DeleteBatchResult,
  DeleteKey,
  GetInput,
  ListInput,
  ObjectEntry,
  ObjectHead,
  ObjectPage,
  PutInput,
  PutOutput,
  S3Port,
  VersionPage,
} from "../lib/targets/aws_s3/port.ts";
import { createS3Target } from "../lib/targets/aws_s3/target.ts";
import type { MethodResult } from "../lib/targets/aws_s3/method.ts";

/** The S3Port operations, as recorded in the call log. */
export type FakeOp = Exclude<keyof S3Port, "close"> | "close";

/** One recorded call: the operation and its arguments (without the abort signal). */
export interface FakeCall {
  op: FakeOp;
  args: Record<string, unknown>;
}

/** One stored object. */
export interface FakeObject {
  body: Uint8Array;
  contentType: string;
  contentEncoding: string | null;
  contentDisposition: string | null;
  cacheControl: string | null;
  storageClass: string | null;
  metadata: Record<string, string>;
  tags: Record<string, string>;
  etag: string;
  lastModified: string;
}

interface FakeBucket {
  creationDate: string;
  objects: Map<string, FakeObject>;
}

/** The fixed clock of the fake, so listings and copy results can be compared exactly. */
export const FAKE_NOW = "2026-01-02T03:04:05.000Z";

/** What S3 stores when no Content-Type is given. */
export const FAKE_DEFAULT_CONTENT_TYPE = "binary/octet-stream";

/** The quoted MD5 hex ETag S3 gives a single-part object. */
export function md5Etag(bytes: Uint8Array | string): string {
  const data = typeof bytes === "string" ? new TextEncoder().encode(bytes) : bytes;
  return `"${createHash("md5").update(data).digest("hex")}"`;
}

/** Compares keys by code point, which is S3's (UTF-8 byte) order. */
export function compareKeys(a: string, b: string): number {
  const ai = a[Symbol.iterator]();
  const bi = b[Symbol.iterator]();
  for (;;) {
    const x = ai.next();
    const y = bi.next();
    if (x.done || y.done) return x.done ? (y.done ? 0 : -1) : 1;
    const d = x.value.codePointAt(0)! - y.value.codePointAt(0)!;
    if (d !== 0) return d;
  }
}

function s3Error(
  code: string,
  status: number,
  message: string,
  context: { bucket?: string; key?: string } = {},
): ConnectorError {
  const where = [
    ...(context.bucket !== undefined ? [`bucket ${JSON.stringify(context.bucket)}`] : []),
    ...(context.key !== undefined ? [`item ${JSON.stringify(context.key)}`] : []),
  ];
  return new ConnectorError(
    passThroughCode(code),
    `S3 error ${code} (HTTP ${status}): ${message}${where.length ? ` (${where.join(", ")})` : ""}`,
    { status, retryable: status >= 500 },
  );
}

function encodeToken(key: string): string {
  return new TextEncoder().encode(`after:${key}`).toBase64();
}

function decodeToken(token: string): string {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(Uint8Array.fromBase64(token));
  } catch {
    text = "";
  }
  if (!text.startsWith("after:")) {
    throw s3Error("InvalidArgument", 400, "The continuation token provided is incorrect");
  }
  return text.slice("after:".length);
}

/** An in-memory `S3Port`. Every call is recorded in `calls` before it runs. */
export class FakeS3 implements S3Port {
  /** Every call made, in order. */
  readonly calls: FakeCall[] = [];
  /** Keys DeleteObjects reports as failed (AccessDenied) instead of deleting. */
  readonly failDeleteFor: Set<string> = new Set();
  /** One-shot failures: the next call of that operation throws the error. */
  readonly failNext: Map<FakeOp, ConnectorError> = new Map();
  /** True once close() was called. */
  closed = false;

  readonly #buckets = new Map<string, FakeBucket>();

  /** Creates a bucket (if needed) and stores the given objects in it, without logging calls. */
  seed(
    bucket: string,
    objects: Record<string, string | Uint8Array> = {},
    options: { contentType?: string; metadata?: Record<string, string> } = {},
  ): this {
    let b = this.#buckets.get(bucket);
    if (!b) {
      b = { creationDate: FAKE_NOW, objects: new Map() };
      this.#buckets.set(bucket, b);
    }
    for (const [key, value] of Object.entries(objects)) {
      const body = typeof value === "string" ? new TextEncoder().encode(value) : value.slice();
      b.objects.set(key, this.#newObject(body, options));
    }
    return this;
  }

  /** Stores `count` small objects named `${prefix}${index padded to 5 digits}`. */
  seedMany(bucket: string, count: number, prefix = "item-"): this {
    const objects: Record<string, string> = {};
    for (let i = 0; i < count; i++) objects[`${prefix}${String(i).padStart(5, "0")}`] = `${i}`;
    return this.seed(bucket, objects);
  }

  /** Whether the bucket exists. */
  hasBucket(bucket: string): boolean {
    return this.#buckets.has(bucket);
  }

  /** Bucket names, sorted. */
  bucketNames(): string[] {
    return [...this.#buckets.keys()].sort(compareKeys);
  }

  /** The stored object, or undefined. */
  object(bucket: string, key: string): FakeObject | undefined {
    return this.#buckets.get(bucket)?.objects.get(key);
  }

  /** The bucket's keys, in S3 order (empty when the bucket does not exist). */
  keys(bucket: string): string[] {
    return [...(this.#buckets.get(bucket)?.objects.keys() ?? [])].sort(compareKeys);
  }

  /** The operations called, in order. */
  ops(): FakeOp[] {
    return this.calls.map((c) => c.op);
  }

  /** The recorded calls of one operation. */
  callsOf(op: FakeOp): Record<string, unknown>[] {
    return this.calls.filter((c) => c.op === op).map((c) => c.args);
  }

  #record(op: FakeOp, args: Record<string, unknown>): void {
    this.calls.push({ op, args });
    const failure = this.failNext.get(op);
    if (failure) {
      this.failNext.delete(op);
      throw failure;
    }
  }

  #bucket(bucket: string): FakeBucket {
    const b = this.#buckets.get(bucket);
    if (!b) throw s3Error("NoSuchBucket", 404, "The specified bucket does not exist.", { bucket });
    return b;
  }

  #object(bucket: string, key: string): FakeObject {
    const o = this.#bucket(bucket).objects.get(key);
    if (!o) {
      throw s3Error("NoSuchKey", 404, "The specified key does not exist.", { bucket, key });
    }
    return o;
  }

  #newObject(
    body: Uint8Array,
    options: {
      contentType?: string | undefined;
      contentEncoding?: string | undefined;
      contentDisposition?: string | undefined;
      cacheControl?: string | undefined;
      storageClass?: string | undefined;
      metadata?: Record<string, string> | undefined;
      tags?: Record<string, string> | undefined;
    },
  ): FakeObject {
    return {
      body,
      contentType: options.contentType ?? FAKE_DEFAULT_CONTENT_TYPE,
      contentEncoding: options.contentEncoding ?? null,
      contentDisposition: options.contentDisposition ?? null,
      cacheControl: options.cacheControl ?? null,
      storageClass: options.storageClass ?? null,
      metadata: { ...(options.metadata ?? {}) },
      tags: { ...(options.tags ?? {}) },
      etag: md5Etag(body),
      lastModified: FAKE_NOW,
    };
  }

  #head(o: FakeObject, length: number, range: string | null): ObjectHead {
    return {
      ContentType: o.contentType,
      ContentLength: length,
      ETag: o.etag,
      LastModified: o.lastModified,
      VersionId: null,
      StorageClass: o.storageClass,
      ContentEncoding: o.contentEncoding,
      ContentDisposition: o.contentDisposition,
      CacheControl: o.cacheControl,
      ContentRange: range,
      Metadata: { ...o.metadata },
    };
  }

  #read(input: GetInput): { o: FakeObject; body: Uint8Array; range: string | null } {
    const o = this.#object(input.bucket, input.key);
    if (input.versionId !== undefined && input.versionId !== "null") {
      throw s3Error("NoSuchVersion", 404, "The specified version does not exist.", {
        bucket: input.bucket,
        key: input.key,
      });
    }
    if (input.ifMatch !== undefined && input.ifMatch !== o.etag && input.ifMatch !== "*") {
      throw s3Error("PreconditionFailed", 412, "At least one of the pre-conditions failed.", {
        bucket: input.bucket,
        key: input.key,
      });
    }
    if (input.range === undefined) return { o, body: o.body, range: null };
    const m = /^bytes=(\d*)-(\d*)$/.exec(input.range);
    const size = o.body.length;
    let start: number;
    let end: number;
    if (!m || (m[1] === "" && m[2] === "")) return { o, body: o.body, range: null };
    if (m[1] === "") {
      start = Math.max(0, size - Number(m[2]));
      end = size - 1;
    } else {
      start = Number(m[1]);
      end = m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1);
    }
    if (start >= size || start > end) {
      throw s3Error("InvalidRange", 416, "The requested range is not satisfiable", {
        bucket: input.bucket,
        key: input.key,
      });
    }
    return { o, body: o.body.slice(start, end + 1), range: `bytes ${start}-${end}/${size}` };
  }

  listBuckets(_signal: AbortSignal): Promise<BucketList> {
    this.#record("listBuckets", {});
    return Promise.resolve({
      Buckets: this.bucketNames().map((Name) => ({
        Name,
        CreationDate: this.#buckets.get(Name)!.creationDate,
      })),
      Owner: { DisplayName: "fake", ID: "fake-owner" },
    });
  }

  listObjects(input: ListInput, _signal: AbortSignal): Promise<ObjectPage> {
    this.#record("listObjects", { ...input });
    const b = this.#bucket(input.bucket);
    const prefix = input.prefix ?? "";
    const delimiter = input.delimiter ?? "";
    const maxKeys = input.maxKeys ?? 1000;
    if (maxKeys < 0 || maxKeys > 1000) {
      throw s3Error("InvalidArgument", 400, `max-keys ${maxKeys} is out of range`);
    }
    const after = input.continuationToken !== undefined
      ? decodeToken(input.continuationToken)
      : input.startAfter ?? "";
    const contents: ObjectEntry[] = [];
    const commonPrefixes: { Prefix: string }[] = [];
    let last = "";
    let truncated = false;
    for (const key of this.keys(input.bucket)) {
      if (!key.startsWith(prefix) || compareKeys(key, after) <= 0) continue;
      let common: string | undefined;
      if (delimiter !== "") {
        const at = key.indexOf(delimiter, prefix.length);
        if (at >= 0) common = key.slice(0, at + delimiter.length);
      }
      if (common !== undefined && commonPrefixes.at(-1)?.Prefix === common) {
        last = key;
        continue;
      }
      if (contents.length + commonPrefixes.length >= maxKeys) {
        truncated = true;
        break;
      }
      if (common !== undefined) commonPrefixes.push({ Prefix: common });
      else {
        const o = b.objects.get(key)!;
        contents.push({
          Key: key,
          Size: o.body.length,
          LastModified: o.lastModified,
          ETag: o.etag,
          StorageClass: o.storageClass ?? "STANDARD",
        });
      }
      last = key;
    }
    // As S3 answers: elements for what was not asked (delimiter, tokens, start key) are absent.
    return Promise.resolve({
      Name: input.bucket,
      Prefix: prefix,
      Delimiter: input.delimiter ?? null,
      MaxKeys: maxKeys,
      Contents: contents,
      CommonPrefixes: commonPrefixes,
      KeyCount: contents.length + commonPrefixes.length,
      IsTruncated: truncated,
      ContinuationToken: input.continuationToken ?? null,
      NextContinuationToken: truncated ? encodeToken(last) : null,
      StartAfter: input.startAfter ?? null,
    });
  }

  listObjectVersions(
    bucket: string,
    prefix: string | undefined,
    keyMarker: string | undefined,
    versionIdMarker: string | undefined,
    _signal: AbortSignal,
  ): Promise<VersionPage> {
    this.#record("listObjectVersions", { bucket, prefix, keyMarker, versionIdMarker });
    this.#bucket(bucket);
    // Unversioned: every object is its single "null" version; pages of 1000 like S3.
    const keys = this.keys(bucket).filter((k) =>
      k.startsWith(prefix ?? "") && (keyMarker === undefined || compareKeys(k, keyMarker) > 0)
    );
    const page = keys.slice(0, 1000);
    const truncated = keys.length > page.length;
    return Promise.resolve({
      Versions: page.map((Key) => ({ Key, VersionId: "null" })),
      IsTruncated: truncated,
      NextKeyMarker: truncated ? page.at(-1)! : "",
      NextVersionIdMarker: truncated ? "null" : "",
    });
  }

  createBucket(bucket: string, _signal: AbortSignal): Promise<{ Location: string | null }> {
    this.#record("createBucket", { bucket });
    if (this.#buckets.has(bucket)) {
      throw s3Error(
        "BucketAlreadyOwnedByYou",
        409,
        "Your previous request to create the named bucket succeeded and you already own it.",
        { bucket },
      );
    }
    this.#buckets.set(bucket, { creationDate: FAKE_NOW, objects: new Map() });
    return Promise.resolve({ Location: `/${bucket}` });
  }

  deleteBucket(bucket: string, _signal: AbortSignal): Promise<void> {
    this.#record("deleteBucket", { bucket });
    const b = this.#bucket(bucket);
    if (b.objects.size > 0) {
      throw s3Error("BucketNotEmpty", 409, "The bucket you tried to delete is not empty.", {
        bucket,
      });
    }
    this.#buckets.delete(bucket);
    return Promise.resolve();
  }

  headBucket(bucket: string, _signal: AbortSignal): Promise<{ Region: string | null }> {
    this.#record("headBucket", { bucket });
    this.#bucket(bucket);
    return Promise.resolve({ Region: "us-east-1" });
  }

  getBucketLocation(
    bucket: string,
    _signal: AbortSignal,
  ): Promise<{ LocationConstraint: string }> {
    this.#record("getBucketLocation", { bucket });
    this.#bucket(bucket);
    return Promise.resolve({ LocationConstraint: "" });
  }

  waitForBucket(bucket: string, exists: boolean, seconds: number): Promise<void> {
    this.#record("waitForBucket", { bucket, exists, seconds });
    if (this.#buckets.has(bucket) !== exists) {
      throw new ConnectorError(
        "Timeout",
        `Timeout: waited ${seconds}s for bucket ${JSON.stringify(bucket)} to ${
          exists ? "exist" : "be gone"
        }`,
      );
    }
    return Promise.resolve();
  }

  waitForObject(bucket: string, key: string, exists: boolean, seconds: number): Promise<void> {
    this.#record("waitForObject", { bucket, key, exists, seconds });
    if ((this.object(bucket, key) !== undefined) !== exists) {
      throw new ConnectorError(
        "Timeout",
        `Timeout: waited ${seconds}s for item ${JSON.stringify(key)} of bucket ${
          JSON.stringify(bucket)
        } to ${exists ? "exist" : "be gone"}`,
      );
    }
    return Promise.resolve();
  }

  putObject(input: PutInput, _signal: AbortSignal): Promise<PutOutput> {
    const { body, ...rest } = input;
    this.#record("putObject", { ...rest, size: body.length });
    const b = this.#bucket(input.bucket);
    if (input.ifNoneMatch === "*" && b.objects.has(input.key)) {
      throw s3Error("PreconditionFailed", 412, "At least one of the pre-conditions failed.", {
        bucket: input.bucket,
        key: input.key,
      });
    }
    const tags = input.tagging === undefined
      ? {}
      : Object.fromEntries(new URLSearchParams(input.tagging));
    const o = this.#newObject(body.slice(), { ...input, tags });
    b.objects.set(input.key, o);
    return Promise.resolve({
      ETag: o.etag,
      VersionId: null,
      Location: `/${input.bucket}/${input.key}`,
      Parts: 1,
    });
  }

  getObject(
    input: GetInput,
    _signal: AbortSignal,
  ): Promise<{ head: ObjectHead; body: Uint8Array }> {
    this.#record("getObject", { ...input });
    const { o, body, range } = this.#read(input);
    return Promise.resolve({ head: this.#head(o, body.length, range), body: body.slice() });
  }

  headObject(input: GetInput, _signal: AbortSignal): Promise<ObjectHead> {
    this.#record("headObject", { ...input });
    const { o, body, range } = this.#read(input);
    return Promise.resolve(this.#head(o, body.length, range));
  }

  deleteObject(
    bucket: string,
    key: string,
    versionId: string | undefined,
    _signal: AbortSignal,
  ): Promise<{ VersionId: string | null; DeleteMarker: boolean | null }> {
    this.#record("deleteObject", { bucket, key, versionId });
    this.#bucket(bucket).objects.delete(key);
    // An unversioned bucket sends no x-amz-delete-marker header.
    return Promise.resolve({ VersionId: null, DeleteMarker: null });
  }

  deleteObjects(
    bucket: string,
    keys: DeleteKey[],
    _signal: AbortSignal,
  ): Promise<DeleteBatchResult> {
    this.#record("deleteObjects", { bucket, keys: keys.map((k) => ({ ...k })) });
    const b = this.#bucket(bucket);
    if (keys.length === 0 || keys.length > 1000) {
      throw s3Error(
        "MalformedXML",
        400,
        `DeleteObjects takes 1 to 1000 keys, got ${keys.length}`,
        { bucket },
      );
    }
    const out: DeleteBatchResult = { Deleted: [], Errors: [] };
    for (const k of keys) {
      if (this.failDeleteFor.has(k.Key)) {
        out.Errors.push({ ...k, Code: "AccessDenied", Message: "Access Denied" });
      } else {
        b.objects.delete(k.Key);
        out.Deleted.push({ ...k });
      }
    }
    return Promise.resolve(out);
  }

  copyObject(
    input: CopyInput,
    _signal: AbortSignal,
  ): Promise<{ ETag: string; LastModified: string | null; VersionId: string | null }> {
    this.#record("copyObject", { ...input });
    const source = this.#object(input.sourceBucket, input.sourceKey);
    const target = this.#bucket(input.bucket);
    const replace = input.metadataDirective === "REPLACE";
    if (!replace && input.bucket === input.sourceBucket && input.key === input.sourceKey) {
      throw s3Error(
        "InvalidRequest",
        400,
        "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata.",
        { bucket: input.bucket, key: input.key },
      );
    }
    const o = this.#newObject(source.body.slice(), {
      contentType: replace ? input.contentType : source.contentType,
      metadata: replace ? input.metadata : source.metadata,
      storageClass: input.storageClass ?? source.storageClass ?? undefined,
      contentEncoding: source.contentEncoding ?? undefined,
      contentDisposition: source.contentDisposition ?? undefined,
      cacheControl: source.cacheControl ?? undefined,
      tags: source.tags,
    });
    target.objects.set(input.key, o);
    return Promise.resolve({ ETag: o.etag, LastModified: o.lastModified, VersionId: null });
  }

  presign(
    op: "get" | "put",
    input: { bucket: string; key: string; contentType?: string | undefined },
    expiresSeconds: number,
  ): Promise<string> {
    this.#record("presign", { op, ...input, expiresSeconds });
    const path = input.key.split("/").map(encodeURIComponent).join("/");
    return Promise.resolve(
      `https://fake-s3.test/${
        encodeURIComponent(input.bucket)
      }/${path}?op=${op}&expires=${expiresSeconds}`,
    );
  }

  putObjectTagging(
    bucket: string,
    key: string,
    tags: Record<string, string>,
    _signal: AbortSignal,
  ): Promise<void> {
    this.#record("putObjectTagging", { bucket, key, tags: { ...tags } });
    this.#object(bucket, key).tags = { ...tags };
    return Promise.resolve();
  }

  getObjectTagging(
    bucket: string,
    key: string,
    _signal: AbortSignal,
  ): Promise<Record<string, string>> {
    this.#record("getObjectTagging", { bucket, key });
    return Promise.resolve({ ...this.#object(bucket, key).tags });
  }

  close(): void {
    this.calls.push({ op: "close", args: {} });
    this.closed = true;
  }
}

/** Target options as a config with only `region` set would give. */
export function testOptions(overrides: Record<string, string> = {}): S3TargetOptions {
  return parseFields(s3TargetProperties, { region: "us-east-1", ...overrides });
}

/** A successful method result, with helpers to read its data. */
export interface RunResult {
  metadata: Record<string, string>;
  data: Uint8Array | null;
  /** The data as UTF-8 text; fails the test when there is none. */
  text(): string;
  /** The data parsed as JSON; fails the test when there is none. */
  json(): unknown;
}

/** Runs one request through `createS3Target` over the fake. */
export async function runS3(
  s3: FakeS3,
  metadata: Record<string, string>,
  data: Uint8Array | string | null = null,
  options: S3TargetOptions = testOptions(),
): Promise<RunResult> {
  const target = createS3Target(s3, options, getLogger(["test"]));
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  const result: MethodResult = await target.run(
    { metadata, data: bytes },
    new AbortController().signal,
  );
  const out = result.data ?? null;
  const text = () => {
    if (out === null) throw new Error("the response has no data");
    return new TextDecoder().decode(out);
  };
  return {
    metadata: result.metadata ?? {},
    data: out,
    text,
    json: () => JSON.parse(text()),
  };
}

/** Runs one request that must fail; returns its error (which must be a ConnectorError). */
export async function runS3Error(
  s3: FakeS3,
  metadata: Record<string, string>,
  data: Uint8Array | string | null = null,
  options: S3TargetOptions = testOptions(),
): Promise<ConnectorError> {
  let result: RunResult;
  try {
    result = await runS3(s3, metadata, data, options);
  } catch (err) {
    if (err instanceof ConnectorError) return err;
    throw new Error(`expected a ConnectorError, got ${String(err)}`, { cause: err });
  }
  throw new Error(`expected an error, got metadata ${JSON.stringify(result.metadata)}`);
}
