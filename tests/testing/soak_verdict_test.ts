/**
 * The soak's verdict (testing/soak_verdict.ts): every count fails the run, error responses
 * included. `deno task soak` used to exit 0 with errors > 0 (its exit status ignored them).
 */
import assert from "node:assert/strict";
import type { SoakFigures } from "../../testing/soak.ts";
import { soakFailures } from "../../testing/soak_verdict.ts";

function clean(): SoakFigures {
  return {
    seconds: 60,
    warmupSeconds: 30,
    senders: 32,
    requestsServed: 1000,
    byMethod: {},
    errors: 0,
    errorRate: 0,
    lost: 0,
    duplicated: 0,
    wrongReads: 0,
    missingOrWrong: 0,
    checkedBeforeDelete: 10,
    unexpectedlyPresent: 0,
    objectsVerified: 100,
    p50Ms: 1,
    p99Ms: 2,
    rssStartMiB: 100,
    rssEndMiB: 100,
    rssMaxMiB: 100,
    rss: {
      samples: 100,
      startMiB: 100,
      midMiB: 100,
      endMiB: 100,
      peakMiB: 100,
      secondHalfGrowthPct: 0,
      secondHalfSlopeMiBPerMin: 0,
      floorSlopeMiBPerMin: 0,
    },
    fdsStart: 37,
    fdsEnd: 40,
    crashes: 0,
    connectorExit: "code 0",
    firstErrors: [],
  };
}

Deno.test("soak verdict: a clean run passes", () => {
  assert.deepEqual(soakFailures(clean()), []);
});

Deno.test("soak verdict: error responses alone fail the run (the old exit status ignored them)", () => {
  const f = { ...clean(), errors: 3, firstErrors: ["get_item: NoSuchKey"] };
  assert.deepEqual(soakFailures(f), ["3 error responses (get_item: NoSuchKey)"]);
});

Deno.test("soak verdict: each other count fails the run on its own", () => {
  const cases: [Partial<SoakFigures>, RegExp][] = [
    [{ lost: 1 }, /lost/],
    [{ duplicated: 1 }, /duplicated/],
    [{ wrongReads: 1 }, /other bytes/],
    [{ missingOrWrong: 1 }, /missing or different/],
    [{ unexpectedlyPresent: 1 }, /present in S3/],
    [{ crashes: 1, connectorExit: "code 139" }, /crashes \(code 139\)/],
    [{ fdsEnd: 200 }, /fds 37 -> 200/],
    [{ requestsServed: 0 }, /no request served/],
    [{ rss: { ...clean().rss, floorSlopeMiBPerMin: 50 } }, /50 MiB\/min/],
  ];
  for (const [change, why] of cases) {
    const failures = soakFailures({ ...clean(), ...change });
    assert.equal(failures.length, 1, JSON.stringify(change));
    assert.match(failures[0]!, why);
  }
});
