/**
 * The soak's account of what S3 must hold, checked against S3 itself (by SHA-256): every key the
 * connector said it stored, before it is deleted and at the end, and every key it said it
 * deleted or failed to store, at the end. The reader is the witness; the connector's answers
 * only say what to look for.
 *
 * @module
 */

/** Reads a key's SHA-256 from S3: null when S3 says it does not exist (404), else throws. */
export type ReadHash = (key: string) => Promise<string | null>;

/** What the soak expects of S3, and what it found. */
export class SoakLedger {
  /** Keys reported stored, with the hash of the bytes sent. */
  readonly stored = new Map<string, string>();
  /** Keys reported deleted, or whose upload failed. */
  readonly absent = new Set<string>();
  /** Keys reported stored that were missing or different, before their delete or at the end. */
  missingOrWrong = 0;
  /** Keys reported deleted or failed that exist at the end. */
  unexpectedlyPresent = 0;
  /** Keys read back before their delete. */
  checkedBeforeDelete = 0;
  readonly #read: ReadHash;

  constructor(read: ReadHash) {
    this.#read = read;
  }

  /** The connector said it stored `key` with these bytes' hash. */
  uploaded(key: string, hash: string): void {
    this.stored.set(key, hash);
  }

  /** The upload of `key` failed: it must not exist. */
  uploadFailed(key: string): void {
    this.absent.add(key);
  }

  /**
   * Reads `key` before it is deleted: an upload that was reported but never stored would pass
   * an absence check after the delete, so it is caught here.
   */
  async beforeDelete(key: string): Promise<void> {
    this.checkedBeforeDelete++;
    if ((await this.#read(key)) !== this.stored.get(key)) this.missingOrWrong++;
  }

  /** The connector said it deleted `key`. */
  deleted(key: string): void {
    this.stored.delete(key);
    this.absent.add(key);
  }

  /** Checks every key against S3, `parallel` reads at a time. */
  async verify(parallel = 8): Promise<void> {
    const keys = [...this.stored.entries()];
    const absentKeys = [...this.absent];
    const worker = async () => {
      for (let k = keys.pop(); k; k = keys.pop()) {
        if ((await this.#read(k[0])) !== k[1]) this.missingOrWrong++;
      }
      for (let k = absentKeys.pop(); k !== undefined; k = absentKeys.pop()) {
        if ((await this.#read(k)) !== null) this.unexpectedlyPresent++;
      }
    };
    await Promise.all(Array.from({ length: parallel }, worker));
  }
}
