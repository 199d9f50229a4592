/** The binding's `rate_per_second`: requests wait their turn (within their deadline). */
import { RateLimiter } from "../rate_limiter.ts";
import type { TargetMiddleware } from "./compose.ts";

/** Spaces requests at `rate` per second; 0 lets every request through at once. */
export function rateLimit(rate: number): TargetMiddleware {
  const limiter = new RateLimiter(rate);
  return async (call, next) => {
    await limiter.take(call.signal);
    return await next();
  };
}
