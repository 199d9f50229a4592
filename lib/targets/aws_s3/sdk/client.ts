/**
 * The SDK client built from the target's options, and what every operation shares: the client,
 * the options, the transfer sizes and one `send` that maps failures to ConnectorError.
 */
import { S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";
import { Agent as HttpsAgent } from "node:https";
import { Agent as HttpAgent } from "node:http";
import { checksumMode, pathStyle, type S3TargetOptions } from "../options.ts";
import { type ErrorContext, mapS3Error } from "./errors.ts";
import { traceS3Calls } from "./tracing.ts";
import { tracingOn } from "../../../trace/tracer.ts";

const MiB = 1024 * 1024;

/** Progress of a long transfer of one key, reported to the caller's logger. */
export type ProgressListener = (key: string, done: number, total: number) => void;

/** What the operation, transfer and waiter files share. */
export interface SdkContext {
  readonly client: S3Client;
  readonly options: S3TargetOptions;
  /** Part size in bytes for multipart uploads and ranged downloads. */
  readonly partSize: number;
  /** Parts transferred in parallel. */
  readonly queueSize: number;
  readonly onProgress: ProgressListener | undefined;
  /** Sends a command; a failure is thrown as a ConnectorError naming the context. */
  send<T>(command: object, signal: AbortSignal, context: ErrorContext): Promise<T>;
}

/** The SDK client configuration for the target's options (pure, so it can be inspected). */
export function clientConfig(options: S3TargetOptions): S3ClientConfig {
  const checksum = checksumMode(options) === "when_required" ? "WHEN_REQUIRED" : "WHEN_SUPPORTED";
  const agentOptions = { keepAlive: true, maxSockets: 256 };
  const config: S3ClientConfig = {
    region: options.region,
    forcePathStyle: pathStyle(options),
    requestChecksumCalculation: checksum,
    responseChecksumValidation: checksum,
    requestHandler: {
      ...(options.request_timeout_seconds > 0
        ? { requestTimeout: options.request_timeout_seconds * 1000 }
        : {}),
      connectionTimeout: 10_000,
      httpAgent: new HttpAgent(agentOptions),
      httpsAgent: new HttpsAgent({
        ...agentOptions,
        rejectUnauthorized: !options.insecure_skip_verify,
      }),
    },
  };
  if (options.endpoint) config.endpoint = options.endpoint.href.replace(/\/$/, "");
  if (options.aws_key && options.aws_secret_key) {
    config.credentials = {
      accessKeyId: options.aws_key,
      secretAccessKey: options.aws_secret_key,
      ...(options.token ? { sessionToken: options.token } : {}),
    };
  }
  return config;
}

/** Builds the client and the shared context of one target. */
export function createSdkContext(
  options: S3TargetOptions,
  onProgress: ProgressListener | undefined,
): SdkContext {
  const client = new S3Client(clientConfig(options));
  if (tracingOn()) traceS3Calls(client);
  // The SDK rebuilds its User-Agent (an os.release() call, escaping) on every request, ~1 % of
  // the connector's CPU per small request in a profile; it never changes, so build it once.
  const userAgent = client.config.defaultUserAgentProvider;
  let cachedUserAgent: ReturnType<typeof userAgent> | undefined;
  client.config.defaultUserAgentProvider = () =>
    cachedUserAgent ??= userAgent().catch((err: unknown) => {
      cachedUserAgent = undefined;
      throw err;
    });
  return {
    client,
    options,
    partSize: options.part_size_mb * MiB,
    queueSize: options.part_concurrency,
    onProgress,
    send: <T>(command: object, signal: AbortSignal, context: ErrorContext): Promise<T> =>
      // The SDK's per-command generics do not survive a shared helper; outputs are typed at call.
      (client.send(command as never, { abortSignal: signal }) as Promise<T>).catch(
        (err: unknown) => {
          throw mapS3Error(err, context, signal);
        },
      ),
  };
}
