/** Fails fast, and retryably, while the binding's target is not initialised. */
import { ConnectorError } from "../../errors.ts";
import type { Target } from "../../kinds/kind.ts";
import type { TargetMiddleware } from "./compose.ts";

/** Sets `call.target`, or throws TargetUnavailable naming why it is not there. */
export function targetReady(
  current: () => { target: Target | null; why: string },
  names: { binding: string; target: string },
): TargetMiddleware {
  return (call, next) => {
    const { target, why } = current();
    if (!target) {
      throw new ConnectorError(
        "TargetUnavailable",
        `Target ${names.target} of binding ${names.binding} is not initialised: ${why}`,
        { retryable: true },
      );
    }
    call.target = target;
    return next();
  };
}
