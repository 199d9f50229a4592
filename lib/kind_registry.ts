/**
 * The source and target kinds this connector ships: one list each, indexed once. Adding a kind
 * means adding it here; nothing else switches on kind names.
 */
import type { SourceKind, TargetKind } from "./kinds.ts";
import { kubemqQuerySource } from "./sources/kubemq_query/kind.ts";
import { kubemqQueueSource } from "./sources/kubemq_queue/kind.ts";
import { kubemqCommandSource } from "./sources/kubemq_command/kind.ts";
import { kubemqEventsSource } from "./sources/kubemq_events/kind.ts";
import { kubemqEventsStoreSource } from "./sources/kubemq_events/store_kind.ts";
import { awsS3Target } from "./targets/aws_s3/kind.ts";

/** A set of known kinds, as config validation and startup receive it. */
export interface KindSet {
  readonly sources: readonly SourceKind[];
  readonly targets: readonly TargetKind[];
}

/**
 * Builds a kind set, refusing two kinds of the same role with one name (the second would be
 * unreachable, so a duplicate is a programming error caught at load).
 */
export function defineKindSet(
  sources: readonly SourceKind[],
  targets: readonly TargetKind[],
): KindSet {
  for (const [role, list] of [["source", sources], ["target", targets]] as const) {
    const seen = new Set<string>();
    for (const { kind } of list) {
      if (seen.has(kind)) throw new Error(`Duplicate ${role} kind "${kind}"`);
      seen.add(kind);
    }
  }
  return Object.freeze({
    sources: Object.freeze([...sources]),
    targets: Object.freeze([...targets]),
  });
}

/** Every kind this connector ships. */
export const kindRegistry: KindSet = defineKindSet([
  kubemqQuerySource,
  kubemqQueueSource,
  kubemqCommandSource,
  kubemqEventsSource,
  kubemqEventsStoreSource,
], [awsS3Target]);
