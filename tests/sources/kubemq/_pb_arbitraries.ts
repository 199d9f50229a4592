/**
 * What the codec property tests (pb_queues_test.ts, pb_events_test.ts) share: the arbitraries
 * of field values, plain records, the tags of a generated message, and the truncation check.
 */
import assert from "node:assert/strict";
import fc from "fast-check";

export const text = fc.string({ unit: "binary", maxLength: 40 });
/** int64/uint64 fields the connector reads as numbers: exact up to 2^53. */
export const uint53 = fc.maxSafeNat();
export const tags = fc.dictionary(text, text, { maxKeys: 4 });
/** Bodies on both sides of the writer's 4 KiB copy threshold. */
export const body = fc.uint8Array({ maxLength: 6000 });
export const RUNS = { numRuns: 300 };

/** Records as plain objects (fast-check may make them null-prototype, which deepEqual sees). */
export const record = <T>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }) =>
  fc.record(model, { noNullPrototype: true });

/** A generated message's tags map as an object. */
export const tagsOf = (m: { getTagsMap(): { toArray(): [string, string][] } }) =>
  Object.fromEntries(m.getTagsMap().toArray());

/**
 * `decode` throws on every strict prefix of `bytes` that cuts a field, and reads the others:
 * `boundaries` are the lengths at which a top-level field ends.
 */
export function assertTruncations(
  bytes: Uint8Array,
  boundaries: Set<number>,
  decode: (b: Uint8Array) => unknown,
): void {
  for (let k = 0; k < bytes.length; k++) {
    const cut = bytes.subarray(0, k);
    if (boundaries.has(k)) decode(cut);
    else assert.throws(() => decode(cut), /truncated/, `cut at ${k} of ${bytes.length}`);
  }
}
