/**
 * Whether something listens on a local TCP port: how the dev demo finds a running broker or S3,
 * and how its test checks that the demo freed its ports.
 *
 * @module
 */

/** True when a TCP connection to 127.0.0.1:`port` succeeds. */
export async function listening(port: number): Promise<boolean> {
  try {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    conn.close();
    return true;
  } catch {
    return false;
  }
}
