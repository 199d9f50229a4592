/**
 * Sending a request's answer: the binding's result (its encoded response, or for commands the
 * outcome alone) goes back to the request's reply channel.
 */
import type { Logger } from "@logtape/logtape";
import { collectGarbage, LARGE_TRANSFER_BYTES } from "../../gc.ts";
import type { HandleResult } from "../../kinds/source.ts";
import type { KubemqRequestsClient, RequestReply } from "./requests_port.ts";

/** What a reply carries besides its ids: the body, and for commands Executed and Error. */
export type ReplyContent = Pick<RequestReply, "body" | "executed" | "error">;

/** Where and how one answer goes. */
export interface ReplyTo {
  client: KubemqRequestsClient;
  clientId: string;
  requestId: string;
  replyChannel: string;
  /** Size of the request's body, to decide on a collection after a large transfer. */
  requestBytes: number;
  /** Builds the reply from the binding's result. */
  content: (result: HandleResult) => ReplyContent;
  /** SendResponse deadline. */
  timeoutMs: number;
  log: Logger;
}

/**
 * Waits for the handler's answer and sends it; never rejects. A handler that breaks its
 * contract and rejects gets no answer sent (the sender times out): the binding builds every
 * response, so there is none to send.
 */
export async function sendReply(to: ReplyTo, answered: Promise<HandleResult>): Promise<void> {
  let content: ReplyContent;
  let answeredBytes: number;
  let tags: Record<string, string> | undefined;
  try {
    const result = await answered;
    answeredBytes = (result.pieces ?? result.body).byteLength;
    content = to.content(result);
    tags = result.tags;
  } catch (err) {
    to.log.error("Request {requestId} failed in the handler, not answered: {error}", {
      requestId: to.requestId,
      error: err instanceof Error ? err.message : String(err),
    });
    return;
  }
  try {
    await to.client.sendResponse({
      ...content,
      ...(tags ? { tags } : {}),
      requestId: to.requestId,
      replyChannel: to.replyChannel,
      clientId: to.clientId,
    }, to.timeoutMs);
  } catch (err) {
    to.log.warn("SendResponse for request {requestId} failed: {error}", {
      requestId: to.requestId,
      error: err instanceof Error ? err.message : String(err),
    });
  }
  if (Math.max(to.requestBytes, answeredBytes) >= LARGE_TRANSFER_BYTES) {
    // The transfer's buffers (message, object, S3 and transport chunks) are garbage now:
    // collect them once the answer is out, so the next transfer does not start on top.
    setTimeout(collectGarbage, 0);
  }
}
