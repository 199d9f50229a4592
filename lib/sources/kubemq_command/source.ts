/**
 * The `kubemq.command` source: the query source's subscription loop, reconnects and
 * concurrency bound, subscribed with the command type (SubscribeTypeData 3). A command's
 * response carries no body: Executed is true when the target succeeded, otherwise false with
 * the error text in Error, as kubemq-targets answers commands.
 */
import type { KindContext } from "../../kinds/kind.ts";
import { decodeResponse } from "../../wire.ts";
import { createKubemqQueryClient, type KubemqQueryClient } from "../kubemq_query/client.ts";
import { createKubemqQuerySource, type KubemqQuerySourceTuning } from "../kubemq_query/source.ts";
import type { Source } from "../source.ts";
import type { KubemqCommandOptions } from "./options.ts";

/** Subscribe.SubscribeTypeData for commands. */
const SUBSCRIBE_COMMANDS = 3;

/** Wraps a command subscription's client so responses carry Executed and Error, no body. */
export function commandClient(inner: KubemqQueryClient): KubemqQueryClient {
  return {
    ...inner,
    sendResponse(reply, timeoutMs) {
      let executed = false;
      let error: string;
      try {
        const res = decodeResponse(reply.body);
        executed = !res.isError;
        error = res.error;
      } catch (err) {
        error = `internal error: unreadable response (${(err as Error).message})`;
      }
      return inner.sendResponse(
        { ...reply, body: new Uint8Array(), executed, error: executed ? "" : error },
        timeoutMs,
      );
    },
  };
}

/** Creates a `kubemq.command` source from parsed options. */
export function createKubemqCommandSource(
  options: KubemqCommandOptions,
  ctx: KindContext,
  tuning: KubemqQuerySourceTuning = {},
): Source {
  return createKubemqQuerySource(options, ctx, {
    ...tuning,
    createClient: (config) =>
      commandClient(
        tuning.createClient?.(config) ?? createKubemqQueryClient(config, SUBSCRIBE_COMMANDS),
      ),
  });
}
