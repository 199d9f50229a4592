/**
 * With `response_channel`, the binding's response to an event is published there as an event of
 * the same kind (events or events-store), tagged with the event's id. Best effort: a failure is
 * logged, and the event is not handled again.
 */
import type { Logger } from "@logtape/logtape";
import type { EventsClient } from "../kubemq/events_client.ts";

/** Where an event's outcome goes. */
export interface OutcomeChannel {
  channel: string;
  /** Publish to the events store (events-store sources) rather than as a plain event. */
  store: boolean;
  clientId: string;
  /** The id of the event the outcome answers. */
  eventId: string;
  log: Logger;
}

/**
 * Publishes `response` to the outcome channel, with `extra` tags (the trace context when tracing
 * is on); never rejects.
 */
export async function publishOutcome(
  events: EventsClient,
  to: OutcomeChannel,
  response: Uint8Array,
  extra?: Record<string, string>,
): Promise<void> {
  try {
    await events.send(
      {
        channel: to.channel,
        body: response,
        store: to.store,
        tags: { ...extra, event_id: to.eventId },
      },
      to.clientId,
      30_000,
    );
  } catch (err) {
    to.log.warn("Sending the outcome of event {eventId} to {responseChannel} failed: {error}", {
      eventId: to.eventId,
      responseChannel: to.channel,
      error: err instanceof Error ? err.message : String(err),
    });
  }
}
