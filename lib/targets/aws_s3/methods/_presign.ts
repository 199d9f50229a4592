/** Shared by presign_get_item and presign_put_item: the expiry field and the response shape. */
import { int } from "../../../schema.ts";
import type { MethodContext, MethodResult } from "../method.ts";

/** SigV4 query signatures are valid for at most seven days. */
export const MAX_PRESIGN_SECONDS = 604_800;

/** expires_seconds: how long the URL works, 1 s to 7 days; 15 minutes by default, as the SDK. */
export const expiresSeconds = int({
  description: `Seconds the URL stays valid, 1..${MAX_PRESIGN_SECONDS} (7 days). Default 900.`,
  min: 1,
  max: MAX_PRESIGN_SECONDS,
  default: "900",
});

/**
 * Signs the URL (no call to S3: nothing checks that the bucket or item exists) and answers it as
 * the data, with what a client must send alongside it as metadata.
 */
export async function presignResult(
  ctx: MethodContext,
  op: "get" | "put",
  input: { bucket: string; key: string; contentType?: string | undefined },
  seconds: number,
): Promise<MethodResult> {
  const signedAt = Date.now();
  const url = await ctx.s3.presign(op, input, seconds);
  return {
    metadata: {
      result: "ok",
      http_method: op === "get" ? "GET" : "PUT",
      expires_seconds: String(seconds),
      expires_at: new Date(signedAt + seconds * 1000).toISOString(),
      ...(input.contentType !== undefined ? { content_type: input.contentType } : {}),
    },
    data: new TextEncoder().encode(url),
  };
}
