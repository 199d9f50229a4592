/**
 * The `kubemq.command` source: the query source's subscription loop, reconnects and
 * concurrency bound, subscribed with the command type (SubscribeTypeData 3). A command's
 * response carries no body: Executed is true when the target succeeded, otherwise false with
 * the error text in Error (both from the binding's outcome), as kubemq-targets answers commands.
 */
import type { KindContext } from "../../kinds/kind.ts";
import { createKubemqQueryClient } from "../kubemq_query/client.ts";
import type { ReplyContent } from "../kubemq_query/reply.ts";
import { createKubemqQuerySource } from "../kubemq_query/source.ts";
import type { KubemqQuerySourceTuning } from "../kubemq_query/tuning.ts";
import type { HandleResult, Source } from "../source.ts";
import type { KubemqCommandOptions } from "./options.ts";

/** Subscribe.SubscribeTypeData for commands. */
const SUBSCRIBE_COMMANDS = 3;

/** A command's reply: no body; Executed when the target succeeded, else the error text. */
export function commandReply(result: HandleResult): ReplyContent {
  const executed = result.outcome.kind === "ok";
  return { body: new Uint8Array(), executed, error: executed ? "" : result.outcome.error };
}

/** Creates a `kubemq.command` source from parsed options. */
export function createKubemqCommandSource(
  options: KubemqCommandOptions,
  ctx: KindContext,
  tuning: KubemqQuerySourceTuning = {},
): Source {
  return createKubemqQuerySource(options, ctx, {
    ...tuning,
    createClient: tuning.createClient ??
      ((config) => createKubemqQueryClient(config, SUBSCRIBE_COMMANDS)),
    reply: commandReply,
  });
}
