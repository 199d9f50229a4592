/** The `kubemq.events` source kind: properties, cross-checks and factory. */
import { defineSourceKind } from "../../kinds/kind.ts";
import { kubemqPayload, kubemqPermissions } from "../kubemq/kind_support.ts";
import { kubemqEventsProperties, validateKubemqEventsOptions } from "./options.ts";

/** Kind `kubemq.events`: handles KubeMQ events, best effort. */
export const kubemqEventsSource = defineSourceKind({
  kind: "kubemq.events",
  description:
    "Subscribes to KubeMQ events on a channel and handles each once, fire-and-forget; outcomes go to response_channel when set.",
  properties: kubemqEventsProperties,
  validate: validateKubemqEventsOptions,
  permissions: kubemqPermissions,
  payload: kubemqPayload,
  // Imported on first use: the launcher must never load grpc-js or kubemq-js.
  create: async (options, ctx) =>
    (await import("./source.ts")).createKubemqEventsSource(options, ctx),
});
