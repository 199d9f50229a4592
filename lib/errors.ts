/**
 * Typed errors that cross the binding boundary and become `is_error` responses.
 *
 * Every error carries a stable `code` that tests and senders can branch on; the binding puts
 * it in the response metadata as `error_code`.
 */

/** Stable error codes raised by the connector itself (S3 codes pass through verbatim). */
export type ConnectorErrorCode =
  | "InvalidRequest"
  | "InvalidMetadata"
  | "MissingMetadata"
  | "InvalidData"
  | "UnknownMethod"
  | "Timeout"
  | "Internal"
  | (string & Record<never, never>);

/** An error with a stable code, and the HTTP status when it came from S3. */
export class ConnectorError extends Error {
  /** Stable machine-readable code, e.g. `NoSuchKey` or `InvalidMetadata`. */
  readonly code: ConnectorErrorCode;
  /** HTTP status of the S3 response this error came from, when there was one. */
  readonly status: number | undefined;
  /** False when retrying can never help (bad input, missing bucket, denied access). */
  readonly retryable: boolean;

  constructor(
    code: ConnectorErrorCode,
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
