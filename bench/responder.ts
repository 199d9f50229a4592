/** Starts bench/echo_responder.ts as its own process: scenario A's trivial responder. */

/** A running echo responder. */
export interface EchoResponder {
  channel: string;
  /** Scenario M's channel (the minimal responder), when started with a bucket. */
  s3Channel: string | null;
  pid: number;
  stop(): Promise<void>;
}

const path = new URL("./echo_responder.ts", import.meta.url).pathname;

/**
 * Spawns the responder on a fresh channel and waits until it has subscribed; with `bucket` it
 * also serves scenario M on `<channel>.s3`.
 */
export async function startResponder(
  brokerAddress: string,
  bucket?: string,
): Promise<EchoResponder> {
  const channel = `bench.echo.${Date.now().toString(36)}`;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", path, brokerAddress, channel, ...(bucket ? [bucket] : [])],
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const stop = async () => {
    try {
      child.kill("SIGTERM");
    } catch { /* gone */ }
    await child.status;
  };
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const first = await reader.read();
  if (!first.value?.includes("subscribed")) {
    await stop();
    throw new Error("echo responder did not start");
  }
  void (async () => {
    while (!(await reader.read()).done) { /* drain */ }
  })();
  return { channel, s3Channel: bucket ? `${channel}.s3` : null, pid: child.pid, stop };
}
