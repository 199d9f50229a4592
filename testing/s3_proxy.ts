/**
 * A loopback TCP proxy for fault injection in front of an S3 endpoint: it forwards bytes as they
 * are, or refuses, drops, delays, stalls or cuts connections on command. The reliability suite
 * points a binding's `endpoint` at it so that S3 can "fail" for one connector while the shared
 * S3 server keeps running for everyone else.
 *
 * @example
 * ```ts
 * await using proxy = await startFaultProxy({ upstream: "127.0.0.1:7480" });
 * proxy.setMode("refuse"); // new connections are refused, open ones are cut
 * proxy.setMode("pass");
 * ```
 * @module
 */

/**
 * What the proxy does with connections:
 * - `pass`: forward both ways (optionally delayed, optionally cut after `cutAfterBytes`);
 * - `refuse`: stop listening, so connects fail with ECONNREFUSED (open connections are cut);
 * - `drop`: accept and close at once (the client sees a reset / hang-up);
 * - `stall`: accept, read and discard what the client sends, never answer.
 */
export type ProxyMode = "pass" | "refuse" | "drop" | "stall";

/** Options of {@link startFaultProxy}. */
export interface FaultProxyOptions {
  /** `host:port` of the real server. */
  upstream: string;
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
}

/** Counters for assertions and reports. */
export interface ProxyStats {
  /** Connections accepted (in any mode). */
  accepted: number;
  /** Connections open now. */
  open: number;
  /** Most connections open at once. */
  maxOpen: number;
  /** Connections cut by `cutAfterBytes` or by a mode change. */
  cut: number;
  /** Bytes forwarded client -> server. */
  bytesUp: number;
  /** Bytes forwarded server -> client. */
  bytesDown: number;
}

/** A running proxy. */
export interface FaultProxy {
  /** `http://127.0.0.1:<port>`: the endpoint to give the binding. */
  readonly url: string;
  readonly port: number;
  readonly mode: ProxyMode;
  /** Switches mode; leaving `pass` cuts every open connection (pooled keep-alive ones too). */
  setMode(mode: ProxyMode): Promise<void>;
  /** Delay added before each forwarded chunk, both ways (0 = none). */
  setDelay(ms: number): void;
  /** Cut a connection once it has carried this many bytes towards the server (null = never). */
  setCutAfterBytes(bytes: number | null): void;
  stats(): ProxyStats;
  /** Forgets `maxOpen` so a phase of a test can measure its own peak. */
  resetPeak(): void;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

const CHUNK = 64 * 1024;

function splitHostPort(address: string): { hostname: string; port: number } {
  const colon = address.lastIndexOf(":");
  return { hostname: address.slice(0, colon), port: Number(address.slice(colon + 1)) };
}

function closeQuietly(c: Deno.Conn | Deno.Listener | null | undefined): void {
  try {
    c?.close();
  } catch { /* already closed */ }
}

/** Starts a proxy on 127.0.0.1 that forwards to `upstream`. */
export function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const upstream = splitHostPort(options.upstream);
  let listener: Deno.Listener | null = Deno.listen({
    hostname: "127.0.0.1",
    port: options.port ?? 0,
  });
  const port = (listener.addr as Deno.NetAddr).port;
  let mode: ProxyMode = "pass";
  let delayMs = 0;
  let cutAfter: number | null = null;
  let closed = false;
  const stats: ProxyStats = { accepted: 0, open: 0, maxOpen: 0, cut: 0, bytesUp: 0, bytesDown: 0 };
  /** Every open connection pair, so a mode change can cut them. */
  const pairs = new Set<{ client: Deno.Conn; server: Deno.Conn | null }>();
  const tasks = new Set<Promise<void>>();

  const track = (p: Promise<void>) => {
    tasks.add(p);
    p.finally(() => tasks.delete(p));
  };

  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  /** Copies one direction; returns when either side ends. */
  const pump = async (
    from: Deno.Conn,
    to: Deno.Conn,
    up: boolean,
    pair: { client: Deno.Conn; server: Deno.Conn | null },
  ) => {
    const buf = new Uint8Array(CHUNK);
    let carried = 0;
    try {
      for (;;) {
        const n = await from.read(buf);
        if (n === null) break;
        if (delayMs > 0) await sleep(delayMs);
        let chunk = buf.subarray(0, n);
        let cutNow = false;
        if (up && cutAfter !== null && carried + n >= cutAfter) {
          chunk = chunk.subarray(0, Math.max(0, cutAfter - carried));
          cutNow = true;
        }
        let written = 0;
        while (written < chunk.length) written += await to.write(chunk.subarray(written));
        carried += chunk.length;
        if (up) stats.bytesUp += chunk.length;
        else stats.bytesDown += chunk.length;
        if (cutNow) {
          stats.cut++;
          break;
        }
      }
    } catch { /* a side closed or reset */ }
    closeQuietly(pair.client);
    closeQuietly(pair.server);
  };

  const handle = async (client: Deno.Conn) => {
    stats.accepted++;
    stats.open++;
    stats.maxOpen = Math.max(stats.maxOpen, stats.open);
    const pair: { client: Deno.Conn; server: Deno.Conn | null } = { client, server: null };
    pairs.add(pair);
    try {
      if (mode === "drop") return;
      if (mode === "stall") {
        // Swallow what the client sends and never answer, until a mode change cuts it.
        const buf = new Uint8Array(CHUNK);
        try {
          while ((await client.read(buf)) !== null) { /* discard */ }
        } catch { /* cut */ }
        return;
      }
      try {
        pair.server = await Deno.connect({ ...upstream, transport: "tcp" });
      } catch {
        return;
      }
      await Promise.all([
        pump(client, pair.server, true, pair),
        pump(pair.server, client, false, pair),
      ]);
    } finally {
      closeQuietly(client);
      closeQuietly(pair.server);
      pairs.delete(pair);
      stats.open--;
    }
  };

  const acceptLoop = async (l: Deno.Listener) => {
    try {
      for await (const conn of l) track(handle(conn));
    } catch { /* listener closed */ }
  };
  track(acceptLoop(listener));

  const cutAll = () => {
    for (const pair of pairs) {
      stats.cut++;
      closeQuietly(pair.client);
      closeQuietly(pair.server);
    }
  };

  const proxy: FaultProxy = {
    url: `http://127.0.0.1:${port}`,
    port,
    get mode() {
      return mode;
    },
    async setMode(next) {
      if (closed) throw new Error("proxy is closed");
      const previous = mode;
      mode = next;
      if (next !== "pass" || previous === "stall") cutAll();
      if (next === "refuse" && listener) {
        closeQuietly(listener);
        listener = null;
      } else if (next !== "refuse" && !listener) {
        // Listen again on the same port; retry briefly while the old socket is released.
        for (let i = 0;; i++) {
          try {
            listener = Deno.listen({ hostname: "127.0.0.1", port });
            break;
          } catch (err) {
            if (i >= 50) throw err;
            await sleep(20);
          }
        }
        track(acceptLoop(listener));
      }
    },
    setDelay(ms) {
      delayMs = ms;
    },
    setCutAfterBytes(bytes) {
      cutAfter = bytes;
    },
    stats: () => ({ ...stats }),
    resetPeak() {
      stats.maxOpen = stats.open;
    },
    async close() {
      if (closed) return;
      closed = true;
      closeQuietly(listener);
      listener = null;
      cutAll();
      await Promise.allSettled([...tasks]);
    },
    [Symbol.asyncDispose]() {
      return proxy.close();
    },
  };
  return Promise.resolve(proxy);
}
