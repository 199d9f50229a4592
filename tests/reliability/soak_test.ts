/**
 * The CI profile of the soak (testing/soak.ts): mixed methods from 32 concurrent senders for 30 s of
 * warm-up and then a minute (SOAK_SECONDS changes it), then S3 is checked object by object. The
 * long profile is `deno task soak`.
 */
import assert from "node:assert/strict";
import { runSoak } from "../../testing/soak.ts";
import { MAX_SECOND_HALF_GROWTH_PCT } from "../../testing/rss_trend.ts";
import { recordArea } from "./_support.ts";

const SECONDS = Number(Deno.env.get("SOAK_SECONDS") ?? "60");
/** RSS still climbs for the first half minute or more (to about 300 MiB under the full suite). */
const WARMUP_SECONDS = 30;

Deno.test(`soak: ${WARMUP_SECONDS} + ${SECONDS} s of mixed methods from 32 senders, nothing lost, duplicated or wrong, RSS flat over the second half, fds bounded`, async () => {
  const f = await runSoak({ seconds: SECONDS, warmupSeconds: WARMUP_SECONDS, senders: 32 });
  // deno-lint-ignore no-console
  console.log(
    `soak RSS: ${f.rss.startMiB} MiB after the warm-up, ${f.rss.midMiB} at mid-run, ${f.rss.endMiB} at ` +
      `the end (peak ${f.rss.peakMiB}): ${f.rss.secondHalfGrowthPct} % over the second half`,
  );
  await recordArea("soak_ci", {
    casesTried: 0,
    faultsInjected: 0,
    requestsServed: f.requestsServed,
    lost: f.lost + f.missingOrWrong,
    duplicated: f.duplicated,
    crashes: f.crashes,
    details: { ...f },
  });
  assert.ok(f.requestsServed > 100, `only ${f.requestsServed} served`);
  assert.equal(f.errors, 0, f.firstErrors.join("\n"));
  assert.equal(f.lost, 0);
  assert.equal(f.duplicated, 0);
  assert.equal(f.wrongReads, 0);
  assert.equal(f.missingOrWrong, 0);
  assert.equal(f.unexpectedlyPresent, 0);
  assert.equal(f.crashes, 0, `the connector crashed: ${f.connectorExit}`);
  // A leak keeps growing after warm-up: bound the growth over the second half of the run.
  assert.ok(
    f.rss.secondHalfGrowthPct <= MAX_SECOND_HALF_GROWTH_PCT,
    `RSS grew ${f.rss.secondHalfGrowthPct} % over the second half (${f.rss.midMiB} -> ` +
      `${f.rss.endMiB} MiB; bound ${MAX_SECOND_HALF_GROWTH_PCT} %)`,
  );
  assert.ok(f.fdsEnd <= f.fdsStart + 64, `fds ${f.fdsStart} -> ${f.fdsEnd}`);
});
