/**
 * Waits for a bucket or an object to exist or be gone (wait_for_completion), with the SDK's
 * waiters; running out of time is a retryable Timeout.
 */
import {
  waitUntilBucketExists,
  waitUntilBucketNotExists,
  waitUntilObjectExists,
  waitUntilObjectNotExists,
} from "@aws-sdk/client-s3";
import { ConnectorError } from "../../../errors.ts";
import type { S3Port } from "../port.ts";
import type { SdkContext } from "./client.ts";
import { mapS3Error } from "./errors.ts";

/** The port's waits. */
export function waiters(ctx: SdkContext): Pick<S3Port, "waitForBucket" | "waitForObject"> {
  const { client } = ctx;
  return {
    async waitForBucket(bucket, exists, seconds) {
      const waiter = exists ? waitUntilBucketExists : waitUntilBucketNotExists;
      await waitFor(
        () =>
          waiter({ client, maxWaitTime: seconds, minDelay: 1, maxDelay: 2 }, { Bucket: bucket }),
        `bucket ${JSON.stringify(bucket)} to ${exists ? "exist" : "be deleted"}`,
        seconds,
      );
    },

    async waitForObject(bucket, key, exists, seconds) {
      const waiter = exists ? waitUntilObjectExists : waitUntilObjectNotExists;
      await waitFor(
        () =>
          waiter({ client, maxWaitTime: seconds, minDelay: 1, maxDelay: 2 }, {
            Bucket: bucket,
            Key: key,
          }),
        `item ${JSON.stringify(key)} in bucket ${JSON.stringify(bucket)} to ${
          exists ? "exist" : "be deleted"
        }`,
        seconds,
      );
    },
  };
}

async function waitFor(run: () => Promise<{ state: string }>, what: string, seconds: number) {
  let result: { state: string; reason?: unknown };
  try {
    result = await run();
  } catch (err) {
    const state = (err as { state?: string }).state ?? (err as Error).name;
    if (state === "TIMEOUT" || state === "TimeoutError") {
      throw new ConnectorError("Timeout", `Timeout: waited ${seconds}s for ${what}`, {
        retryable: true,
      });
    }
    throw mapS3Error(err, {}, undefined);
  }
  if (result.state !== "SUCCESS") {
    throw new ConnectorError(
      "Timeout",
      `Timeout: waited ${seconds}s for ${what} (${result.state})`,
      {
        retryable: true,
      },
    );
  }
}
