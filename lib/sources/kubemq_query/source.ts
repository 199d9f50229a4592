/**
 * The `kubemq.query` source: the shared request-answering source (../kubemq/requests_source.ts)
 * subscribed to queries, answering each with the binding's response body as is.
 */
import type { KindContext } from "../../kinds/kind.ts";
import type { ReplyContent } from "../kubemq/reply.ts";
import { SubscribeRequests } from "../kubemq/requests_client.ts";
import { createRequestsSource } from "../kubemq/requests_source.ts";
import type { RequestsSourceTuning } from "../kubemq/requests_tuning.ts";
import type { HandleResult, Source } from "../../kinds/source.ts";
import type { KubemqQueryOptions } from "./options.ts";

/** A query's reply: the binding's response body as is, in pieces when it has them. */
export function queryReply(result: HandleResult): ReplyContent {
  return { body: result.pieces ?? result.body };
}

/** Creates a `kubemq.query` source from parsed options. */
export function createKubemqQuerySource(
  options: KubemqQueryOptions,
  ctx: KindContext,
  tuning: RequestsSourceTuning = {},
): Source {
  return createRequestsSource(
    {
      kind: "kubemq.query",
      requests: "queries",
      subscribeType: SubscribeRequests.Queries,
      reply: queryReply,
    },
    options,
    ctx,
    tuning,
  );
}
