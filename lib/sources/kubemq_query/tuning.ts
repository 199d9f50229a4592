/** Timings and seams of the `kubemq.query` source that tests (and the command source) set. */
import type { HandleResult } from "../source.ts";
import type { KubemqClientConfig, KubemqQueryClient } from "./query_client.ts";
import type { ReplyContent } from "./reply.ts";

/** Timings and seams that tests (and the command source) may override. */
export interface KubemqQuerySourceTuning {
  /** Ping deadline per attempt (default 5000). */
  pingTimeoutMs?: number;
  /** How long an open stream must live to count as healthy (default 3000). */
  stableMs?: number;
  /** SendResponse deadline (default 30000). */
  responseTimeoutMs?: number;
  /** Replaces the gRPC client, for tests. */
  createClient?: (config: KubemqClientConfig) => KubemqQueryClient;
  /** What the reply carries (default: the response body); commands answer without a body. */
  reply?: (result: HandleResult) => ReplyContent;
}
