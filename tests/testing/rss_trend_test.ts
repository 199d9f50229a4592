/**
 * The leak bound (testing/rss_trend.ts) stands above the noise and can fail: on made-up series
 * it ignores a collector's release and catches a steady climb the old window bound (+10 % from
 * the 40-50 % mean to the last 10 %) let through; on real processes, a responder that keeps
 * every body fails it while the same responder keeping nothing passes.
 */
import assert from "node:assert/strict";
import { startTestBroker } from "../../testing/broker.ts";
import { createKubemqClient } from "../../testing/kubemq_client.ts";
import {
  leakVerdict,
  MAX_SLOPE_MIB_PER_MIN,
  sampleRss,
  theilSenSlope,
  trendOf,
} from "../../testing/rss_trend.ts";

const MiB = 1024 * 1024;

/** One sample a second for `seconds`, RSS from `rssMiB(second)`. */
function series(seconds: number, rssMiB: (s: number) => number) {
  return Array.from({ length: seconds + 1 }, (_, s) => ({ t: s * 1000, rss: rssMiB(s) * MiB }));
}

Deno.test("theilSenSlope: the slope of a line, unmoved by a few outliers", () => {
  const line = Array.from({ length: 20 }, (_, x) => ({ x, y: 3 * x + 7 }));
  assert.equal(theilSenSlope(line), 3);
  line[5]!.y = 500;
  line[15]!.y = -500;
  assert.equal(theilSenSlope(line), 3);
});

Deno.test("leak bound: a leak of 40 MiB/min that a release hides from the old bound fails it", () => {
  // 60 s at 260 MiB, climbing 40 MiB/min, with the collector giving back 30 MiB at 55 s.
  const trend = trendOf(series(60, (s) => 260 + (40 * s) / 60 - (s >= 55 ? 30 : 0)));
  assert.ok(
    trend.secondHalfGrowthPct <= 10,
    `the old bound passed it: ${trend.secondHalfGrowthPct} %`,
  );
  assert.ok(trend.floorSlopeMiBPerMin > 30, `slope ${trend.floorSlopeMiBPerMin}`);
  assert.match(leakVerdict(trend) ?? "", /MiB\/min/);
});

Deno.test("leak bound: a sawtooth of 30 MiB every 12 s over a flat floor passes (the second half's slope did not)", () => {
  // Measured on the fuzzer: the collector's swings fitted 62 MiB/min over a 30 s half.
  const trend = trendOf(series(60, (s) => 180 + ((s % 12) * 30) / 12));
  assert.equal(leakVerdict(trend), null, `floor slope ${trend.floorSlopeMiBPerMin}`);
});

Deno.test("leak bound: flat memory with a sawtooth and one release passes", () => {
  // The collector's sawtooth (±15 MiB every 8 s) and a 40 MiB release at 45 s.
  const trend = trendOf(series(60, (s) => 270 + ((s % 8) - 4) * 4 - (s >= 45 ? 40 : 0)));
  assert.equal(leakVerdict(trend), null, `slope ${trend.floorSlopeMiBPerMin}`);
});

/** Sends `perSecond` queries of `bytes` each to `channel` until `until`. */
async function traffic(address: string, channel: string, until: number) {
  using client = createKubemqClient({ address });
  const body = crypto.getRandomValues(new Uint8Array(16 * 1024));
  const perSecond = 100;
  for (let i = 0; performance.now() < until; i++) {
    const t = performance.now();
    await Promise.all(
      Array.from({ length: 10 }, () => client.sendQuery({ channel, body, timeoutMs: 5000 })),
    );
    const wait = 10_000 / perSecond - (performance.now() - t);
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
}

Deno.test(`leak bound: a responder that keeps every 16 KiB body fails it (bound ${MAX_SLOPE_MIB_PER_MIN} MiB/min), the same responder keeping nothing passes`, async () => {
  await using broker = await startTestBroker();
  const script = new URL("../../testing/responder.ts", import.meta.url).pathname;
  const start = (channel: string, keep: boolean) =>
    new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-net",
        "--allow-env",
        "--allow-read",
        // Both collect their garbage each second (testing/responder.ts): what stays is kept.
        "--v8-flags=--expose-gc",
        script,
        "--address",
        broker.address,
        "--channel",
        channel,
        ...(keep ? ["--keep"] : []),
      ],
      stdout: "null",
      stderr: "inherit",
    }).spawn();
  const leaky = start("rss.leaky", true);
  const clean = start("rss.clean", false);
  try {
    await broker.waitForSubscribers("rss.leaky", 1, 20_000);
    await broker.waitForSubscribers("rss.clean", 1, 20_000);
    const warmupMs = 5_000;
    const measureMs = 20_000;
    const until = performance.now() + warmupMs + measureMs;
    const sent = Promise.all([
      traffic(broker.address, "rss.leaky", until),
      traffic(broker.address, "rss.clean", until),
    ]);
    await new Promise((r) => setTimeout(r, warmupMs));
    const rssLeaky = sampleRss(leaky.pid, 100);
    const rssClean = sampleRss(clean.pid, 100);
    await sent;
    const [l, c] = [rssLeaky.stop(), rssClean.stop()];
    // deno-lint-ignore no-console
    console.log(`keeping: ${JSON.stringify(l)}\nnot keeping: ${JSON.stringify(c)}`);
    assert.match(leakVerdict(l) ?? "", /MiB\/min/, `the leak passed: ${JSON.stringify(l)}`);
    assert.equal(leakVerdict(c), null);
  } finally {
    for (const p of [leaky, clean]) {
      p.kill("SIGTERM");
      await p.status;
    }
  }
});
