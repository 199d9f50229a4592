/**
 * Key matching without regard to case, as the original's loader does: viper folds the keys of
 * config.yaml to lower case and mapstructure matches struct fields case-insensitively, so
 * `apiport`, `Bindings` and `Kind` all work there. Here every known key is matched the same way,
 * properties included (a superset: the original's property names are all lower case).
 */
import { quote } from "../errors.ts";
import { join } from "./_tree.ts";

/** A mapping with its keys renamed to the known spelling, and the clashes found. */
export interface Folded {
  node: Record<string, unknown>;
  /** One message per known key written more than once in different case. */
  errors: string[];
}

/**
 * Renames each key of `node` that matches a `known` key in another case to that key. An exact
 * match wins; unknown keys stay as written. Two keys that name the same known key (`apiPort` and
 * `apiport`) are an error: the original keeps one of them at random.
 */
export function foldKeys(
  node: Record<string, unknown>,
  known: Iterable<string>,
  path: string,
): Folded {
  const byLower = new Map<string, string>();
  for (const k of known) if (!byLower.has(k.toLowerCase())) byLower.set(k.toLowerCase(), k);
  const out: Record<string, unknown> = {};
  const writtenAs = new Map<string, string>();
  const errors: string[] = [];
  for (const [key, value] of Object.entries(node)) {
    const canonical = byLower.get(key.toLowerCase()) ?? key;
    const earlier = writtenAs.get(canonical);
    if (earlier !== undefined) {
      errors.push(
        `${join(path, canonical)}: written twice, as ${quote(earlier)} and ${
          quote(key)
        } (keys are matched without regard to case); keep one`,
      );
      continue;
    }
    writtenAs.set(canonical, key);
    out[canonical] = value;
  }
  return { node: out, errors };
}
