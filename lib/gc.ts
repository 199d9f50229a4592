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

/** Quiet time after start-up before the start-up garbage is collected. */
export const IDLE_COLLECTION_DELAY_MS = 1000;
/**
 * Quiet time after a burst of requests before its heap is given back. Long on purpose: the
 * collection reduces memory (V8 shrinks its heap and limits), and the requests after it ran
 * ~30 % slower with ~35 % more CPU for as long as they were measured (`bench/probe_large.ts
 * --small 100 --small-concurrency 32,1 --small-rounds 4 --small-gap-ms 1500`: c=1 2,650–2,700 ms
 * CPU per 1,000 and 6.8 ms each with the collection between rounds, 2,000–2,250 and 5.8–6.6
 * without). With a 1 s delay, a connector asked every second or two paid that on every request.
 */
export const BURST_IDLE_COLLECTION_DELAY_MS = 30_000;

let idleTimer: ReturnType<typeof setTimeout> | undefined;

/**
 * Asks for one full collection once the connector has been idle for `delayMs` (each call
 * restarts the wait). V8 keeps the heap it grew under load (measured: ~120 MB committed for
 * ~20 MB live after 6,000 small requests, RSS 227 MiB instead of ~110) until it next runs out of
 * room; a collection when the connector is idle gives it back. Under steady load the timer never
 * fires, so it costs nothing there.
 */
export function scheduleIdleCollection(delayMs = IDLE_COLLECTION_DELAY_MS): void {
  clearTimeout(idleTimer);
  idleTimer = setTimeout(() => {
    idleTimer = undefined;
    collectGarbage();
  }, delayMs);
  Deno.unrefTimer(idleTimer);
}

/**
 * After a source finished one message: a collection soon when it moved `bytes` of at least
 * LARGE_TRANSFER_BYTES (its buffers are garbage now, and the next transfer should not start on
 * top of them), and one after a burst's quiet time once nothing is in flight.
 */
export function afterMessage(bytes: number, inFlight: number): void {
  if (bytes >= LARGE_TRANSFER_BYTES) setTimeout(collectGarbage, 0);
  if (inFlight === 0) scheduleIdleCollection(BURST_IDLE_COLLECTION_DELAY_MS);
}
