/**
 * Scenario K, every source kind takes the large-body path: for each kind, a fresh connector with
 * one binding of that kind (config.yaml, production flags), its idle RSS once settled, then
 * `upload_item` of a large object sent through the kind's public path (bench/kinds.ts) while its
 * peak RSS is read (VmHWM after a reset, plus 20 ms sampling). A transfer ends when its outcome
 * is seen; every object is then checked in S3 by SHA-256, outside the measured window.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import { writeConfig } from "../../testing/connector.ts";
import { objectSha256 } from "../../testing/s3.ts";
import { sha256 } from "../../testing/sha256.ts";
import { payload } from "../context.ts";
import type { KindMemoryResult } from "../kind_memory.ts";
import { type BenchKind, createKindDriver, kindBinding } from "../kinds.ts";
import { memory, resetPeak, sampleRss } from "../proc.ts";
import { startBenchConnector } from "../stack.ts";
import { summarize } from "../stats.ts";

const MiB = 1024 * 1024;

/** What scenario K needs. */
export interface KindRunOptions {
  brokerAddress: string;
  s3: S3Client;
  bucket: string;
  sizeMiB: number;
  /** Transfers per kind; the report takes the worst peak. */
  repeats: number;
  /** Objects sent at once per transfer (for the queue, also its batch_size). */
  parallel: number;
  /** Wait after /ready before reading the idle RSS, ms. */
  settleMs: number;
  log(line: string): void;
}

/** Measures one kind on a fresh connector. */
export async function measureKind(kind: BenchKind, o: KindRunOptions): Promise<KindMemoryResult> {
  const channel = `bench.${kind}.${Date.now().toString(36)}`;
  const config = await writeConfig([kindBinding(kind, o.brokerAddress, channel, o.parallel)]);
  const connector = await startBenchConnector(config);
  const driver = createKindDriver(kind, {
    address: o.brokerAddress,
    channel,
    bucket: o.bucket,
    timeoutMs: 300_000,
  });
  try {
    await new Promise((r) => setTimeout(r, o.settleMs));
    const idleRss = memory(connector.pid).rss;
    await driver.ready();
    const data = payload(o.sizeMiB * MiB);
    const hash = await sha256(data);
    const before: number[] = [];
    const peaks: number[] = [];
    const seconds: number[] = [];
    for (let r = 0; r < o.repeats; r++) {
      const keys = Array.from({ length: o.parallel }, (_, i) => `kind/${kind}-${r}-${i}`);
      before.push(memory(connector.pid).rss);
      resetPeak(connector.pid);
      const sampler = sampleRss(connector.pid);
      const t0 = performance.now();
      try {
        await Promise.all(keys.map((key) => driver.upload(key, data)));
      } finally {
        seconds.push((performance.now() - t0) / 1000);
        peaks.push(Math.max(sampler.stop(), memory(connector.pid).hwm));
      }
      for (const key of keys) {
        const got = await objectSha256(o.s3, o.bucket, key);
        if (got !== hash) throw new Error(`kubemq.${kind}: ${key} in S3 is ${got}, sent ${hash}`);
      }
      o.log(
        `K kubemq.${kind} ${o.parallel > 1 ? `${o.parallel} × ` : ""}${o.sizeMiB} MiB run ${
          r + 1
        }/${o.repeats}: idle ${(idleRss / MiB).toFixed(0)}, before ${
          (before.at(-1)! / MiB).toFixed(0)
        }, peak ${(peaks.at(-1)! / MiB).toFixed(0)} MiB, ${seconds.at(-1)!.toFixed(2)} s`,
      );
    }
    return {
      kind,
      sizeMiB: o.sizeMiB,
      parallel: o.parallel,
      idleRss,
      rssBefore: summarize(before),
      peakRss: summarize(peaks),
      seconds: summarize(seconds),
    };
  } catch (err) {
    throw new Error(`kubemq.${kind}: ${err}\nconnector log:\n${connector.tail().join("\n")}`);
  } finally {
    await driver.close();
    await connector.stop();
    await Deno.remove(config).catch(() => {});
  }
}

/** Scenario K: {@link measureKind} for each kind in turn. */
export async function runKinds(
  kinds: readonly BenchKind[],
  o: KindRunOptions,
): Promise<KindMemoryResult[]> {
  const out: KindMemoryResult[] = [];
  for (const kind of kinds) out.push(await measureKind(kind, o));
  return out;
}
