/**
 * The kind contract: what a source or target kind declares about itself, in one place. A kind
 * owns its options schema (with examples), the sandbox permissions its parsed options need, how
 * it is created and, for a source, how its payloads are read. Generic code (config validation,
 * the sandbox, docs, metrics) asks the kind; it never names a kind's fields.
 */
import type { Logger } from "@logtape/logtape";
import type { Parsed, Schema } from "../schema.ts";
import type { Source } from "./source.ts";
import type { TargetRequest } from "../wire.ts";

/** What a kind's factory gets besides its parsed properties. */
export interface KindContext {
  /** The binding's name, for logs. */
  binding: string;
  log: Logger;
  /** Reads a file named by the config (TLS material); the only file access kinds get. */
  readFile(path: string): Promise<Uint8Array>;
}

/** Deno `sys` permission names. */
export type SysPermission = Deno.SysPermissionDescriptor["kind"];

/** What the launcher offers a kind for working out its permissions. */
export interface PermissionContext {
  /** The IP addresses of a host name ([] when it does not resolve now). */
  resolve(host: string): Promise<string[]>;
  /** The launcher's environment (e.g. credential file locations). */
  env(name: string): string | undefined;
}

/** Network and file access one endpoint (a source or target of a binding) needs. */
export interface EndpointPermissions {
  /** `host:port` entries in Deno's syntax (IPv6 in brackets; `*.` wildcards allowed). */
  net: readonly string[];
  /** Files (or folders) it reads. */
  read: readonly string[];
}

/** The sandbox permissions of a kind: static ones of its libraries, and its endpoints' own. */
export interface KindPermissions<O> {
  /** Environment variables its libraries read (Deno patterns such as `AWS_*`). */
  readonly env: readonly string[];
  /** `sys` information its libraries read. */
  readonly sys: readonly SysPermission[];
  /** Hosts and files one endpoint needs, from its parsed options. */
  endpoint(options: O, ctx: PermissionContext): Promise<EndpointPermissions>;
}

/** How a source's payloads become requests. */
export type PayloadFormat =
  /** The body is a wire-format request (JSON with metadata and base64 data). */
  | "request"
  /** The whole body is the request's data, with empty metadata. */
  | "raw";

/** What every kind declares. */
interface KindBase<S extends Schema> {
  /** The name in config.yaml, e.g. `kubemq.query`. */
  readonly kind: string;
  readonly description: string;
  /** The options schema; every field has a description and an example. */
  readonly properties: S;
  /** Cross-field checks beyond the schema (returns error texts naming the keys). */
  validate?(options: Parsed<S>): string[];
  readonly permissions: KindPermissions<Parsed<S>>;
  /**
   * The error codes only this kind raises, each with its meaning: the `meanings` of its
   * `defineErrorCodes` set (lib/errors.ts, which holds the generic ones).
   */
  readonly errorCodes?: Readonly<Record<string, string>>;
}

/** The largest response body a source can send, and the option that sets it (for the error). */
export interface ResponseLimit {
  bytes: number;
  /** The option's name, e.g. `max_message_bytes`. */
  option: string;
}

/** A source kind. */
export interface SourceKind<S extends Schema = Schema> extends KindBase<S> {
  /** How this source's payloads are read (from its options). */
  payload(options: Parsed<S>): PayloadFormat;
  /**
   * The largest response body its transport carries, if bounded: the binding answers a larger
   * one with `ResponseTooLarge` instead (sending it would fail and leave the sender waiting).
   */
  responseLimit?(options: Parsed<S>): ResponseLimit;
  create(options: Parsed<S>, ctx: KindContext): Promise<Source>;
}

/** What a target's run returns; the binding turns it into the response. */
export interface TargetResult {
  metadata?: Record<string, string>;
  data?: Uint8Array | null;
  /** Data bytes this request sent to the backend (e.g. an upload), for the byte counters. */
  bytesOut?: number;
  /** Data bytes this request received from the backend (e.g. a download), for the byte counters. */
  bytesIn?: number;
}

/** A running target. */
export interface Target {
  /** Runs one request; throws ConnectorError on failure. */
  run(request: TargetRequest, signal: AbortSignal): Promise<TargetResult>;
  /** Proves the backend answers, for /ready. */
  probe(signal: AbortSignal): Promise<void>;
  close(): void;
}

/** A target kind. */
export interface TargetKind<S extends Schema = Schema> extends KindBase<S> {
  create(options: Parsed<S>, ctx: KindContext): Promise<Target>;
}

/** Declares a source kind, keeping the factory's option types tied to its schema. */
export function defineSourceKind<S extends Schema>(kind: SourceKind<S>): SourceKind {
  return kind as unknown as SourceKind;
}

/** Declares a target kind, keeping the factory's option types tied to its schema. */
export function defineTargetKind<S extends Schema>(kind: TargetKind<S>): TargetKind {
  return kind as unknown as TargetKind;
}

/** Permissions of a kind that needs none (tests, in-memory kinds). */
export const NO_PERMISSIONS: KindPermissions<unknown> = {
  env: [],
  sys: [],
  endpoint: () => Promise.resolve({ net: [], read: [] }),
};
