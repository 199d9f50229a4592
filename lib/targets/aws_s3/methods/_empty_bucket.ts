/** Shared by delete_all_items_from_bucket and delete_bucket(force): deletes every listed key. */
import { delay } from "../../../delay.ts";
import { ConnectorError, passThroughCode } from "../../../errors.ts";
import { s3Code } from "../error_codes.ts";
import type { MethodContext } from "../method.ts";
import type { DeleteKey } from "../port.ts";

/** What an emptying run did. */
export interface EmptyReport {
  deleted: number;
  failed: number;
  /** The first failures (at most 100), with S3's code for each key. */
  errors: { Key: string; VersionId?: string | undefined; Code: string; Message: string }[];
  pages: number;
}

const MAX_REPORTED_ERRORS = 100;

/**
 * Deletes every object under `prefix` (all of them when undefined), page by page, with one
 * DeleteObjects call per page of up to 1000 keys. With `versions`, also every version and delete
 * marker. Per-key failures are counted and make the call fail; they are never hidden.
 */
export async function emptyBucket(
  ctx: MethodContext,
  bucket: string,
  prefix: string | undefined,
  versions: boolean,
): Promise<EmptyReport> {
  const report: EmptyReport = { deleted: 0, failed: 0, errors: [], pages: 0 };
  const started = Date.now();
  const deleteBatch = async (keys: DeleteKey[]) => {
    if (keys.length === 0) return;
    const out = await ctx.s3.deleteObjects(bucket, keys, ctx.signal);
    report.deleted += out.Deleted.length;
    report.failed += out.Errors.length;
    for (const e of out.Errors) {
      if (report.errors.length < MAX_REPORTED_ERRORS) report.errors.push(e);
    }
    report.pages++;
    ctx.log.info(
      "Deleting items of bucket {bucket}: {deleted} deleted, {failed} failed, page {pages}",
      {
        bucket,
        deleted: report.deleted,
        failed: report.failed,
        pages: report.pages,
        elapsedMs: Date.now() - started,
      },
    );
  };
  if (versions) {
    let keyMarker: string | undefined;
    let versionMarker: string | undefined;
    for (;;) {
      const page = await ctx.s3.listObjectVersions(
        bucket,
        prefix,
        keyMarker,
        versionMarker,
        ctx.signal,
      );
      for (let i = 0; i < page.Versions.length; i += 1000) {
        await deleteBatch(page.Versions.slice(i, i + 1000));
      }
      if (!page.IsTruncated) break;
      keyMarker = page.NextKeyMarker;
      versionMarker = page.NextVersionIdMarker || undefined;
    }
  } else {
    let token: string | undefined;
    for (;;) {
      const page = await ctx.s3.listObjects(
        { bucket, prefix, continuationToken: token, maxKeys: 1000 },
        ctx.signal,
      );
      await deleteBatch(page.Contents.map((c) => ({ Key: c.Key })));
      if (!page.IsTruncated || !page.NextContinuationToken) break;
      token = page.NextContinuationToken;
    }
  }
  if (report.failed > 0) {
    const first = report.errors.slice(0, 5).map((e) =>
      `${JSON.stringify(e.Key)} (${e.Code}: ${e.Message})`
    );
    throw new ConnectorError(
      report.errors[0] ? passThroughCode(report.errors[0].Code) : s3Code("DeleteFailed"),
      `${report.failed} item(s) of bucket ${
        JSON.stringify(bucket)
      } could not be deleted (${report.deleted} deleted): ${first.join(", ")}${
        report.failed > 5 ? ", ..." : ""
      }`,
    );
  }
  return report;
}

/** Polls until nothing is listed under the prefix; throws Timeout after `seconds`. */
export async function waitUntilEmpty(
  ctx: MethodContext,
  bucket: string,
  prefix: string | undefined,
  seconds: number,
): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const page = await ctx.s3.listObjects({ bucket, prefix, maxKeys: 1 }, ctx.signal);
    if ((page.KeyCount ?? 0) === 0 && page.Contents.length === 0) return;
    if (Date.now() > deadline) {
      throw new ConnectorError(
        "Timeout",
        `Timeout: waited ${seconds}s for bucket ${JSON.stringify(bucket)} to list empty`,
      );
    }
    await delay(500);
  }
}
