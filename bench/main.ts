// deno-lint-ignore-file no-console -- a command-line tool: the console is its output
/**
 * `deno task bench [--quick] [--out DIR]`: the side-by-side benchmark of issue 8. Starts its own
 * stack (radosgw or S3_ENDPOINT, a test broker or BENCH_BROKER_ADDRESS, the connector with its
 * production flags), runs scenarios A–E, M, K and T, prints a markdown report and writes it with a
 * JSON file of all figures and an SVG chart. `--quick` is a smoke run of a few seconds.
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createKubemqClient } from "../testing/kubemq_client.ts";
import { createTestBucket, deleteTestBucketFully } from "../testing/s3.ts";
import { ask, baselineS3Client, type BenchContext } from "./context.ts";
import { memory } from "./proc.ts";
import { profileFor } from "./profile.ts";
import { type EchoResponder, startResponder } from "./responder.ts";
import {
  type BenchResults,
  evaluateTargets,
  type Figures,
  missedTargets,
  renderChart,
  renderMarkdown,
  type RunMeta,
} from "./report.ts";
import { runConnector } from "./scenarios/connector.ts";
import { runDirect } from "./scenarios/direct.ts";
import { runEcho } from "./scenarios/echo.ts";
import { BENCH_KINDS } from "./kinds.ts";
import { runKinds } from "./scenarios/kinds.ts";
import { runLarge } from "./scenarios/large.ts";
import { runPaired } from "./scenarios/paired.ts";
import { runStartup } from "./scenarios/startup.ts";
import { runTracing } from "./scenarios/tracing_run.ts";
import { TRACING_COUNTED_PROTOCOL } from "./tracing_report.ts";
import { benchConfig, ensureBroker, ensureS3, startBenchConnector } from "./stack.ts";

const { values: args } = parseArgs({
  args: Deno.args,
  options: { quick: { type: "boolean", default: false }, out: { type: "string" } },
});
const profile = profileFor(args.quick);
const outDir = args.out ??
  (profile.name === "full"
    ? new URL("./results/", import.meta.url).pathname
    : `${Deno.env.get("TMPDIR") ?? "/tmp"}/kubemq-s3-bench-quick/`);
const log = (line: string) => console.error(`[bench] ${line}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function machine(): RunMeta["machine"] {
  const cpuinfo = Deno.readTextFileSync("/proc/cpuinfo");
  return {
    cpu: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? "unknown CPU",
    cores: navigator.hardwareConcurrency,
    memoryGiB: Deno.systemMemoryInfo().total / 1024 ** 3,
    os: `Linux ${Deno.osRelease()}`,
    deno: Deno.version.deno,
  };
}

const started = performance.now();
const loadBefore = Deno.loadavg()[0]!;
log(`profile ${profile.name}; load average ${loadBefore.toFixed(2)}`);
if (loadBefore > 3) log("the machine is busy: figures will be noisy");

const s3env = await ensureS3();
const broker = await ensureBroker();
const s3 = baselineS3Client(s3env);
const bucket = await createTestBucket(s3, "bench");
const channel = `bench.connector.${Date.now().toString(36)}`;
const config = await benchConfig(broker.address, channel);
const sender = createKubemqClient({ address: broker.address, clientId: "bench-sender" });
let connector: Awaited<ReturnType<typeof startBenchConnector>> | null = null;
let echoResponder: EchoResponder | null = null;
try {
  log(`S3 ${s3env.endpoint}, broker ${broker.address}, bucket ${bucket}`);
  connector = await startBenchConnector(config);
  echoResponder = await startResponder(broker.address, bucket);
  const ctx: BenchContext = {
    profile,
    s3env,
    s3,
    bucket,
    brokerAddress: broker.address,
    sender,
    connector,
    echo: echoResponder,
    channel,
    log,
  };
  // Settle, then read idle memory before the first request.
  await sleep(profile.name === "full" ? 3000 : 1000);
  const idleRss = memory(connector.pid).rss;
  // The subscription is not acknowledged: wait until a query gets through.
  for (let attempt = 0;; attempt++) {
    try {
      await ask(ctx, { method: "head_bucket", bucket_name: bucket }, null, 2000);
      break;
    } catch (err) {
      if (attempt > 20) throw err;
      await sleep(100);
    }
  }

  // Concurrency 1 is measured with A, B and C interleaved (scenarios/paired.ts), the rest in turn.
  const notOne = (levels: number[]) => levels.filter((c) => c !== 1);
  const echo = await runEcho(ctx, notOne(profile.floorConcurrency));
  const direct = await runDirect(ctx, notOne(profile.floorConcurrency));
  const connectorResults = await runConnector(ctx, notOne(profile.connectorConcurrency));
  const paired = await runPaired(ctx, 1);
  echo.unshift(paired.echo);
  direct.unshift(...paired.direct);
  connectorResults.unshift(...paired.connector);
  const get1 = direct.find((d) => d.op === "GetObject" && d.concurrency === 1);
  if (get1 && get1.load.p50Ms.median > 30) {
    log(
      `1 KiB GetObject takes ${get1.load.p50Ms.median.toFixed(1)} ms: the S3 server likely ` +
        "sends headers and body in separate segments with Nagle on (40 ms delayed ACK). A " +
        "radosgw started before tcp_nodelay=1 was added to tools/s3/radosgw.sh needs a restart.",
    );
  }
  await sleep(1000);
  const rssBeforeLarge = memory(connector.pid).rss;
  const large = await runLarge(ctx);
  // Scenario K: a fresh connector per source kind, so each idle RSS is that kind's own.
  const kinds = await runKinds(BENCH_KINDS, {
    brokerAddress: broker.address,
    s3,
    bucket,
    sizeMiB: profile.kindSizeMiB,
    repeats: profile.kindRepeats,
    parallel: 1,
    settleMs: profile.name === "full" ? 3000 : 1000,
    log,
  });
  // Scenario T: an untraced and a traced connector of their own, side by side (issue 23).
  const full = profile.name === "full";
  const tracing = await runTracing({
    brokerAddress: broker.address,
    s3,
    bucket,
    protocols: [TRACING_COUNTED_PROTOCOL],
    ops: full ? 800 : 64,
    repeats: full ? 5 : 2,
    warmup: full ? 64 : 32,
    jitWarmup: full ? 400 : 50,
    log,
  });
  const startup = await runStartup(broker.address, profile.readyStarts, log);

  const meta: RunMeta = {
    date: new Date().toISOString(),
    profile: profile.name,
    machine: machine(),
    s3Endpoint: s3env.endpoint,
    loadBefore,
    loadAfter: Deno.loadavg()[0]!,
    durationSec: (performance.now() - started) / 1000,
  };
  const figures: Figures = {
    meta,
    echo,
    direct,
    connector: connectorResults,
    minimal: paired.minimal,
    large,
    kinds,
    tracing,
    cost: { idleRss, rssBeforeLarge, startup },
  };
  const results: BenchResults = { ...figures, targets: evaluateTargets(figures) };
  const markdown = renderMarkdown(results);
  await Deno.mkdir(outDir, { recursive: true });
  await Deno.writeTextFile(join(outDir, "latest.json"), JSON.stringify(results, null, 2) + "\n");
  await Deno.writeTextFile(join(outDir, "latest.md"), markdown);
  await Deno.writeTextFile(join(outDir, "latest.svg"), renderChart(results));
  for (const line of missedTargets(results.targets)) log(line);
  log(`results in ${join(outDir, "latest")}.{json,md,svg}`);
  // Last: the report, which ends with the one line "targets: N met, M missed".
  console.log(markdown.trimEnd());
} finally {
  sender.close();
  await connector?.stop();
  await echoResponder?.stop();
  await broker.close();
  await Deno.remove(config).catch(() => {});
  await deleteTestBucketFully(bucket, s3).catch((err) => log(`cleanup: ${err}`));
  s3.destroy();
}
