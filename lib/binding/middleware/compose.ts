/**
 * The binding's request pipeline: middleware functions `(call, next)` composed once, as hono
 * composes its middleware. Unlike hono, `next` may be called more than once (retry).
 */
import type { Logger } from "@logtape/logtape";
import type { Target, TargetResult } from "../../kinds/kind.ts";
import type { TargetRequest, TargetResponse } from "../../wire.ts";

/** One request as it passes through the middleware. */
export interface Call {
  /** The request; middleware may replace it (metadata merge). */
  request: TargetRequest;
  /** `metadata.method` of the request after the merge, or "". */
  method: string;
  readonly requestId: string;
  /** `performance.now()` when the body arrived. */
  readonly started: number;
  /** Aborted at the deadline or at shutdown's hard stop (set by the deadline middleware). */
  signal: AbortSignal;
  /** The running target, set by the target-ready middleware. */
  target: Target | null;
  /** Set by the envelope: whether the failure may succeed later. */
  retryable: boolean;
  /** Set by the envelope middleware from the target's result: data bytes sent to the backend. */
  bytesOut: number;
  /** Likewise: data bytes received from the backend. */
  bytesIn: number;
  /** The binding's per-request logger. */
  readonly log: Logger;
  /** Fields of every request log line: binding, method, request id. */
  fields(): { binding: string; method: string; requestId: string };
}

/** Middleware outside the envelope: sees the response. */
export type ResponseMiddleware = (
  call: Call,
  next: () => Promise<TargetResponse>,
) => Promise<TargetResponse>;

/** Middleware inside the envelope: sees the target's result, or its error thrown. */
export type TargetMiddleware = (
  call: Call,
  next: () => Promise<TargetResult>,
) => Promise<TargetResult>;

/** Composes middleware around `last`: the first in the list runs first. */
export function compose<R>(
  middleware: readonly ((call: Call, next: () => Promise<R>) => Promise<R>)[],
  last: (call: Call) => Promise<R>,
): (call: Call) => Promise<R> {
  return (call) => {
    const dispatch = (i: number): Promise<R> => {
      const mw = middleware[i];
      if (mw === undefined) return last(call);
      return mw(call, () => dispatch(i + 1));
    };
    return dispatch(0);
  };
}
