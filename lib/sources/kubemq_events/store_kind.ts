/** The `kubemq.events-store` source kind: properties, cross-checks and factory. */
import { defineSourceKind } from "../../kinds/kind.ts";
import { kubemqPayload, kubemqPermissions } from "../kubemq/kind_support.ts";
import {
  kubemqEventsStoreProperties,
  startPosition,
  validateKubemqEventsStoreOptions,
} from "./options.ts";

/** Kind `kubemq.events-store`: handles KubeMQ events-store events from a start position. */
export const kubemqEventsStoreSource = defineSourceKind({
  kind: "kubemq.events-store",
  description:
    "Subscribes to a KubeMQ events-store channel from a start position and handles each event once, fire-and-forget; outcomes go to response_channel when set.",
  properties: kubemqEventsStoreProperties,
  validate: validateKubemqEventsStoreOptions,
  permissions: kubemqPermissions,
  payload: kubemqPayload,
  // Imported on first use: the launcher must never load grpc-js or kubemq-js.
  create: async (options, ctx) =>
    (await import("./source.ts")).createKubemqEventsStoreSource(
      options,
      ctx,
      startPosition(options),
    ),
});
