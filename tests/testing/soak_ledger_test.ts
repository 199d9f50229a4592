/**
 * The soak's ledger (testing/soak_ledger.ts) against a reader standing in for S3: an upload the
 * connector reported but never stored is caught when the key is read back before its delete.
 * The old soak only checked deleted keys for absence, which such a key passes.
 */
import assert from "node:assert/strict";
import { SoakLedger } from "../../testing/soak_ledger.ts";

/** A bucket as a map of key -> hash; a missing key reads as null (S3's 404). */
function bucket(objects: Record<string, string>) {
  return (key: string) => Promise.resolve(objects[key] ?? null);
}

Deno.test("soak ledger: a reported upload that was never stored fails the read before its delete", async () => {
  const s3: Record<string, string> = { kept: "h1" };
  const ledger = new SoakLedger(bucket(s3));
  ledger.uploaded("kept", "h1");
  ledger.uploaded("lost", "h2"); // reported "ok", never stored
  for (const key of ["kept", "lost"]) {
    await ledger.beforeDelete(key);
    delete s3[key];
    ledger.deleted(key);
  }
  await ledger.verify();
  assert.equal(ledger.checkedBeforeDelete, 2);
  assert.equal(ledger.missingOrWrong, 1, "the never-stored upload is counted");
  // What the old soak saw: both keys absent after their delete, nothing wrong.
  assert.equal(ledger.unexpectedlyPresent, 0);
});

Deno.test("soak ledger: other bytes before the delete, a live key missing, a deleted key present", async () => {
  const s3: Record<string, string> = { a: "other", b: "hb", c: "hc" };
  const ledger = new SoakLedger(bucket(s3));
  ledger.uploaded("a", "ha");
  ledger.uploaded("b", "hb");
  ledger.uploaded("live", "hl"); // not in S3 at the end
  await ledger.beforeDelete("a");
  ledger.deleted("a");
  delete s3.a;
  await ledger.beforeDelete("b");
  ledger.deleted("b"); // the delete was reported, yet b stays
  ledger.uploadFailed("c"); // reported failed, yet c exists
  await ledger.verify(2);
  assert.equal(ledger.missingOrWrong, 2, "a (other bytes) and live (missing)");
  assert.equal(ledger.unexpectedlyPresent, 2, "b and c");
});

Deno.test("soak ledger: a read that fails (not a 404) fails the soak instead of counting as absent", async () => {
  const ledger = new SoakLedger(() => Promise.reject(new Error("AccessDenied")));
  ledger.uploaded("k", "h");
  await assert.rejects(ledger.beforeDelete("k"), /AccessDenied/);
  ledger.uploadFailed("gone");
  await assert.rejects(ledger.verify(), /AccessDenied/);
});
