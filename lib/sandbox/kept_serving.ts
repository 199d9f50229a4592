/**
 * The words the worker's log lines carry when it catches a stray rejection or exception and
 * keeps serving (lib/sandbox/worker.ts). Right for production; the reliability suite counts each
 * such line as a failure and finds them by these words.
 */
export const KEPT_SERVING = "(kept serving)";
