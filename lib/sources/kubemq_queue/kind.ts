/** The `kubemq.queue` source kind: properties, cross-checks and factory. */
import { defineSourceKind } from "../../kinds/kind.ts";
import { kubemqPayload, kubemqPermissions } from "../kubemq/kind_support.ts";
import { kubemqQueueProperties, validateKubemqQueueOptions } from "./options.ts";

/** Kind `kubemq.queue`: takes messages from a KubeMQ queue; nothing is lost. */
export const kubemqQueueSource = defineSourceKind({
  kind: "kubemq.queue",
  description:
    "Receives messages from a KubeMQ queue and acknowledges each only after the target succeeded; failures are requeued or dead-lettered.",
  properties: kubemqQueueProperties,
  validate: validateKubemqQueueOptions,
  permissions: kubemqPermissions,
  payload: kubemqPayload,
  // Imported on first use: the launcher must never load grpc-js or kubemq-js.
  create: async (options, ctx) =>
    (await import("./source.ts")).createKubemqQueueSource(options, ctx),
});
