/**
 * The properties of the `kubemq.events` and `kubemq.events-store` sources: the original's keys
 * (those of the query source plus response_channel) and, for events-store, where a new
 * subscription starts in the store.
 */
import { Expected, oneOf, type Parsed, text } from "../../schema.ts";
import { kubemqSubscriberProperties, validateKubemqConnection } from "../kubemq/options.ts";
import { EventsStoreType, type StartPosition } from "../kubemq/pb_events.ts";

/** Property schema of the `kubemq.events` source, as written in config.yaml. */
export const kubemqEventsProperties = {
  ...kubemqSubscriberProperties,
  channel: text({
    description: "Events channel to subscribe to.",
    required: true,
    example: "events.aws.s3",
  }),
  response_channel: text({
    description:
      "Channel that gets each event's outcome (the query response envelope) as an event of the same kind.",
    example: "events.aws.s3.results",
  }),
} as const;

/** The start positions, as written in config, and their Subscribe.EventsStoreTypeData. */
const POSITIONS = {
  new_only: EventsStoreType.StartNewOnly,
  first: EventsStoreType.StartFromFirst,
  last: EventsStoreType.StartFromLast,
  sequence: EventsStoreType.StartAtSequence,
  time: EventsStoreType.StartAtTime,
  time_delta: EventsStoreType.StartAtTimeDelta,
} as const;

/** Property schema of the `kubemq.events-store` source. */
export const kubemqEventsStoreProperties = {
  ...kubemqEventsProperties,
  channel: text({
    description: "Events-store channel to subscribe to.",
    required: true,
    example: "events-store.aws.s3",
  }),
  start_position: oneOf(Object.keys(POSITIONS) as (keyof typeof POSITIONS)[], {
    description:
      "Where the first subscription starts in the store: new_only (as the original), first, last, sequence, time or time_delta (with start_value). Resubscriptions continue after the last event seen.",
    default: "new_only",
    example: "sequence",
  }),
  start_value: text({
    description:
      "For start_position sequence: the first sequence (>= 1); time: an RFC 3339 time or unix seconds; time_delta: seconds back from now.",
    example: "1200",
  }),
} as const;

/** Parsed `kubemq.events` properties. */
export type KubemqEventsOptions = Parsed<typeof kubemqEventsProperties>;
/** Parsed `kubemq.events-store` properties. */
export type KubemqEventsStoreOptions = Parsed<typeof kubemqEventsStoreProperties>;

/** The start position a config names; throws {@link Expected} when start_value does not fit. */
export function startPosition(options: KubemqEventsStoreOptions): StartPosition {
  const type = POSITIONS[options.start_position];
  const raw = options.start_value?.trim();
  const positive = (what: string) => {
    if (raw === undefined || !/^\d+$/.test(raw) || Number(raw) < 1) {
      throw new Expected(`${what} (a whole number >= 1)`);
    }
    return Number(raw);
  };
  switch (options.start_position) {
    case "sequence":
      return { type, value: positive("the first sequence") };
    case "time_delta":
      return { type, value: positive("seconds back from now") };
    case "time": {
      const ms = raw !== undefined && /^\d+$/.test(raw)
        ? Number(raw) * 1000
        : Date.parse(raw ?? "");
      if (!Number.isFinite(ms) || ms <= 0) {
        throw new Expected("an RFC 3339 time (2024-05-01T12:00:00Z) or unix seconds");
      }
      return { type, value: ms * 1_000_000 };
    }
    default:
      if (raw !== undefined) throw new Expected("no start_value for this start_position");
      return { type, value: 0 };
  }
}

/** Cross-field checks of both kinds; each error names the keys involved. */
export function validateKubemqEventsOptions(options: KubemqEventsOptions): string[] {
  return validateKubemqConnection(options);
}

/** Cross-field checks of `kubemq.events-store`. */
export function validateKubemqEventsStoreOptions(options: KubemqEventsStoreOptions): string[] {
  const errors = validateKubemqEventsOptions(options);
  try {
    startPosition(options);
  } catch (err) {
    errors.push(
      `start_value for start_position ${JSON.stringify(options.start_position)}: expected ${
        (err as Error).message
      }, got ${JSON.stringify(options.start_value ?? "")}`,
    );
  }
  return errors;
}
