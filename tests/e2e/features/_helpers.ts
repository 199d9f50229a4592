/**
 * Small helpers shared by the feature end-to-end tests: asserting a response's outcome and
 * reading its data as text.
 */
import assert from "node:assert/strict";
import type { TargetResponse } from "../../../lib/wire.ts";
import { findRadosgwConf } from "../../../testing/radosgw_users.ts";
import { s3TestEnv } from "../../../testing/s3.ts";

/** Asserts the request succeeded, showing the error when it did not. */
export function assertOk(res: TargetResponse, what = ""): void {
  assert.equal(res.isError, false, `${what} failed: ${res.error}`);
  assert.equal(res.metadata.result, "ok", what);
}

/** Asserts the request failed with S3's (or the connector's) error code and HTTP status. */
export function assertFails(
  res: TargetResponse,
  code: string,
  httpStatus?: number,
): void {
  assert.equal(res.isError, true, `expected ${code}, got ${JSON.stringify(res.metadata)}`);
  assert.equal(res.metadata.error_code, code, res.error);
  if (httpStatus !== undefined) assert.equal(res.metadata.http_status, String(httpStatus));
}

/** The response data as UTF-8 text ("" when there is none). */
export function dataText(res: TargetResponse): string {
  return new TextDecoder().decode(res.data ?? new Uint8Array());
}

/**
 * True when the tests run against a radosgw of tools/s3/radosgw.sh (the local one, or one that
 * S3_ENDPOINT names): assertions of radosgw's own gaps (no SSE without TLS, no STANDARD_IA) apply
 * only there.
 */
export const onLocalRadosgw = !Deno.env.get("S3_ENDPOINT") ||
  await findRadosgwConf(s3TestEnv().endpoint) !== null;
