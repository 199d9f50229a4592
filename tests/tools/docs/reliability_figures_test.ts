import assert from "node:assert/strict";
import {
  fmt,
  readmeReliabilityMarkdown,
  reliabilityFiguresMarkdown,
  type SoakFile,
  soakLongMarkdown,
  type SummaryFile,
} from "../../../tools/docs/reliability_figures.ts";

const totals = {
  casesTried: 41303,
  faultsInjected: 81,
  requestsServed: 86126,
  lost: 0,
  duplicated: 0,
  crashes: 0,
};

function summary(over: Partial<SummaryFile> = {}): SummaryFile {
  return {
    updatedAt: "2026-12-01T06:32:27.043Z",
    ok: true,
    totals,
    areas: {
      broker_restarts_graceful: {
        ...totals,
        casesTried: 1,
        faultsInjected: 50,
        details: { restarts: 50, sent: 753 },
      },
      broker_restarts_abrupt: {
        ...totals,
        casesTried: 1,
        faultsInjected: 20,
        details: { restarts: 20 },
      },
      fuzz: { ...totals, casesTried: 40968, details: { warmupSeconds: 40, seconds: 30 } },
    },
    ...over,
  };
}

const soak: SoakFile = {
  at: "2026-12-01T06:10:50.810Z",
  seconds: 1800,
  senders: 32,
  requestsServed: 961845,
  errors: 0,
  lost: 0,
  duplicated: 0,
  crashes: 0,
  rss: { secondHalfGrowthPct: 1 },
};

Deno.test("fmt separates thousands and keeps one decimal", () => {
  assert.equal(fmt(961845), "961,845");
  assert.equal(fmt(58.94), "58.9");
});

Deno.test("README's paragraph quotes the summary's totals and the soak's requests", () => {
  const text = readmeReliabilityMarkdown(summary(), soak);
  assert.match(text, /latest run \(2026-12-01\)/);
  assert.match(text, /41,303 cases tried, 81 faults injected \(70 of them broker restarts\)/);
  assert.match(text, /40,968 fuzzed ones \(40 s warm-up, 30 s measured\)/);
  assert.match(text, /50 graceful, 20 abrupt broker restarts/);
  assert.match(text, /\*\*0 lost, 0 duplicated, 0 crashes\*\*/);
  assert.match(text, /The last 30-minute soak \(2026-12-01\): 961,845 requests from 32 senders/);
  assert.doesNotMatch(text, /did not pass/);
});

Deno.test("a failed run says so in README and docs, with the areas that did not record", () => {
  const failed = summary({ ok: false, missing: ["soak_ci"] });
  assert.match(readmeReliabilityMarkdown(failed, soak), /did not pass \(`ok: false`\)/);
  const doc = reliabilityFiguresMarkdown(failed);
  assert.match(doc, /\*\*`ok: false`\*\*/);
  assert.match(doc, /Areas that did not record: soak_ci\./);
});

Deno.test("a lost request shows in the totals, not only in the area", () => {
  const s = summary({ totals: { ...totals, lost: 3 } });
  assert.match(readmeReliabilityMarkdown(s, soak), /\*\*3 lost,/);
  assert.match(reliabilityFiguresMarkdown(s), /\| lost \| 3 \|/);
});

Deno.test("an area's row leaves out a figure its details lack instead of inventing it", () => {
  const doc = reliabilityFiguresMarkdown(summary());
  const row = doc.split("\n").find((l) => l.startsWith("| broker_restarts_graceful"))!;
  assert.match(row, /50 restarts, 753 uploads \|$/);
});

Deno.test("the long soak's block carries its errors and the slope when the file has one", () => {
  const text = soakLongMarkdown({
    ...soak,
    errors: 2,
    rss: { secondHalfSlopeMiBPerMin: 0.4 },
    objectsVerified: 296530,
  });
  assert.match(text, /2 errors/);
  assert.match(text, /RSS second-half slope 0\.4 MiB\/min/);
  assert.match(text, /296,530 uploaded keys verified in S3/);
});
