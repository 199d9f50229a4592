/**
 * A server-streaming call that can be paused: while paused, received messages wait here and the
 * transport stops reading, so HTTP/2 flow control holds the rest at the server.
 */
import type http2 from "node:http2";
import { type GrpcError, Status } from "./grpc_status.ts";

/** A live server-streaming call. */
export interface ServerStream {
  pause(): void;
  resume(): void;
  cancel(): void;
}

/** What a started call reports to. */
export interface CallHandlers {
  onMessage(message: Uint8Array): void;
  onEnd(error: GrpcError | null): void;
}

/** A started call: its stream (null when it failed before one was opened) and its cancel. */
export interface StartedCall {
  stream: http2.ClientHttp2Stream | null;
  cancel(): void;
}

/** Starts a call with `start` and delivers its messages in order, pausable. */
export function pausableStream(
  start: (handlers: CallHandlers) => StartedCall,
  onMessage: (message: Uint8Array) => void,
  onEnd: (error: GrpcError | null) => void,
): ServerStream {
  let paused = false;
  const waiting: Uint8Array[] = [];
  let endedWith: { error: GrpcError | null } | null = null;
  const drain = () => {
    while (!paused && waiting.length > 0) onMessage(waiting.shift()!);
    if (!paused && endedWith) {
      const e = endedWith;
      endedWith = null;
      onEnd(e.error);
    }
  };
  const call = start({
    onMessage: (m) => {
      if (paused || waiting.length > 0) waiting.push(m);
      else onMessage(m);
    },
    onEnd: (error) => {
      // Queued messages are delivered first, a cancel's too (then at once, paused or not): the
      // server handed them to this stream, and no one else gets them.
      endedWith = { error };
      if (error?.code === Status.CANCELLED) paused = false;
      drain();
    },
  });
  return {
    pause: () => {
      paused = true;
      call.stream?.pause();
    },
    resume: () => {
      paused = false;
      call.stream?.resume();
      drain();
    },
    cancel: () => call.cancel(),
  };
}
