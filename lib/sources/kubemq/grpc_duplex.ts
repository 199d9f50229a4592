/**
 * A bidirectional call over a started HTTP/2 stream: small messages written one at a time, the
 * server's messages and the end reported as for any call.
 */
import { prefix } from "./grpc_framing.ts";
import type { CallHandlers, StartedCall } from "./grpc_server_stream.ts";
import type { GrpcError } from "./grpc_status.ts";

/** A live bidirectional call. */
export interface DuplexCall {
  /** Sends one message; false when the call has ended (the message is not sent). */
  write(message: Uint8Array): boolean;
  /** Ends the call; onEnd gets CANCELLED. */
  cancel(): void;
}

/**
 * Starts a call with `start` (which leaves the stream open for writes); a message over
 * `maxSendBytes` cancels it.
 */
export function duplexCall(
  start: (handlers: CallHandlers) => StartedCall,
  maxSendBytes: number,
  onMessage: (message: Uint8Array) => void,
  onEnd: (error: GrpcError | null) => void,
): DuplexCall {
  let open = true;
  const call = start({
    onMessage,
    onEnd: (error) => {
      open = false;
      onEnd(error);
    },
  });
  return {
    write: (message) => {
      const stream = call.stream;
      if (!open || stream === null || stream.destroyed || stream.closed || stream.writableEnded) {
        return false;
      }
      if (message.length > maxSendBytes) {
        call.cancel();
        return false;
      }
      const framed = new Uint8Array(5 + message.length);
      framed.set(prefix(message.length));
      framed.set(message, 5);
      stream.write(framed);
      return true;
    },
    cancel: () => call.cancel(),
  };
}
