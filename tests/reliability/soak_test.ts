/**
 * The CI profile of the soak (tools/soak.ts): mixed methods from 32 concurrent senders for about a
 * minute (SOAK_SECONDS changes it), then S3 is checked object by object. The long profile is
 * `deno task soak`.
 */
import assert from "node:assert/strict";
import { runSoak } from "../../tools/soak.ts";
import { recordArea } from "./_support.ts";

const SECONDS = Number(Deno.env.get("SOAK_SECONDS") ?? "60");

Deno.test(`soak: ${SECONDS} s of mixed methods from 32 senders, nothing lost, duplicated or wrong, memory and fds bounded`, async () => {
  const f = await runSoak({ seconds: SECONDS, senders: 32 });
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
  assert.equal(f.crashes, 0);
  assert.ok(f.rssEndMiB < f.rssStartMiB + 256, `RSS ${f.rssStartMiB} -> ${f.rssEndMiB} MiB`);
  assert.ok(f.fdsEnd <= f.fdsStart + 64, `fds ${f.fdsStart} -> ${f.fdsEnd}`);
});
