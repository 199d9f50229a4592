/**
 * Typed errors that cross the binding boundary and become `is_error` responses.
 *
 * Every error carries a stable `code` that tests and senders can branch on; the binding puts
 * it in the response metadata as `error_code`.
 */

/** The codes the connector raises itself: a closed set, so a typo does not compile. */
export const CONNECTOR_ERROR_CODES = [
  /** The body is not a valid request (not JSON, bad base64, wrong shape). */
  "InvalidRequest",
  /** A metadata value is malformed or not allowed. */
  "InvalidMetadata",
  /** A metadata key the method needs is missing. */
  "MissingMetadata",
  /** The request's data is malformed for the method. */
  "InvalidData",
  /** `metadata.method` names no method of the target. */
  "UnknownMethod",
  /** The request's deadline, a wait, or a call to the backend ran out of time. */
  "Timeout",
  /** An unexpected failure (a bug): logged with its stack. */
  "Internal",
  /** The target is not initialised yet (retried with backoff). */
  "TargetUnavailable",
  /** The backend could not be reached (connection refused, reset, DNS). */
  "NetworkError",
  /** The sandbox denied an access (a host the config does not name). */
  "PermissionDenied",
  /** The backend sent fewer bytes than it announced. */
  "IncompleteBody",
  /** A listing holds more keys than the method returns at once. */
  "TooManyKeys",
  /** Deleting items failed without a code from the backend. */
  "DeleteFailed",
  /** The response exceeds the source's max_message_bytes. */
  "ResponseTooLarge",
] as const;

/** A code the connector raises itself. */
export type ConnectorErrorCode = typeof CONNECTOR_ERROR_CODES[number];

declare const passedThrough: unique symbol;

/**
 * A code of the target's backend passed through verbatim (S3's `NoSuchKey`, `SlowDown`). Only a
 * target's error mapper makes one ({@link passThroughCode}), so our own codes stay checked.
 */
export type PassThroughCode = string & { readonly [passedThrough]: true };

/** Marks a backend's code to be passed through verbatim; for a target's error mapper only. */
export function passThroughCode(code: string): PassThroughCode {
  return code as PassThroughCode;
}

/** The `error_code` of a response: ours, or the backend's passed through. */
export type ErrorCode = ConnectorErrorCode | PassThroughCode;

/** An error with a stable code, and the HTTP status when it came from S3. */
export class ConnectorError extends Error {
  /** Stable machine-readable code, e.g. `NoSuchKey` or `InvalidMetadata`. */
  readonly code: ErrorCode;
  /** HTTP status of the S3 response this error came from, when there was one. */
  readonly status: number | undefined;
  /** False when retrying can never help (bad input, missing bucket, denied access). */
  readonly retryable: boolean;

  constructor(
    code: ErrorCode,
    message: string,
    options: { status?: number; retryable?: boolean; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "ConnectorError";
    this.code = code;
    this.status = options.status;
    this.retryable = options.retryable ?? false;
  }
}

/** Quotes a user-supplied value for an error message, shortening very long ones. */
export function quote(value: unknown): string {
  const text = typeof value === "string" ? value : JSON.stringify(value) ?? String(value);
  const shown = text.length > 200 ? `${text.slice(0, 200)}…(${text.length} chars)` : text;
  return JSON.stringify(shown);
}

/** Turns anything thrown into a ConnectorError, keeping codes of ones that already are. */
export function toConnectorError(err: unknown): ConnectorError {
  if (err instanceof ConnectorError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new ConnectorError("Internal", message, { cause: err, retryable: false });
}
