/** The `kubemq.query` source kind: properties, cross-checks and factory. */
import { defineSourceKind } from "../../kinds/kind.ts";
import { kubemqPayload, kubemqPermissions, kubemqResponseLimit } from "../kubemq/kind_support.ts";
import { kubemqQueryProperties, validateKubemqQueryOptions } from "./options.ts";

/** Kind `kubemq.query`: answers KubeMQ queries on a channel. */
export const kubemqQuerySource = defineSourceKind({
  kind: "kubemq.query",
  description:
    "Subscribes to KubeMQ queries on a channel and answers each with the target's response.",
  properties: kubemqQueryProperties,
  validate: validateKubemqQueryOptions,
  permissions: kubemqPermissions,
  payload: kubemqPayload,
  responseLimit: kubemqResponseLimit,
  // Imported on first use: the launcher validates configs with this kind but must never load
  // grpc-js or kubemq-js, which only the sandboxed worker runs.
  create: async (options, ctx) =>
    (await import("./source.ts")).createKubemqQuerySource(options, ctx),
});
