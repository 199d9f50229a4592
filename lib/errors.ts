/**
 * Typed errors that cross the binding boundary and become `is_error` responses.
 *
 * Every error carries a stable `code` that tests and senders can branch on; the binding puts
 * it in the response metadata as `error_code`. A code is one of three: a generic one of the
 * closed set below, one a kind declares for itself ({@link defineErrorCodes}), or a backend's own
 * passed through ({@link passThroughCode}).
 */

/**
 * The codes any kind or the binding raises: a closed set, so a typo does not compile. A code
 * only one kind raises is declared in that kind's folder instead ({@link defineErrorCodes}).
 */
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
  /** The response exceeds the source's max_message_bytes. */
  "ResponseTooLarge",
] as const;

/** A generic code, of the closed set. */
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

declare const declaredByKind: unique symbol;

/** A code one kind declares for itself: made only by its {@link defineErrorCodes} set. */
export type KindErrorCode = string & { readonly [declaredByKind]: true };

/** A kind's own codes: call it with a declared name for the code; `meanings` lists them. */
export interface KindErrorCodes<C extends string> {
  (name: C): KindErrorCode;
  /** Each declared code with its meaning, for the kind's declaration and the docs. */
  readonly meanings: Readonly<Record<C, string>>;
}

/**
 * Declares the codes only one kind raises, each with its meaning, in that kind's folder. A
 * generic code's name is refused (it does not compile, and throws if forced), so the generic set
 * stays closed and each code means one thing.
 *
 * @example
 * ```ts
 * const ownCodes = defineErrorCodes({ QuotaExceeded: "The store's quota is used up." });
 * const err = new ConnectorError(ownCodes("QuotaExceeded"), "quota used up");
 * ```
 */
export function defineErrorCodes<const C extends string>(
  meanings: Record<C, string> & { readonly [G in ConnectorErrorCode]?: never },
): KindErrorCodes<C> {
  const generic: readonly string[] = CONNECTOR_ERROR_CODES;
  const clash = Object.keys(meanings).filter((name) => generic.includes(name));
  if (clash.length > 0) throw new Error(`Generic error codes declared by a kind: ${clash.join()}`);
  const declared: Readonly<Record<C, string>> = Object.freeze({ ...meanings });
  const code = (name: C) => name as string as KindErrorCode;
  return Object.assign(code, { meanings: declared });
}

/** The `error_code` of a response: generic, a kind's own, or the backend's passed through. */
export type ErrorCode = ConnectorErrorCode | KindErrorCode | PassThroughCode;

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
