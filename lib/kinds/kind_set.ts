/**
 * A set of source and target kinds, indexed once by name. Config validation, the runtime, the
 * sandbox and the docs all look kinds up here.
 */
import type { SourceKind, TargetKind } from "./kind.ts";

/** The role of a kind in a binding. */
export type Role = "source" | "target";

/** Known kinds: the lists in registration order and one index by name. */
export interface KindSet {
  readonly sources: readonly SourceKind[];
  readonly targets: readonly TargetKind[];
  source(name: string): SourceKind | undefined;
  target(name: string): TargetKind | undefined;
}

/**
 * Builds a kind set, refusing two kinds of the same role with one name (the second would be
 * unreachable, so a duplicate is a programming error caught at load).
 */
export function defineKindSet(
  sources: readonly SourceKind[],
  targets: readonly TargetKind[],
): KindSet {
  const index = <K extends { kind: string }>(role: Role, list: readonly K[]) => {
    const byName = new Map<string, K>();
    for (const k of list) {
      if (byName.has(k.kind)) throw new Error(`Duplicate ${role} kind "${k.kind}"`);
      byName.set(k.kind, k);
    }
    return byName;
  };
  const sourceIndex = index("source", sources);
  const targetIndex = index("target", targets);
  return Object.freeze({
    sources: Object.freeze([...sources]),
    targets: Object.freeze([...targets]),
    source: (name: string) => sourceIndex.get(name),
    target: (name: string) => targetIndex.get(name),
  });
}
