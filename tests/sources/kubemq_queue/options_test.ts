// The queue, command and events source options: the original's keys, defaults and ranges.
import assert from "node:assert/strict";
import { FieldErrors, parseFields } from "../../../lib/schema.ts";
import {
  deadLetterQueue,
  kubemqQueueProperties,
  validateKubemqQueueOptions,
} from "../../../lib/sources/kubemq_queue/options.ts";
import { kubemqCommandProperties } from "../../../lib/sources/kubemq_command/options.ts";
import { kubemqQueryProperties } from "../../../lib/sources/kubemq_query/options.ts";
import {
  kubemqEventsStoreProperties,
  startPosition,
  validateKubemqEventsStoreOptions,
} from "../../../lib/sources/kubemq_events/options.ts";
import { EventsStoreType } from "../../../lib/sources/kubemq/pb_events.ts";
import { kindRegistry } from "../../../lib/kind_registry.ts";

const base = { address: "kubemq-cluster:50000", channel: "queue.s3" };

function rejects(schema: Parameters<typeof parseFields>[0], raw: Record<string, string>): string {
  try {
    parseFields(schema, raw);
  } catch (err) {
    assert.ok(err instanceof FieldErrors);
    return err.message;
  }
  throw new Error(`expected ${JSON.stringify(raw)} to be rejected`);
}

Deno.test("kubemq.queue: the original's defaults, and the dead-letter queue after the channel", () => {
  const o = parseFields(kubemqQueueProperties, base);
  assert.equal(o.sources, 1);
  assert.equal(o.batch_size, 1);
  assert.equal(o.wait_timeout, 60);
  assert.equal(o.max_requeue, 10);
  assert.equal(o.response_channel, undefined);
  assert.equal(deadLetterQueue(o), "queue.s3.dead-letter");
  assert.deepEqual(validateKubemqQueueOptions(o), []);
  const named = parseFields(kubemqQueueProperties, { ...base, dead_letter_queue: "dlq" });
  assert.equal(deadLetterQueue(named), "dlq");
});

Deno.test("kubemq.queue: the original's ranges, each error naming the key and value", () => {
  assert.match(
    rejects(kubemqQueueProperties, { ...base, sources: "0" }),
    /"sources".*1 to 1024.*"0"/,
  );
  assert.match(rejects(kubemqQueueProperties, { ...base, batch_size: "1025" }), /"batch_size"/);
  assert.match(
    rejects(kubemqQueueProperties, { ...base, wait_timeout: "86401" }),
    /"wait_timeout".*1 to 86400/,
  );
  assert.match(
    rejects(kubemqQueueProperties, { ...base, max_requeue: "-1" }),
    /"max_requeue".*0 to 1024/,
  );
  assert.match(rejects(kubemqQueueProperties, { channel: "q" }), /"address" is required/);
  const o = parseFields(kubemqQueueProperties, { ...base, dead_letter_queue: "queue.s3" });
  assert.deepEqual(validateKubemqQueueOptions(o), [
    "dead_letter_queue must not be the channel itself",
  ]);
  const bad = parseFields(kubemqQueueProperties, { ...base, response_channel: "a b" });
  assert.match(validateKubemqQueueOptions(bad)[0]!, /^response_channel: .*"a b"/);
});

Deno.test("kubemq.command has the query source's keys", () => {
  assert.deepEqual(
    Object.keys(kubemqCommandProperties).sort(),
    Object.keys(kubemqQueryProperties).sort(),
  );
});

Deno.test("kubemq.events-store: start positions and their values", () => {
  const at = (raw: Record<string, string>) => {
    const o = parseFields(kubemqEventsStoreProperties, { ...base, ...raw });
    return { errors: validateKubemqEventsStoreOptions(o), o };
  };
  assert.deepEqual(startPosition(at({}).o), { type: EventsStoreType.StartNewOnly, value: 0 });
  assert.deepEqual(startPosition(at({ start_position: "first" }).o), {
    type: EventsStoreType.StartFromFirst,
    value: 0,
  });
  assert.deepEqual(startPosition(at({ start_position: "sequence", start_value: "42" }).o), {
    type: EventsStoreType.StartAtSequence,
    value: 42,
  });
  assert.deepEqual(startPosition(at({ start_position: "time", start_value: "1700000000" }).o), {
    type: EventsStoreType.StartAtTime,
    value: 1700000000 * 1e9,
  });
  assert.equal(
    startPosition(at({ start_position: "time", start_value: "2024-05-01T00:00:00Z" }).o).value,
    Date.parse("2024-05-01T00:00:00Z") * 1e6,
  );
  assert.match(
    at({ start_position: "sequence" }).errors[0]!,
    /start_value for start_position "sequence"/,
  );
  assert.match(at({ start_position: "time_delta", start_value: "0" }).errors[0]!, /got "0"/);
  assert.match(at({ start_position: "last", start_value: "3" }).errors[0]!, /no start_value/);
  assert.match(
    rejects(kubemqEventsStoreProperties, { ...base, start_position: "middle" }),
    /"start_position"/,
  );
});

Deno.test("the registry has every source kind of the original that binds aws.s3", () => {
  assert.deepEqual(kindRegistry.sources.map((k) => k.kind).sort(), [
    "kubemq.command",
    "kubemq.events",
    "kubemq.events-store",
    "kubemq.query",
    "kubemq.queue",
  ]);
});
