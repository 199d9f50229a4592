/**
 * The reconnect policy of a subscribing KubeMQ source. Each subscription runs its own loop of
 * attempts (Ping, then subscribe). An attempt counts as healthy once its stream has delivered a
 * message or stayed open for a while; only then is the count of failed reconnects reset, so a
 * server that accepts Ping but drops every stream still reaches `max_reconnects`. The loop
 * resubscribes when the stream fails and also when the server ends it with status OK.
 */

/** Shortest wait between attempts: `reconnect_interval_seconds: 0` must not spin. */
export const MIN_RETRY_MS = 100;

/** The options that set the policy, and the wait between attempts. */
export interface ReconnectPolicy {
  auto_reconnect: boolean;
  /** Failed attempts in a row before giving up; 0 never gives up. */
  max_reconnects: number;
  intervalMs: number;
}

/** What the loop asks of its source. */
export interface SubscriptionAttempts {
  /**
   * Pings, subscribes and resolves when the stream ends: true if it had proven healthy. Calls
   * `opened` once the stream is open.
   */
  attempt(opened: () => void): Promise<boolean>;
  /** True once the source is stopping or dead: the loop ends. */
  over(): boolean;
  /** The last connection error, for the reason given when giving up. */
  lastError(): string | null;
  /** Gives up for good. */
  die(reason: string): void;
  /** Waits `ms`, or less when the source stops. */
  sleep(ms: number): Promise<void>;
  /** Told before each resubscription: the attempt number since the last healthy stream. */
  resubscribing(attempt: number): void;
}

/**
 * One subscription's attempt loop; ends when the source stops, dies, or is out of retries.
 * `opened` is called once the first attempt has opened its stream or failed.
 */
export async function runSubscriptionLoop(
  policy: ReconnectPolicy,
  source: SubscriptionAttempts,
  opened: () => void,
): Promise<void> {
  // Reconnect attempts since the last healthy stream.
  let retries = 0;
  while (!source.over()) {
    const healthy = await source.attempt(opened);
    opened();
    if (source.over()) return;
    if (healthy) retries = 0;
    if (!policy.auto_reconnect) {
      return source.die(`${source.lastError()}; auto_reconnect is false, so the source gives up`);
    }
    const max = policy.max_reconnects;
    if (max > 0 && retries >= max) {
      return source.die(
        `Gave up after ${max} failed reconnect attempt(s) (max_reconnects): ${source.lastError()}`,
      );
    }
    await source.sleep(policy.intervalMs);
    if (source.over()) return;
    retries++;
    source.resubscribing(retries);
  }
}

/**
 * Watches one subscription stream: resolves with whether it proved healthy (a message arrived,
 * or it stayed open `stableMs`) once `open`'s stream reports its end.
 */
export function watchStream(
  stableMs: number,
  open: (healthy: () => void, ended: () => void) => void,
): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    let healthy = false;
    const timer = setTimeout(() => healthy = true, stableMs);
    open(() => healthy = true, () => {
      clearTimeout(timer);
      resolve(healthy);
    });
  });
}
