/**
 * The registry of source and target kinds, indexed once. Config validation and startup look
 * kinds up here; nothing switches on kind names.
 */
import type { Logger } from "@logtape/logtape";
import type { Parsed, Schema } from "./schema.ts";
import type { Source } from "./sources/source.ts";
import type { TargetRequest } from "./wire.ts";

/** What a kind's factory gets besides its parsed properties. */
export interface KindContext {
  /** The binding's name, for logs. */
  binding: string;
  log: Logger;
  /** Reads a file named by the config (TLS material); the only file access kinds get. */
  readFile(path: string): Promise<Uint8Array>;
}

/** A source kind: its property schema and factory. */
export interface SourceKind<S extends Schema = Schema> {
  readonly kind: string;
  readonly description: string;
  readonly properties: S;
  /** Cross-field checks beyond the schema (returns error texts naming the keys). */
  validate?(options: Parsed<S>): string[];
  create(options: Parsed<S>, ctx: KindContext): Promise<Source>;
}

/** A running target. */
export interface Target {
  /** Runs one request; throws ConnectorError on failure. */
  run(
    request: TargetRequest,
    signal: AbortSignal,
  ): Promise<{ metadata?: Record<string, string>; data?: Uint8Array | null }>;
  /** Proves the backend answers, for /ready. */
  probe(signal: AbortSignal): Promise<void>;
  close(): void;
}

/** A target kind: its property schema and factory. */
export interface TargetKind<S extends Schema = Schema> {
  readonly kind: string;
  readonly description: string;
  readonly properties: S;
  validate?(options: Parsed<S>): string[];
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
