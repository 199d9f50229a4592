/** Log lines written while the target runs (transfer progress) carry the request's fields. */
import { withLogContext } from "../../log.ts";
import type { TargetMiddleware } from "./compose.ts";

/** Runs the rest of the chain with the binding, method and request id as log context. */
export const logContext: TargetMiddleware = (call, next) => withLogContext(call.fields(), next);
