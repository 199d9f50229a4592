/**
 * Error classification: an SDK or network failure becomes a ConnectorError carrying S3's code,
 * the HTTP status, and whether a retry may help.
 */
import { S3ServiceException } from "@aws-sdk/client-s3";
import { ConnectorError, passThroughCode } from "../../../errors.ts";

/** What a call was about, to name it in error texts. */
export interface ErrorContext {
  bucket?: string;
  key?: string;
  sourceBucket?: string;
  /** HEAD responses have no body, so a 404 has no code: name it from context. */
  head?: boolean;
}

const transientCodes = new Set([
  "SlowDown",
  "Throttling",
  "ThrottlingException",
  "RequestTimeout",
  "RequestTimeTooSkewed",
  "InternalError",
  "ServiceUnavailable",
  "IncompleteBody",
]);

const networkCodes = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EAI_AGAIN",
  "ENOTFOUND",
  "EHOSTUNREACH",
  "ENETUNREACH",
]);

/** Maps an SDK or network failure to a ConnectorError with S3's code and HTTP status. */
export function mapS3Error(
  err: unknown,
  context: ErrorContext,
  signal: AbortSignal | undefined,
): ConnectorError {
  if (err instanceof ConnectorError) return err;
  const e = err as Error & {
    $metadata?: { httpStatusCode?: number };
    Code?: string;
    code?: string;
    $retryable?: unknown;
    $fault?: string;
  };
  if (signal?.aborted || e?.name === "AbortError") {
    const reason = signal?.reason;
    if (reason instanceof ConnectorError) return reason;
    return new ConnectorError("Timeout", "Timeout: the S3 call was aborted before it finished", {
      retryable: true,
      cause: err,
    });
  }
  const status = e?.$metadata?.httpStatusCode;
  if (err instanceof S3ServiceException || status !== undefined) {
    let code = e.Code ?? e.name ?? "Unknown";
    let message = e.message && e.message !== "UnknownError" ? e.message : "";
    if (status === 404 && (code === "NotFound" || code === "Unknown" || code === "UnknownError")) {
      code = context.key !== undefined ? "NoSuchKey" : "NoSuchBucket";
    }
    if (status === 403 && (code === "Forbidden" || code === "Unknown" || code === "UnknownError")) {
      code = "AccessDenied";
    }
    if (!message || message === code) message = defaultMessage(code, context);
    const retryable = transientCodes.has(code) || (status !== undefined && status >= 500) ||
      status === 429;
    return new ConnectorError(
      passThroughCode(code),
      `S3 error ${code} (HTTP ${status ?? "?"}): ${message}${describe(context)}`,
      { ...(status !== undefined ? { status } : {}), retryable, cause: err },
    );
  }
  const sysCode = e?.code ?? (e?.cause as { code?: string } | undefined)?.code;
  // A connection cut while a body is written can come wrapped as a TimeoutError whose message
  // names the real cause ("write EPIPE"): name that cause, not a timeout that never happened.
  const netCode = sysCode && sysCode !== "ETIMEDOUT" && networkCodes.has(sysCode)
    ? sysCode
    : /\b(EPIPE|ECONNRESET|ECONNREFUSED)\b/.exec(e?.message ?? "")?.[1];
  if (netCode) {
    return new ConnectorError(
      "NetworkError",
      `S3 endpoint unreachable (${netCode}): ${e.message}`,
      { retryable: true, cause: err },
    );
  }
  if (
    e?.name === "TimeoutError" || sysCode === "ETIMEDOUT" || /timed? ?out/i.test(e?.message ?? "")
  ) {
    return new ConnectorError("Timeout", `Timeout: S3 did not answer in time (${e?.message})`, {
      retryable: true,
      cause: err,
    });
  }
  if (sysCode && networkCodes.has(sysCode)) {
    return new ConnectorError(
      "NetworkError",
      `S3 endpoint unreachable (${sysCode}): ${e.message}`,
      { retryable: true, cause: err },
    );
  }
  if (e?.name === "NotCapable" || e?.name === "PermissionDenied" || sysCode === "EPERM") {
    return new ConnectorError(
      "PermissionDenied",
      `Denied by the sandbox: ${e.message} (the connector may only reach the hosts its config names)`,
      {
        cause: err,
      },
    );
  }
  return new ConnectorError(
    // The SDK's own error name (or ours for it): the S3 client's code, passed through.
    passThroughCode(e?.name && e.name !== "Error" ? e.name : "S3ClientError"),
    `S3 client error: ${e?.message ?? String(err)}`,
    { retryable: false, cause: err },
  );
}

function defaultMessage(code: string, ctx: ErrorContext): string {
  switch (code) {
    case "NoSuchKey":
      return "The specified key does not exist.";
    case "NoSuchBucket":
      return "The specified bucket does not exist.";
    case "AccessDenied":
      return "Access denied.";
    default:
      return code + (ctx.bucket ? "" : "");
  }
}

function describe(ctx: ErrorContext): string {
  const parts: string[] = [];
  if (ctx.bucket !== undefined) parts.push(`bucket ${JSON.stringify(ctx.bucket)}`);
  if (ctx.key !== undefined) parts.push(`item ${JSON.stringify(ctx.key)}`);
  if (ctx.sourceBucket !== undefined) {
    parts.push(`source bucket ${JSON.stringify(ctx.sourceBucket)}`);
  }
  return parts.length ? ` (${parts.join(", ")})` : "";
}
