/** gRPC status codes, the error of a call, and reading a call's status from its headers. */
import type http2 from "node:http2";

/** gRPC status codes by name (the subset this client produces or maps). */
export const Status = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const;
const STATUS_NAMES = Object.fromEntries(Object.entries(Status).map(([k, v]) => [v, k]));

/** A call's outcome: a gRPC status code and its details. */
export class GrpcError extends Error {
  readonly code: number;
  readonly details: string;

  constructor(code: number, details: string) {
    const name = STATUS_NAMES[code] ?? String(code);
    super(details === "" ? name : `${name}: ${details}`);
    this.code = code;
    this.details = details;
  }
}

/** The gRPC status of a response that is not gRPC (a proxy or a wrong port answered). */
export function httpStatusToGrpc(status: number): number {
  switch (status) {
    case 400:
      return Status.INTERNAL;
    case 401:
      return Status.UNAUTHENTICATED;
    case 403:
      return Status.PERMISSION_DENIED;
    case 404:
      return Status.UNIMPLEMENTED;
    case 429:
    case 502:
    case 503:
    case 504:
      return Status.UNAVAILABLE;
    default:
      return Status.UNKNOWN;
  }
}

/** Decodes grpc-message's percent-encoding, keeping malformed text as it is. */
export function percentDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * The status in `grpc-status`/`grpc-message` (trailers, or headers of a trailers-only
 * response): null for OK, undefined when the headers carry none.
 */
export function statusOf(headers: http2.IncomingHttpHeaders): GrpcError | null | undefined {
  const raw = headers["grpc-status"];
  if (raw === undefined) return undefined;
  const code = Number(raw);
  const details = headers["grpc-message"];
  return code === Status.OK ? null : new GrpcError(
    Number.isInteger(code) ? code : Status.UNKNOWN,
    typeof details === "string" ? percentDecode(details) : "",
  );
}
