/** What every scenario gets: the profile, the S3 server, the broker, the connector and a sender. */
import { Agent } from "node:http";
import { S3Client } from "@aws-sdk/client-s3";
import type { S3TestEnv } from "../testing/s3.ts";
import type { KubemqTestClient } from "../testing/kubemq_client.ts";
import { decodeResponse, encodeRequest, type TargetResponse } from "../lib/wire.ts";
import type { Profile } from "./profile.ts";
import type { BenchConnector } from "./stack.ts";
import type { EchoResponder } from "./responder.ts";

/** The running stack a scenario measures. */
export interface BenchContext {
  profile: Profile;
  s3env: S3TestEnv;
  /** The direct-SDK baseline client, configured as the connector's adapter configures its own. */
  s3: S3Client;
  bucket: string;
  brokerAddress: string;
  sender: KubemqTestClient;
  connector: BenchConnector;
  /** Scenario A's trivial responder, also the large-message floor of scenario D. */
  echo: EchoResponder;
  /** The connector's channel. */
  channel: string;
  /** Progress lines go to stderr, so stdout is only the report. */
  log(line: string): void;
}

/**
 * An S3 client like the connector's adapter makes (keep-alive agent with 256 sockets, checksums
 * when required, path style), so scenario B differs from C only by the connector.
 */
export function baselineS3Client(env: S3TestEnv): S3Client {
  return new S3Client({
    endpoint: env.endpoint,
    region: env.region,
    credentials: { accessKeyId: env.accessKey, secretAccessKey: env.secretKey },
    forcePathStyle: true,
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    requestHandler: {
      connectionTimeout: 10_000,
      httpAgent: new Agent({ keepAlive: true, maxSockets: 256 }),
    },
  });
}

/** Sends one wire-format request to the connector and decodes the answer; errors throw. */
export async function ask(
  ctx: BenchContext,
  metadata: Record<string, string>,
  data: Uint8Array | null = null,
  timeoutMs = 30_000,
): Promise<TargetResponse> {
  const res = await ctx.sender.sendQuery({
    channel: ctx.channel,
    body: encodeRequest({ metadata, data }),
    timeoutMs,
  });
  if (!res.executed) throw new Error(`query not executed: ${res.error}`);
  const out = decodeResponse(res.body);
  if (out.isError) throw new Error(`${metadata.method} failed: ${out.error}`);
  return out;
}

/** `size` bytes of incompressible-looking data. */
export function payload(size: number): Uint8Array {
  const out = new Uint8Array(size);
  const block = crypto.getRandomValues(new Uint8Array(Math.min(size, 65536)));
  for (let at = 0; at < size; at += block.length) {
    out.set(block.subarray(0, Math.min(block.length, size - at)), at);
    // Vary each block so no two are alike.
    if (at + 8 <= size) new DataView(out.buffer).setFloat64(at, at + Math.random());
  }
  return out;
}
