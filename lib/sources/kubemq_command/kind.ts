/** The `kubemq.command` source kind: properties, cross-checks and factory. */
import { defineSourceKind } from "../../kinds/kind.ts";
import { kubemqPayload, kubemqPermissions, kubemqResponseLimit } from "../kubemq/kind_support.ts";
import { kubemqCommandProperties, validateKubemqCommandOptions } from "./options.ts";

/** Kind `kubemq.command`: runs KubeMQ commands and answers Executed true or false. */
export const kubemqCommandSource = defineSourceKind({
  kind: "kubemq.command",
  description:
    "Subscribes to KubeMQ commands on a channel and answers each with Executed and the error, without a body.",
  properties: kubemqCommandProperties,
  validate: validateKubemqCommandOptions,
  permissions: kubemqPermissions,
  payload: kubemqPayload,
  responseLimit: kubemqResponseLimit,
  // Imported on first use: the launcher must never load grpc-js or kubemq-js.
  create: async (options, ctx) =>
    (await import("./source.ts")).createKubemqCommandSource(options, ctx),
});
