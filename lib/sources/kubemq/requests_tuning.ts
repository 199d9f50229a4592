/** Timings and seams of the request-answering sources that tests set. */
import type { KubemqClientConfig } from "./client_config.ts";
import type { KubemqRequestsClient } from "./requests_port.ts";

/** Timings and seams that tests may override. */
export interface RequestsSourceTuning {
  /** Ping deadline per attempt (default 5000). */
  pingTimeoutMs?: number;
  /** How long an open stream must live to count as healthy (default 3000). */
  stableMs?: number;
  /** SendResponse deadline (default 30000). */
  responseTimeoutMs?: number;
  /** Replaces the gRPC client, for tests. */
  createClient?: (config: KubemqClientConfig) => KubemqRequestsClient;
}
