/**
 * Scenario D, large objects: upload_item and get_item of 1, 16 and 64 MiB through the
 * connector, beside the direct SDK (lib-storage Upload with the connector's part size and
 * parallelism, and one GetObject). Times include the sender's base64 encode and decode, since a
 * caller of the connector pays them. Records the connector's peak resident memory per transfer.
 * The connector, the direct SDK and the broker floor take turns within each repeat (issue 20):
 * their time ratios are medians over the repeats (at least 5 in the full profile).
 */
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { decodeResponse, encodeRequest, encodeResponse, okResponse } from "../../lib/wire.ts";
import { type BenchContext, payload } from "../context.ts";
import { memory, resetPeak, sampleRss } from "../proc.ts";
import { summarize, type Summary } from "../stats.ts";

const MiB = 1024 * 1024;
/** The connector's defaults (part_size_mb, part_concurrency), used for the direct baseline. */
const PART_SIZE = 8 * MiB;
const QUEUE_SIZE = 4;

/** D's figures for one size and direction. */
export interface LargeResult {
  sizeMiB: number;
  direction: "upload" | "download";
  connectorMiBps: Summary;
  directMiBps: Summary;
  /** Connector process peak RSS during each connector transfer, bytes. */
  peakRss: Summary;
  /**
   * The messaging floor: the same wire body carried one way through the broker to and from the
   * trivial responder of scenario A (which answers 2 bytes to a large request, and a large
   * answer to a tiny one), with no S3 and no connector, MiB of object per second.
   */
  floorMiBps: Summary;
  /** The responder's peak RSS during those transfers, bytes: gRPC's own memory for them. */
  floorPeakRss: Summary;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  // Spot checks: a full compare of 64 MiB adds nothing the length and ETag do not show.
  for (let i = 0; i < a.length; i += 4093) if (a[i] !== b[i]) return false;
  return a[a.length - 1] === b[b.length - 1];
}

/** Runs scenario D for the profile's sizes. */
export async function runLarge(ctx: BenchContext): Promise<LargeResult[]> {
  const pid = ctx.connector.pid;
  const timeoutMs = 300_000;
  const viaConnector = async (key: string, data: Uint8Array | null): Promise<Uint8Array> => {
    const metadata = data === null
      ? { method: "get_item", bucket_name: ctx.bucket, item_name: key }
      : { method: "upload_item", bucket_name: ctx.bucket, item_name: key };
    const res = await ctx.sender.sendQuery({
      channel: ctx.channel,
      body: encodeRequest({ metadata, data }),
      timeoutMs,
    });
    if (!res.executed) throw new Error(`${metadata.method} not executed: ${res.error}`);
    const out = decodeResponse(res.body);
    if (out.isError) throw new Error(`${metadata.method} ${key}: ${out.error}`);
    return out.data ?? new Uint8Array(0);
  };
  const direct = {
    upload: async (key: string, data: Uint8Array) => {
      await new Upload({
        client: ctx.s3,
        params: { Bucket: ctx.bucket, Key: key, Body: data },
        partSize: PART_SIZE,
        queueSize: QUEUE_SIZE,
      }).done();
    },
    download: async (key: string) => {
      const out = await ctx.s3.send(new GetObjectCommand({ Bucket: ctx.bucket, Key: key }));
      return await out.Body!.transformToByteArray();
    },
  };
  const timed = async (fn: () => Promise<unknown>) => {
    const t0 = performance.now();
    await fn();
    return performance.now() - t0;
  };
  const measurePeak = async (fn: () => Promise<unknown>) => {
    resetPeak(pid);
    const sampler = sampleRss(pid);
    const ms = await timed(fn);
    return { ms, peak: Math.max(sampler.stop(), memory(pid).hwm) };
  };

  const floor = async (body: Uint8Array, expectBytes: number) => {
    const res = await ctx.sender.sendQuery({ channel: ctx.echo.channel, body, timeoutMs });
    if (!res.executed || res.body.length !== expectBytes) {
      throw new Error(`echo floor: ${res.error || `${res.body.length} bytes back`}`);
    }
  };
  const floorPeak = async (fn: () => Promise<unknown>) => {
    resetPeak(ctx.echo.pid);
    const sampler = sampleRss(ctx.echo.pid);
    const ms = await timed(fn);
    return { ms, peak: Math.max(sampler.stop(), memory(ctx.echo.pid).hwm) };
  };

  // Warm-up, each way on both paths: one transfer of 1 MiB (one PutObject, one GetObject) and
  // one over the part size (multipart upload, ranged GETs), so the JIT's first compilation of
  // those paths lands on no timed run (it made the first 16 MiB upload ~40 % slower).
  for (const [i, warm] of [payload(MiB), payload(PART_SIZE + MiB)].entries()) {
    await viaConnector(`large/warm-${i}`, warm);
    await viaConnector(`large/warm-${i}`, null);
    await direct.upload(`large/warm-${i}-direct`, warm);
    await direct.download(`large/warm-${i}-direct`);
  }

  const out: LargeResult[] = [];
  for (const sizeMiB of ctx.profile.sizesMiB) {
    const data = payload(sizeMiB * MiB);
    const mibps = (ms: number) => sizeMiB / (ms / 1000);
    const series = () => ({
      connector: [] as number[],
      direct: [] as number[],
      peak: [] as number[],
      floor: [] as number[],
      floorPeak: [] as number[],
    });
    const up = series();
    const down = series();
    const wireBody = encodeRequest({
      metadata: { method: "upload_item", bucket_name: ctx.bucket, item_name: "floor" },
      data,
    });
    const wireLength = encodeResponse(okResponse({ result: "ok" }, data)).length;
    const askLarge = new TextEncoder().encode(`{"reply_bytes":${wireLength}}`);
    for (let r = 0; r < ctx.profile.largeRepeats; r++) {
      ctx.log(`D ${sizeMiB} MiB run ${r + 1}/${ctx.profile.largeRepeats}`);
      const key = `large/${sizeMiB}m-${r}`;
      const connectorLeg = async () => {
        const u = await measurePeak(() => viaConnector(key, data));
        up.connector.push(mibps(u.ms));
        up.peak.push(u.peak);
        let got: Uint8Array = new Uint8Array(0);
        const d = await measurePeak(async () => (got = await viaConnector(key, null)));
        if (!sameBytes(got, data)) throw new Error(`get_item ${key}: bytes differ`);
        down.connector.push(mibps(d.ms));
        down.peak.push(d.peak);
      };
      const directLeg = async () => {
        up.direct.push(mibps(await timed(() => direct.upload(`${key}-direct`, data))));
        let got: Uint8Array = new Uint8Array(0);
        const dm = await timed(async () => (got = await direct.download(`${key}-direct`)));
        if (!sameBytes(got, data)) throw new Error(`GetObject ${key}-direct: bytes differ`);
        down.direct.push(mibps(dm));
      };
      const floorLeg = async () => {
        const fu = await floorPeak(() => floor(wireBody, 2));
        up.floor.push(mibps(fu.ms));
        up.floorPeak.push(fu.peak);
        const fd = await floorPeak(() => floor(askLarge, wireLength));
        down.floor.push(mibps(fd.ms));
        down.floorPeak.push(fd.peak);
      };
      // C, B and A take turns within the repeat, each repeat starting with the next one, so a
      // slow minute falls on all three alike and none always runs first.
      const legs = [connectorLeg, directLeg, floorLeg];
      for (let i = 0; i < legs.length; i++) await legs[(r + i) % legs.length]!();
    }
    out.push(
      {
        sizeMiB,
        direction: "upload",
        connectorMiBps: summarize(up.connector),
        directMiBps: summarize(up.direct),
        peakRss: summarize(up.peak),
        floorMiBps: summarize(up.floor),
        floorPeakRss: summarize(up.floorPeak),
      },
      {
        sizeMiB,
        direction: "download",
        connectorMiBps: summarize(down.connector),
        directMiBps: summarize(down.direct),
        peakRss: summarize(down.peak),
        floorMiBps: summarize(down.floor),
        floorPeakRss: summarize(down.floorPeak),
      },
    );
  }
  return out;
}
