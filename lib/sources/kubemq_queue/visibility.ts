/**
 * While the target works on a queue message, its visibility is extended every half visibility
 * period, so a large upload is not handed to another receiver.
 */
import type { QueueMessageStream } from "../kubemq/queue_client.ts";

/** Starts extending; returns the function that stops it. */
export function extendVisibility(
  stream: QueueMessageStream,
  visibilitySeconds: number,
  onError: (err: unknown) => void,
): () => void {
  const timer = setInterval(() => {
    stream.extend(visibilitySeconds).catch(onError);
  }, (visibilitySeconds * 1000) / 2);
  return () => clearInterval(timer);
}
