/**
 * S3 as the witness of the broker restart test: objects read back and compared by SHA-256,
 * several at once so that thousands of keys take seconds.
 *
 * @module
 */
import type { S3Client } from "@aws-sdk/client-s3";
import { objectSha256 } from "../../testing/s3.ts";

/** Reads at once while checking; radosgw answers small GETs in a few ms. */
const PARALLEL_READS = 8;

/** The SHA-256 of each key's object, null where there is none. */
export async function shasOf(
  s3: S3Client,
  bucket: string,
  keys: string[],
): Promise<Map<string, string | null>> {
  const out = new Map<string, string | null>();
  let next = 0;
  const worker = async () => {
    while (next < keys.length) {
      const key = keys[next++]!;
      out.set(key, await objectSha256(s3, bucket, key));
    }
  };
  await Promise.all(Array.from({ length: PARALLEL_READS }, worker));
  return out;
}

/** The keys whose object is missing or differs from `sha`, sorted. */
export async function storedAsSent(
  s3: S3Client,
  bucket: string,
  items: { key: string; sha: string }[],
): Promise<string[]> {
  const shas = await shasOf(s3, bucket, items.map((i) => i.key));
  return items.filter((i) => shas.get(i.key) !== i.sha).map((i) => i.key).sort();
}
