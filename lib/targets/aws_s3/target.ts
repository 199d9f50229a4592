/**
 * The `aws.s3` target: validates a request against the method registry and runs it.
 */
import type { Logger } from "@logtape/logtape";
import { ConnectorError, quote } from "../../errors.ts";
import { FieldErrors, parseFields } from "../../schema.ts";
import type { TargetRequest } from "../../wire.ts";
import type { MethodResult } from "./method.ts";
import type { S3Port } from "./port.ts";
import type { S3TargetOptions } from "./options.ts";
import { probeS3 } from "./readiness.ts";
import { methodNames, methodsByName } from "./registry.ts";
import { annotateRequestSpan } from "./span_attributes.ts";

/** A running S3 target bound to one port. */
export interface S3Target {
  /** Runs one request; throws ConnectorError (with S3's code) on failure. */
  run(request: TargetRequest, signal: AbortSignal): Promise<MethodResult>;
  /**
   * A cheap authenticated call proving S3 answers and knows the credentials, for readiness
   * (see readiness.ts: a ListBuckets denied by policy still counts).
   */
  probe(signal: AbortSignal): Promise<void>;
  close(): void;
}

/** Creates the target over a port (the SDK adapter, or a fake in unit tests). */
export function createS3Target(s3: S3Port, options: S3TargetOptions, log: Logger): S3Target {
  return {
    async run(request, signal) {
      const name = request.metadata.method;
      const valid = `valid methods: ${methodNames.join(", ")}`;
      if (name === undefined || name === "") {
        throw new ConnectorError("MissingMetadata", `Missing metadata "method"; ${valid}`);
      }
      const method = methodsByName.get(name);
      if (!method) {
        throw new ConnectorError(
          "UnknownMethod",
          `Invalid metadata "method": unknown method ${quote(name)}; ${valid}`,
        );
      }
      let args: Record<string, unknown>;
      try {
        args = parseFields(method.metadata, request.metadata);
      } catch (err) {
        if (!(err instanceof FieldErrors)) throw err;
        const texts = err.errors.map((e) =>
          e.reason === "missing"
            ? `Missing metadata "${e.key}": required by method "${name}"`
            : `Invalid metadata "${e.key}": expected ${e.expected}, got ${quote(e.value)}`
        );
        const missing = err.errors.some((e) => e.reason === "missing");
        const hint = missing && method.missingHint ? `. ${method.missingHint}` : "";
        throw new ConnectorError(
          missing ? "MissingMetadata" : "InvalidMetadata",
          texts.join("; ") + hint,
        );
      }
      annotateRequestSpan(args);
      return await method.handle({ s3, options, log, signal }, args, request.data);
    },
    async probe(signal) {
      await probeS3(s3, signal);
    },
    close() {
      s3.close();
    },
  };
}
