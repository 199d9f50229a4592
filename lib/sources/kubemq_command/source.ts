/**
 * The `kubemq.command` source: the shared request-answering source (../kubemq/requests_source.ts)
 * subscribed to commands. A command's response carries no body: Executed is true when the target
 * succeeded, otherwise false with the error text in Error (both from the binding's outcome), as
 * kubemq-targets answers commands.
 */
import type { KindContext } from "../../kinds/kind.ts";
import type { ReplyContent } from "../kubemq/reply.ts";
import { SubscribeRequests } from "../kubemq/requests_client.ts";
import { createRequestsSource } from "../kubemq/requests_source.ts";
import type { RequestsSourceTuning } from "../kubemq/requests_tuning.ts";
import type { HandleResult, Source } from "../../kinds/source.ts";
import type { KubemqCommandOptions } from "./options.ts";

/** A command's reply: no body; Executed when the target succeeded, else the error text. */
export function commandReply(result: HandleResult): ReplyContent {
  const executed = result.outcome.kind === "ok";
  return { body: new Uint8Array(), executed, error: executed ? "" : result.outcome.error };
}

/** Creates a `kubemq.command` source from parsed options. */
export function createKubemqCommandSource(
  options: KubemqCommandOptions,
  ctx: KindContext,
  tuning: RequestsSourceTuning = {},
): Source {
  return createRequestsSource(
    {
      kind: "kubemq.command",
      requests: "commands",
      subscribeType: SubscribeRequests.Commands,
      reply: commandReply,
    },
    options,
    ctx,
    tuning,
  );
}
