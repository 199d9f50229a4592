/**
 * Whether a soak run passed: what the CI profile asserts and what `deno task soak` turns into
 * its exit status, in one place so neither can skip a count.
 *
 * @module
 */
import { leakVerdict } from "./rss_trend.ts";
import type { SoakFigures } from "./soak.ts";

/** Why a soak run failed, one line a reason; empty when it passed. */
export function soakFailures(f: SoakFigures): string[] {
  const out: string[] = [];
  const count = (n: number, what: string) => {
    if (n !== 0) out.push(`${n} ${what}`);
  };
  count(f.errors, `error responses${f.firstErrors.length ? ` (${f.firstErrors[0]})` : ""}`);
  count(f.lost, "queries lost (no answer)");
  count(f.duplicated, "responses duplicated (the broker's count)");
  count(f.wrongReads, "get_item answers with other bytes than stored");
  count(f.missingOrWrong, "objects missing or different in S3");
  count(f.unexpectedlyPresent, "objects present in S3 after a failed upload or a delete");
  count(f.crashes, `crashes (${f.connectorExit})`);
  if (f.requestsServed === 0) out.push("no request served");
  const leak = leakVerdict(f.rss);
  if (leak) out.push(leak);
  if (f.fdsEnd > f.fdsStart + 64) out.push(`fds ${f.fdsStart} -> ${f.fdsEnd}`);
  return out;
}
