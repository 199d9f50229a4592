/**
 * Who a subscribing KubeMQ source is on the broker, and how long it waits between attempts:
 * the same rules for the query, command, events and events-store sources.
 */
import { MIN_RETRY_MS } from "./subscription_loop.ts";

/** The options these come from. */
export interface SubscriberOptions {
  client_id?: string | undefined;
  group: string;
  sources: number;
  reconnect_interval_seconds: number;
}

/** A source's client id, group and reconnect interval. */
export interface Subscriber {
  clientId: string;
  group: string;
  intervalMs: number;
}

/**
 * The configured client id, or a made-up one; the configured group, or, for several copies
 * without one, a made-up shared group (copies without a group would each get every message;
 * a shared group delivers each once, as the original does); the reconnect interval, at least
 * MIN_RETRY_MS so that 0 does not spin.
 */
export function subscriberOf(options: SubscriberOptions): Subscriber {
  return {
    clientId: options.client_id ?? `kubemq-s3-${crypto.randomUUID().slice(0, 8)}`,
    group: options.group !== "" || options.sources === 1
      ? options.group
      : `kubemq-s3-${crypto.randomUUID()}`,
    intervalMs: Math.max(MIN_RETRY_MS, options.reconnect_interval_seconds * 1000),
  };
}
