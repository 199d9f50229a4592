/**
 * The CI profile of the soak (testing/soak.ts): mixed methods from 32 concurrent senders for 30 s of
 * warm-up and then a minute (SOAK_SECONDS changes it), then S3 is checked object by object. The
 * long profile is `deno task soak`.
 */
import assert from "node:assert/strict";
import { runSoak } from "../../testing/soak.ts";
import { soakFailures } from "../../testing/soak_verdict.ts";
import { area } from "./_support.ts";

const soak = area("soak_ci");

const SECONDS = Number(Deno.env.get("SOAK_SECONDS") ?? "60");
/** RSS still climbs for the first half minute or more (to about 300 MiB under the full suite). */
const WARMUP_SECONDS = 30;

soak.test(`soak: ${WARMUP_SECONDS} + ${SECONDS} s of mixed methods from 32 senders, nothing lost, duplicated or wrong, RSS flat over the second half, fds bounded`, async () => {
  const f = await runSoak({ seconds: SECONDS, warmupSeconds: WARMUP_SECONDS, senders: 32 });
  // deno-lint-ignore no-console
  console.log(
    `soak RSS: ${f.rss.startMiB} MiB after the warm-up, ${f.rss.midMiB} at mid-run, ${f.rss.endMiB} at ` +
      `the end (peak ${f.rss.peakMiB}): ${f.rss.secondHalfGrowthPct} % over the second half, ` +
      `floor slope ${f.rss.floorSlopeMiBPerMin} MiB/min`,
  );
  soak.figures = {
    casesTried: 0,
    faultsInjected: 0,
    requestsServed: f.requestsServed,
    lost: f.lost + f.missingOrWrong,
    duplicated: f.duplicated,
    crashes: f.crashes,
  };
  soak.details = { ...f };
  assert.ok(f.requestsServed > 100, `only ${f.requestsServed} served`);
  // Every count the long profile's exit status checks, the leak bound and fds included.
  assert.deepEqual(soakFailures(f), []);
});
