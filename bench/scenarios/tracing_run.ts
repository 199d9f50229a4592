/**
 * The tracing bench's own stack and its run: one OTLP receiver per protocol, an untraced
 * connector and one connector traced per protocol (OTEL_DENO=true exporting to its receiver),
 * all with the production flags on the same broker and S3; then tracing.ts's measurement, and
 * the request spans each receiver got, counted as the witness that each traced connector traced
 * every request. Used by `deno task bench` (scenario T) and by bench/tracing.ts.
 */
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { createKubemqClient } from "../../testing/kubemq_client.ts";
import { startOtlpReceiver } from "../../testing/otlp_receiver.ts";
import { payload } from "../context.ts";
import { benchConfig, type BenchConnector, startBenchConnector } from "../stack.ts";
import { runTracingCost, type TracingCost } from "./tracing.ts";

/** What the traced connectors' receivers got. */
export interface TracingWitness {
  protocol: string;
  /** Every span received. */
  spans: number;
  /** The connector's request spans (scope kubemq-s3, kind consumer). */
  requestSpans: number;
  /** The requests sent to that connector: warm-ups and timed runs. */
  sent: number;
}

/** Scenario T's figures. */
export interface TracingResult {
  /** The protocols of the traced connectors, in order. */
  protocols: string[];
  /** Variables added to the traced connectors' environment. */
  extraEnv: Record<string, string>;
  concurrency: number;
  ops: number;
  repeats: number;
  methods: TracingCost[];
  witness: TracingWitness[];
}

/** How to run it. */
export interface TracingRunOptions {
  brokerAddress: string;
  s3: S3Client;
  bucket: string;
  protocols: readonly string[];
  extraEnv?: Record<string, string>;
  ops: number;
  repeats: number;
  warmup: number;
  jitWarmup: number;
  log(line: string): void;
}

/** Starts the receivers and connectors, measures, stops them; returns the figures. */
export async function runTracing(o: TracingRunOptions): Promise<TracingResult> {
  const extraEnv = o.extraEnv ?? {};
  const receivers = await Promise.all(
    o.protocols.map((p) => startOtlpReceiver({ protobuf: p === "http/protobuf" })),
  );
  const smallKey = "tracing/small-1k";
  await o.s3.send(new PutObjectCommand({ Bucket: o.bucket, Key: smallKey, Body: payload(1024) }));
  const id = Date.now().toString(36);
  const names = ["off", ...o.protocols];
  const channels = names.map((n) => `bench.tracing.${n.replace(/\W/g, "_")}.${id}`);
  const configs = await Promise.all(channels.map((c) => benchConfig(o.brokerAddress, c)));
  const sender = createKubemqClient({ address: o.brokerAddress, clientId: `bench-tracing-${id}` });
  const connectors: BenchConnector[] = [];
  try {
    for (const [i, name] of names.entries()) {
      const env: Record<string, string> = i === 0 ? {} : {
        OTEL_DENO: "true",
        OTEL_EXPORTER_OTLP_ENDPOINT: receivers[i - 1]!.endpoint,
        OTEL_EXPORTER_OTLP_PROTOCOL: name,
        OTEL_SERVICE_NAME: "kubemq-s3-bench",
        ...extraEnv,
      };
      connectors.push(await startBenchConnector(configs[i]!, env));
      o.log(`tracing connector ${name}: pid ${connectors[i]!.pid}`);
    }
    const sides = names.map((name, i) => ({
      name,
      channel: channels[i]!,
      pid: connectors[i]!.pid,
    }));
    const methods = await runTracingCost({
      sender,
      bucket: o.bucket,
      smallKey,
      off: sides[0]!,
      on: sides.slice(1),
      concurrency: 32,
      ops: o.ops,
      warmup: o.warmup,
      jitWarmup: o.jitWarmup,
      repeats: o.repeats,
      log: o.log,
    });
    // Give the exporters their batch interval (OTel's default schedule delay is 5 s), then count.
    await new Promise((r) => setTimeout(r, 6000));
    const sent = 2 * o.jitWarmup + 2 * o.repeats * (o.ops + o.warmup);
    const witness = o.protocols.map((protocol, i): TracingWitness => {
      const r = receivers[i]!;
      const all = protocol === "http/protobuf" ? r.protobufSpans() : r.spans();
      const requestSpans = all.filter((s) => s.scope === "kubemq-s3" && s.kind === 5).length;
      return { protocol, spans: all.length, requestSpans, sent };
    });
    return {
      protocols: [...o.protocols],
      extraEnv,
      concurrency: 32,
      ops: o.ops,
      repeats: o.repeats,
      methods,
      witness,
    };
  } finally {
    sender.close();
    for (const c of connectors) await c.stop();
    for (const r of receivers) await r.close();
    for (const c of configs) await Deno.remove(c).catch(() => {});
  }
}
