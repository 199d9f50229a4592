/**
 * Asks V8 for a full garbage collection after a large transfer.
 *
 * Why: the buffers of a large query (the ~85 MB message, the 64 MiB object, the transport's
 * receive chunks) become garbage once it is answered, but V8 only collects when the JavaScript
 * heap or the external-memory counter next crosses a limit, and an idle connector allocates
 * almost nothing. So the next large transfer started with the previous one's dead buffers still
 * resident, and peaks added up (measured: 132 MiB RSS before the second of two 64 MiB receives
 * instead of 53, with 151 MB of dead ArrayBuffers still counted as external memory).
 *
 * The connector's flags do not include `--expose-gc`; the function is obtained at run time the
 * way Node programs do (`v8.setFlagsFromString` + a fresh `vm` context), and if that fails the
 * call is a no-op. One collection of the connector's ~20-50 MB heap costs a few milliseconds,
 * so it is only asked for after transfers of at least LARGE_TRANSFER_BYTES.
 */
import v8 from "node:v8";
import vm from "node:vm";

/** Transfers from this size on are followed by a collection. */
export const LARGE_TRANSFER_BYTES = 8 * 1024 * 1024;

type Gc = () => void;
let gc: Gc | null | undefined;

function resolveGc(): Gc | null {
  const exposed = (globalThis as { gc?: Gc }).gc;
  if (typeof exposed === "function") return exposed;
  try {
    v8.setFlagsFromString("--expose-gc");
    const fn = vm.runInNewContext("gc") as unknown;
    return typeof fn === "function" ? fn as Gc : null;
  } catch {
    return null;
  }
}

/** Runs a full collection now (if V8 lets us); returns whether it ran. */
export function collectGarbage(): boolean {
  gc ??= resolveGc();
  if (gc === null) return false;
  gc();
  return true;
}

/** Quiet time after the last request before an idle collection. */
export const IDLE_COLLECTION_DELAY_MS = 1000;

let idleTimer: ReturnType<typeof setTimeout> | undefined;

/**
 * Asks for one full collection once the connector has been idle for IDLE_COLLECTION_DELAY_MS
 * (each call restarts the wait). V8 keeps the heap it grew under load (measured: ~120 MB
 * committed for ~20 MB live after 6,000 small requests, RSS 227 MiB instead of ~110) until it
 * next runs out of room; a collection when the burst is over gives it back. Under steady load
 * the timer never fires, so it costs nothing there.
 */
export function scheduleIdleCollection(): void {
  clearTimeout(idleTimer);
  idleTimer = setTimeout(() => {
    idleTimer = undefined;
    collectGarbage();
  }, IDLE_COLLECTION_DELAY_MS);
  Deno.unrefTimer(idleTimer);
}
