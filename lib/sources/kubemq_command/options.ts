/**
 * The `kubemq.command` source's properties: the same as `kubemq.query` (the original's command
 * source has the query source's keys), with the channel naming a command channel.
 */
import { int, type Parsed, text } from "../../schema.ts";
import { kubemqSubscriberProperties, validateKubemqConnection } from "../kubemq/options.ts";

/** Property schema of the `kubemq.command` source, as written in config.yaml. */
export const kubemqCommandProperties = {
  ...kubemqSubscriberProperties,
  channel: text({
    description: "Command channel to subscribe to.",
    required: true,
    example: "command.aws.s3",
  }),
  concurrency: int({
    description:
      "Commands handled at once per binding; beyond it the subscription is paused so commands wait in the transport.",
    default: "64",
    min: 1,
    max: 10_000,
    example: "128",
  }),
} as const;

/** Parsed `kubemq.command` source properties. */
export type KubemqCommandOptions = Parsed<typeof kubemqCommandProperties>;

/** Cross-field checks; each error names the keys involved. */
export const validateKubemqCommandOptions: (options: KubemqCommandOptions) => string[] =
  validateKubemqConnection;
