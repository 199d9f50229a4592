/**
 * The readiness probe of an S3 target. It calls ListBuckets, the one call that names no bucket,
 * but a least-privilege user (object actions on one bucket) is denied it. An AccessDenied answer
 * still proves what readiness needs: S3 is reachable, it parsed a signed request, and it knows
 * the access key and accepted the signature (else it answers InvalidAccessKeyId or
 * SignatureDoesNotMatch, which stay not-ready). The original's /ready is always 200.
 */
import { ConnectorError } from "../../errors.ts";
import type { S3Port } from "./port.ts";

/** Codes that mean "authenticated, just not authorised for ListBuckets". */
const AUTHENTICATED_BUT_DENIED = new Set(["AccessDenied", "AllAccessDisabled"]);

/** Resolves when S3 answers and the credentials are recognised; throws the reason otherwise. */
export async function probeS3(s3: S3Port, signal: AbortSignal): Promise<void> {
  try {
    await s3.listBuckets(signal);
  } catch (err) {
    if (err instanceof ConnectorError && AUTHENTICATED_BUT_DENIED.has(err.code)) return;
    throw err;
  }
}
