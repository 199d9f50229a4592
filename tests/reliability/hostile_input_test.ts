/**
 * Hostile input through the real stack: every body of the corpus (tests/reliability/corpus) gets
 * an `is_error` response whose text names the cause, and a valid query right after it works.
 */
import assert from "node:assert/strict";
import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import { startStack } from "../../testing/stack.ts";
import { withTestBucket } from "../../testing/s3.ts";
import { buildBody, loadCorpus } from "./corpus/build.ts";
import { stopCountingCrashes } from "../../testing/crashes.ts";
import { alive, connectorPid, procFigures } from "../../testing/proc.ts";
import { area, probeApi } from "./_support.ts";

const hostile = area("hostile_input");

hostile.test("hostile input: every corpus case gets an is_error response naming its cause, and the next query still works", async () => {
  const corpus = await loadCorpus();
  assert.ok(corpus.length >= 200, `corpus has ${corpus.length} cases`);
  await withTestBucket(async (bucket, s3) => {
    await using stack = await startStack({ properties: { log_level: "error" } });
    const pid = connectorPid(stack.connector);
    const before = procFigures(pid);
    const failures: string[] = [];
    const byCategory: Record<string, number> = {};
    let served = 0;
    // Queries the sender got no answer for (the sender is the witness, not the connector).
    let unanswered = 0;
    let peakRss = before.rssBytes;
    for (const c of corpus) {
      byCategory[c.category] = (byCategory[c.category] ?? 0) + 1;
      const cause = new RegExp(c.cause, "i");
      let body: Uint8Array | null = buildBody(c, bucket);
      const size = body.length;
      try {
        if (c.outcome === "sender_rejected") {
          const sent = stack.askRaw(body, 120_000);
          body = null;
          const err = await sent.then(() => null, (e: Error) => e);
          if (!err) failures.push(`${c.id}: a ${size}-byte body was accepted`);
          else if (!cause.test(err.message)) {
            failures.push(`${c.id}: send failed with ${err.message}`);
          }
        } else {
          const sent = stack.askRaw(body, 120_000);
          body = null;
          const res = await sent.catch((err: Error) => {
            unanswered++;
            throw err;
          });
          served++;
          const code = res.metadata.error_code ?? "";
          if (!res.isError) failures.push(`${c.id}: not an error: ${JSON.stringify(res.metadata)}`);
          else if (!cause.test(res.error)) {
            failures.push(`${c.id}: error does not name /${c.cause}/: ${res.error.slice(0, 300)}`);
          } else if (code === "" || code === "Internal") {
            failures.push(
              `${c.id}: error_code ${JSON.stringify(code)}: ${res.error.slice(0, 200)}`,
            );
          }
        }
      } catch (err) {
        failures.push(`${c.id}: ${(err as Error).message}`);
      }
      if (size > 1024 * 1024) peakRss = Math.max(peakRss, procFigures(pid).rssBytes);
      // The next query still works.
      const next = await stack.ask({ method: "list_bucket_items", bucket_name: bucket })
        .catch((err: Error) => {
          unanswered++;
          failures.push(`${c.id}: the next query got no answer: ${err.message}`);
          return null;
        });
      if (next) served++;
      if (next?.isError) failures.push(`${c.id}: the next query failed: ${next.error}`);
    }
    const after = procFigures(pid);
    const api = await probeApi(stack.connector);
    const wasAlive = alive(pid);
    // Nothing the corpus sent was stored.
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
    const stats = await stack.broker.stats();
    const { crashes, exit } = await stopCountingCrashes(stack.connector);
    hostile.figures = {
      casesTried: corpus.length,
      faultsInjected: 0,
      requestsServed: served,
      lost: unanswered,
      duplicated: stats.responsesDuplicate,
      crashes,
    };
    hostile.details = {
      categories: byCategory,
      rssStartMiB: mib(before.rssBytes),
      rssPeakMiB: mib(peakRss),
      rssEndMiB: mib(after.rssBytes),
      fdsStart: before.fds,
      fdsEnd: after.fds,
      connectorExit: exit,
    };
    assert.deepEqual(failures, [], `${failures.length} of ${corpus.length} cases failed`);
    assert.ok(wasAlive, "the connector process is alive");
    assert.equal(crashes, 0, `the connector crashed: ${exit}`);
    assert.equal(stats.responsesDuplicate, 0, "no query answered twice");
    assert.equal(api.health, 200);
    assert.equal(api.ready, 200, api.readyText);
    assert.deepEqual((listed.Contents ?? []).map((o) => o.Key), []);
  }, "hostile");
});

function mib(bytes: number): number {
  return Math.round(bytes / 1024 / 102.4) / 10;
}
