/** The `kubemq.query` source kind: properties, cross-checks and factory. */
import { defineSourceKind } from "../../kinds.ts";
import { kubemqQueryProperties, validateKubemqQueryOptions } from "./options.ts";
import { createKubemqQuerySource } from "./source.ts";

/** Kind `kubemq.query`: answers KubeMQ queries on a channel. */
export const kubemqQuerySource = defineSourceKind({
  kind: "kubemq.query",
  description:
    "Subscribes to KubeMQ queries on a channel and answers each with the target's response.",
  properties: kubemqQueryProperties,
  validate: validateKubemqQueryOptions,
  create: (options, ctx) => createKubemqQuerySource(options, ctx),
});
