/**
 * The codes only the `aws.s3` target raises, with their meanings; the generic ones are in
 * lib/errors.ts, and S3's own pass through (sdk/errors.ts).
 */
import { defineErrorCodes } from "../../errors.ts";

/** The `aws.s3` target's own codes: `s3Code("TooManyKeys")`. */
export const s3Code = defineErrorCodes({
  IncompleteBody: "S3 sent fewer bytes than it announced (retried).",
  TooManyKeys: "A listing holds more keys than the method returns at once (page instead).",
  DeleteFailed: "Deleting items failed without a code from S3.",
});
