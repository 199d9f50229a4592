/**
 * Soak: mixed methods from concurrent senders through the real stack (test broker, connector with
 * production flags, radosgw) for a fixed time, then a check that nothing was lost: every object
 * reported uploaded is in S3 with the same SHA-256, none reported failed or deleted exists.
 *
 * The CI profile (tests/reliability/soak_test.ts) calls {@link runSoak} for about a minute; the
 * long profile is `deno task soak` (tools/soak.ts).
 *
 * @module
 */
import { encodeRequest } from "../lib/wire.ts";
import { stopCountingCrashes } from "./crashes.ts";
import { percentile } from "./percentile.ts";
import { connectorPid, procFigures } from "./proc.ts";
import { type RssTrend, sampleRss } from "./rss_trend.ts";
import { SoakLedger } from "./soak_ledger.ts";
import { createTestBucket, deleteTestBucketFully, objectSha256, testS3Client } from "./s3.ts";
import { sha256 } from "./sha256.ts";
import { startStack } from "./stack.ts";

/** What a soak run reports. */
export interface SoakFigures {
  /** Measured seconds, after `warmupSeconds` of the same traffic. */
  seconds: number;
  warmupSeconds: number;
  senders: number;
  requestsServed: number;
  byMethod: Record<string, number>;
  errors: number;
  errorRate: number;
  /** Queries whose sender got no answer (broker timeout or transport error). */
  lost: number;
  /** Responses the broker received for a query it had already answered (the broker counts). */
  duplicated: number;
  /** get_item answers whose bytes differ from what was stored. */
  wrongReads: number;
  /** Objects reported uploaded that were missing or differed in S3 (before a delete, at the end). */
  missingOrWrong: number;
  /** Objects read back by hash before their delete. */
  checkedBeforeDelete: number;
  /** After the run: objects reported failed or deleted that exist. */
  unexpectedlyPresent: number;
  objectsVerified: number;
  p50Ms: number;
  p99Ms: number;
  rssStartMiB: number;
  rssEndMiB: number;
  rssMaxMiB: number;
  /** RSS sampled through the run; the leak bound is its growth over the second half. */
  rss: RssTrend;
  fdsStart: number;
  fdsEnd: number;
  /** From the connector's exit status: it died by itself, or did not exit 0 on SIGTERM. */
  crashes: number;
  connectorExit: string;
  firstErrors: string[];
}

const mib = (b: number) => Math.round(b / 1024 / 102.4) / 10;

/** Live objects per sender; beyond it the sender deletes its oldest (32 x 64 x 64 KiB max). */
const MAX_LIVE_PER_SENDER = 64;

/**
 * Runs the soak for `warmupSeconds` (default 30) and then `seconds` with `senders` concurrent
 * senders. The RSS trend (and its leak bound) covers the `seconds` after the warm-up only: V8
 * grows its heap for the first half minute or more of traffic (longer on a loaded machine).
 */
export async function runSoak(
  options: {
    seconds: number;
    warmupSeconds?: number;
    senders?: number;
    progress?: (line: string) => void;
  },
): Promise<SoakFigures> {
  const senders = options.senders ?? 32;
  const s3 = testS3Client();
  const bucket = await createTestBucket(s3, "soak");
  try {
    await using stack = await startStack({});
    const pid = connectorPid(stack.connector);
    const latencies: number[] = [];
    const byMethod: Record<string, number> = {};
    const ledger = new SoakLedger((key) => objectSha256(s3, bucket, key));
    const firstErrors: string[] = [];
    let errors = 0;
    let lost = 0;
    let wrongReads = 0;

    const send = async (metadata: Record<string, string>, data: Uint8Array | null) => {
      const t0 = performance.now();
      try {
        const res = await stack.client.sendQuery({
          channel: stack.channel,
          body: encodeRequest({ metadata, data }),
          timeoutMs: 30_000,
        });
        latencies.push(performance.now() - t0);
        byMethod[metadata.method!] = (byMethod[metadata.method!] ?? 0) + 1;
        const out = JSON.parse(new TextDecoder().decode(res.body)) as {
          is_error?: boolean;
          error?: string;
          data?: string | null;
        };
        if (out.is_error) {
          errors++;
          if (firstErrors.length < 10) firstErrors.push(`${metadata.method}: ${out.error}`);
          return null;
        }
        return out;
      } catch (err) {
        lost++;
        if (firstErrors.length < 10) {
          firstErrors.push(`${metadata.method}: ${(err as Error).message}`);
        }
        return null;
      }
    };

    // Warm up before the baseline is taken.
    await send({ method: "list_bucket_items", bucket_name: bucket }, null);
    const start = procFigures(pid);
    let rssMax = start.rssBytes;
    const warmupMs = (options.warmupSeconds ?? 30) * 1000;
    const deadline = performance.now() + warmupMs + options.seconds * 1000;
    // After the warm-up, about 100 samples whatever the length, at least one a second.
    let rss: ReturnType<typeof sampleRss> | null = null;
    const warmedUp = setTimeout(() => {
      rss = sampleRss(pid, Math.min(1000, options.seconds * 10));
    }, warmupMs);
    const sampler = setInterval(() => {
      try {
        const f = procFigures(pid);
        rssMax = Math.max(rssMax, f.rssBytes);
        options.progress?.(
          `${
            Math.round((deadline - performance.now()) / 1000)
          } s left: ${latencies.length} served, ${errors} errors, ${lost} lost, RSS ${
            mib(f.rssBytes)
          } MiB, ${f.fds} fds`,
        );
      } catch { /* gone: counted from the exit status below */ }
    }, 10_000);

    /** Reads `key` back by hash, then deletes it; once the connector said so, it must be absent. */
    const remove = async (key: string) => {
      await ledger.beforeDelete(key);
      const res = await send(
        { method: "delete_item_from_bucket", bucket_name: bucket, item_name: key },
        null,
      );
      if (!res) return false;
      ledger.deleted(key);
      return true;
    };

    const sender = async (n: number) => {
      const mine: string[] = [];
      for (let i = 0; performance.now() < deadline; i++) {
        const roll = Math.random();
        if (mine.length >= MAX_LIVE_PER_SENDER) {
          // Keep the live data bounded (radosgw's memstore is a few GiB): delete the oldest.
          const key = mine.shift()!;
          if (!(await remove(key))) mine.unshift(key);
        } else if (roll < 0.4 || mine.length === 0) {
          const key = `s${n}/o${i}`;
          const data = crypto.getRandomValues(new Uint8Array(Math.floor(Math.random() * 65536)));
          const hash = await sha256(data);
          const res = await send(
            { method: "upload_item", bucket_name: bucket, item_name: key },
            data,
          );
          if (res) {
            ledger.uploaded(key, hash);
            mine.push(key);
          } else ledger.uploadFailed(key);
        } else if (roll < 0.7) {
          const key = mine[Math.floor(Math.random() * mine.length)]!;
          const res = await send({ method: "get_item", bucket_name: bucket, item_name: key }, null);
          if (
            res && (await sha256(Uint8Array.fromBase64(res.data ?? ""))) !== ledger.stored.get(key)
          ) {
            wrongReads++;
          }
        } else if (roll < 0.8) {
          await send({
            method: "list_bucket_items",
            bucket_name: bucket,
            prefix: `s${n}/`,
            max_keys: "20",
          }, null);
        } else if (roll < 0.9) {
          const key = mine[Math.floor(Math.random() * mine.length)]!;
          await send({ method: "head_item", bucket_name: bucket, item_name: key }, null);
        } else {
          const key = mine.splice(Math.floor(Math.random() * mine.length), 1)[0]!;
          if (!(await remove(key))) mine.push(key);
        }
      }
    };
    await Promise.all(Array.from({ length: senders }, (_, n) => sender(n)));
    clearInterval(sampler);
    clearTimeout(warmedUp);
    const trend = (rss as ReturnType<typeof sampleRss> | null)?.stop() ??
      sampleRss(pid, 1000).stop();
    const end = stack.connector.ended() ? { rssBytes: NaN, fds: NaN } : procFigures(pid);
    const stats = await stack.broker.stats();
    const { crashes, exit } = await stopCountingCrashes(stack.connector);

    // Nothing lost: check S3 itself.
    const objectsVerified = ledger.stored.size + ledger.absent.size;
    await ledger.verify();

    return {
      seconds: options.seconds,
      warmupSeconds: warmupMs / 1000,
      senders,
      requestsServed: latencies.length,
      byMethod,
      errors,
      errorRate: latencies.length ? errors / latencies.length : 0,
      lost,
      duplicated: stats.responsesDuplicate,
      wrongReads,
      missingOrWrong: ledger.missingOrWrong,
      checkedBeforeDelete: ledger.checkedBeforeDelete,
      unexpectedlyPresent: ledger.unexpectedlyPresent,
      objectsVerified,
      p50Ms: Math.round(percentile(latencies, 50) * 10) / 10,
      p99Ms: Math.round(percentile(latencies, 99) * 10) / 10,
      rssStartMiB: mib(start.rssBytes),
      rssEndMiB: mib(end.rssBytes),
      rssMaxMiB: Math.max(mib(rssMax), trend.peakMiB),
      rss: trend,
      fdsStart: start.fds,
      fdsEnd: end.fds,
      crashes,
      connectorExit: exit,
      firstErrors,
    };
  } finally {
    await deleteTestBucketFully(bucket, s3);
    s3.destroy();
  }
}
