/**
 * The `kubemq.queue` source's properties: the original's keys (address, client_id, auth_token,
 * channel, sources, response_channel, batch_size, wait_timeout, max_requeue) plus the
 * dead-letter queue, visibility, requeue delay, TLS, a concurrency bound and the message size
 * limit.
 */
import { bool, int, type Parsed, text } from "../../schema.ts";
import { kubemqSubscriberProperties, validateKubemqConnection } from "../kubemq/options.ts";

const q = kubemqSubscriberProperties;

/** Property schema of the `kubemq.queue` source, as written in config.yaml. */
export const kubemqQueueProperties = {
  address: q.address,
  client_id: q.client_id,
  auth_token: q.auth_token,
  channel: text({ description: "Queue to receive from.", required: true, example: "queue.aws.s3" }),
  sources: int({
    description: "Parallel receivers; each holds up to batch_size messages at once.",
    default: "1",
    min: 1,
    max: 1024,
    example: "4",
  }),
  response_channel: text({
    description:
      "Queue that gets each processed message's outcome (the query response envelope), once per message.",
    example: "queue.aws.s3.responses",
  }),
  batch_size: int({
    description: "Messages each receiver holds at once (one stream per message).",
    default: "1",
    min: 1,
    max: 1024,
    example: "2",
  }),
  wait_timeout: int({
    description:
      "Seconds a receive waits for a message (long polling); the server caps one wait at 3600, longer waits are repeated.",
    default: "60",
    min: 1,
    max: 86400,
    example: "60",
  }),
  max_requeue: int({
    description:
      "Requeues after a retryable failure (network, throttling, 5xx, timeout) before the message goes to the dead-letter queue. 0: dead-letter at the first failure.",
    default: "10",
    min: 0,
    max: 1024,
    example: "10",
  }),
  dead_letter_queue: text({
    description:
      "Queue for messages that failed for good, were unparseable or ran out of requeues, with the error in their tags. Default: <channel>.dead-letter.",
    example: "queue.aws.s3.failed",
  }),
  visibility_timeout_seconds: int({
    description:
      "Seconds a received message stays invisible to others; extended while the target still works on it.",
    default: "60",
    min: 2,
    max: 43200,
    example: "300",
  }),
  requeue_delay_seconds: int({
    description:
      "Wait before a retryable failure goes back to the queue; doubles with each receive, up to 60 s.",
    default: "1",
    min: 0,
    max: 3600,
    example: "2",
  }),
  do_not_parse_payload: bool({
    description: "Hand the whole message body to the target as data, with empty metadata.",
    default: "false",
    example: "false",
  }),
  tls: q.tls,
  ca_cert: q.ca_cert,
  client_cert: q.client_cert,
  client_key: q.client_key,
  concurrency: int({
    description:
      "Messages handled at once per binding; bounds sources x batch_size (the receivers beyond it are not started).",
    default: "64",
    min: 1,
    max: 10_000,
    example: "16",
  }),
  max_message_bytes: q.max_message_bytes,
} as const;

/** Parsed `kubemq.queue` source properties. */
export type KubemqQueueOptions = Parsed<typeof kubemqQueueProperties>;

/** The dead-letter queue: the configured one or `<channel>.dead-letter`. */
export function deadLetterQueue(options: KubemqQueueOptions): string {
  return options.dead_letter_queue ?? `${options.channel}.dead-letter`;
}

/** Cross-field checks; each error names the keys involved. */
export function validateKubemqQueueOptions(options: KubemqQueueOptions): string[] {
  const errors = validateKubemqConnection(options);
  const queueName = /^[^\s*>]+$/;
  for (const key of ["channel", "response_channel", "dead_letter_queue"] as const) {
    const value = options[key];
    if (value !== undefined && (!queueName.test(value) || value.endsWith("."))) {
      errors.push(
        `${key}: expected a queue name without spaces, "*" or ">" and not ending in ".", got ${
          JSON.stringify(value)
        }`,
      );
    }
  }
  if (deadLetterQueue(options) === options.channel) {
    errors.push("dead_letter_queue must not be the channel itself");
  }
  return errors;
}
