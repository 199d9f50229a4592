/**
 * The `kubemq.query` source's properties: the shared subscriber keys (../kubemq/options.ts) with
 * the channel naming a query channel.
 */
import { int, type Parsed, text } from "../../schema.ts";
import { kubemqSubscriberProperties, validateKubemqConnection } from "../kubemq/options.ts";

/** Property schema of the `kubemq.query` source, as written in config.yaml. */
export const kubemqQueryProperties = {
  ...kubemqSubscriberProperties,
  channel: text({
    description: "Query channel to subscribe to.",
    required: true,
    example: "query.aws.s3",
  }),
  concurrency: int({
    description:
      "Queries handled at once per binding; beyond it the subscription is paused so queries wait in the transport.",
    default: "64",
    min: 1,
    max: 10_000,
    example: "128",
  }),
} as const;

/** Parsed `kubemq.query` source properties. */
export type KubemqQueryOptions = Parsed<typeof kubemqQueryProperties>;

/** Cross-field checks; each error names the keys involved. */
export const validateKubemqQueryOptions: (options: KubemqQueryOptions) => string[] =
  validateKubemqConnection;
