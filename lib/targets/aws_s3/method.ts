/**
 * The shape of one S3 method: a descriptor with its metadata schema and handler. Each method
 * lives in its own file under `methods/` and is listed once in `registry.ts`.
 */
import type { Logger } from "@logtape/logtape";
import type { TargetResult } from "../../kinds/kind.ts";
import type { Parsed, Schema } from "../../schema.ts";
import type { S3Port } from "./port.ts";
import type { S3TargetOptions } from "./options.ts";

/** What a handler may use: the S3 port, the target's options and a logger. */
export interface MethodContext {
  s3: S3Port;
  options: S3TargetOptions;
  log: Logger;
  /** Aborted when the request's time is up or the process drains. */
  signal: AbortSignal;
}

/**
 * What a handler returns: the response's metadata and data, and the bytes it moved to or from
 * S3 (for the byte counters).
 */
export type MethodResult = TargetResult;

/** Whether a method uses the request's data, for validation and docs. */
export type DataUse = "none" | "required" | "optional";

/** A documented example, rendered in docs/methods.md (encoded as on the wire). */
export interface MethodExample {
  metadata: Record<string, string>;
  /** The request's data shown decoded (as text), or null. */
  data?: string | null;
  /** Response metadata. */
  response: Record<string, string>;
  /** The response's data shown decoded (JSON or text), or null. */
  responseData?: string | null;
}

/** A method descriptor. */
export interface MethodDescriptor<S extends Schema> {
  readonly name: string;
  readonly description: string;
  readonly metadata: S;
  readonly data: DataUse;
  /** What `data` means for this method, for the docs. */
  readonly dataDescription?: string;
  readonly example: MethodExample;
  /** Added to a "missing metadata" error, to point at a likely intended method. */
  readonly missingHint?: string;
  handle(ctx: MethodContext, args: Parsed<S>, data: Uint8Array | null): Promise<MethodResult>;
}

/** A method with its schema type erased, as the registry holds it. */
export interface Method {
  readonly name: string;
  readonly description: string;
  readonly metadata: Schema;
  readonly data: DataUse;
  readonly dataDescription?: string;
  readonly example: MethodExample;
  readonly missingHint?: string;
  handle(ctx: MethodContext, args: Record<string, unknown>, data: Uint8Array | null): Promise<
    MethodResult
  >;
}

/** Declares a method; keeps the handler's argument types tied to its schema. */
export function defineMethod<S extends Schema>(descriptor: MethodDescriptor<S>): Method {
  return descriptor as unknown as Method;
}

/** Encodes a value as JSON bytes for response data. */
export function jsonData(value: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value));
}
