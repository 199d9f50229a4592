/**
 * The source and target kinds this connector ships: one list each, indexed once. Adding a kind
 * means adding its folder and one line here; nothing else switches on kind names.
 *
 * It sits above lib/kinds/ on purpose: every kind imports the contract there, so a list of the
 * kinds inside that folder would make the folder and the kinds import each other.
 */
import { kubemqCommandSource } from "./sources/kubemq_command/kind.ts";
import { kubemqEventsSource } from "./sources/kubemq_events/kind.ts";
import { kubemqEventsStoreSource } from "./sources/kubemq_events/store_kind.ts";
import { kubemqQuerySource } from "./sources/kubemq_query/kind.ts";
import { kubemqQueueSource } from "./sources/kubemq_queue/kind.ts";
import { awsS3Target } from "./targets/aws_s3/kind.ts";
import { defineKindSet, type KindSet } from "./kinds/kind_set.ts";

/** Every kind this connector ships. */
export const kindRegistry: KindSet = defineKindSet([
  kubemqQuerySource,
  kubemqQueueSource,
  kubemqCommandSource,
  kubemqEventsSource,
  kubemqEventsStoreSource,
], [awsS3Target]);
export { defineKindSet, type KindSet } from "./kinds/kind_set.ts";
