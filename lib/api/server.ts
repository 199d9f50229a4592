/**
 * The HTTP API on `apiPort`: the original's /health, /ready, /metrics, /bindings,
 * /bindings/stats and (when enabled) POST /bindings/request, and our /bindings/state. Nothing it
 * returns contains a secret.
 */
import type { Binding } from "../binding/binding.ts";
import type { AppConfig } from "../config/config.ts";
import { logger } from "../log.ts";
import type { Metrics } from "../metrics.ts";
import { parseRequest, type TargetRequest } from "../wire.ts";
import { bindingsView, statsView } from "./original_views.ts";

/** What the API serves from. */
export interface ApiDeps {
  bindings(): readonly Binding[];
  /** The running config with its secrets redacted (for the original's GET /bindings). */
  redactedConfig(): AppConfig;
  metrics: Metrics;
  /** Whether POST /bindings/request runs requests (read per request: it follows reloads). */
  enableRequestApi(): boolean;
  /** False while starting or draining: /ready answers 503. */
  accepting(): boolean;
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body, null, 2), {
    status,
    headers: { "content-type": "application/json" },
  });

/** Handles one API request (exported for tests without a socket). */
export async function handleApi(req: Request, deps: ApiDeps): Promise<Response> {
  const url = new URL(req.url);
  const route = `${req.method} ${url.pathname}`;
  switch (route) {
    case "GET /health":
      return new Response("ok");
    case "GET /ready": {
      if (!deps.accepting()) {
        return json(503, { ready: false, reason: "not accepting queries (starting or draining)" });
      }
      const bindings = deps.bindings();
      const reasons = await Promise.all(
        bindings.map(async (b) => ({ binding: b.name, reason: await b.notReady() })),
      );
      const notReady = reasons.filter((r) => r.reason !== null);
      // No bindings (a valid config, as in the original) is ready: nothing to wait for.
      if (notReady.length === 0) return new Response("ready");
      return json(503, { ready: false, bindings: notReady });
    }
    case "GET /metrics":
      // Refresh gauges that are read from sources' state.
      for (const b of deps.bindings()) b.status();
      return new Response(await deps.metrics.text(), {
        headers: { "content-type": deps.metrics.contentType },
      });
    case "GET /bindings": {
      const running = new Map(deps.bindings().map((b) => [b.name, b]));
      const ready = async (name: string) => {
        const b = running.get(name);
        return b !== undefined && (await b.notReady()) === null;
      };
      return json(200, await bindingsView(deps.redactedConfig(), ready));
    }
    case "GET /bindings/stats":
      return json(200, await statsView(deps.metrics));
    case "GET /bindings/state":
      return json(200, deps.bindings().map((b) => b.status()));
    case "POST /bindings/request":
      return await runRequest(req, deps);
    default:
      return json(404, {
        error:
          `No route ${route}; try GET /health, /ready, /metrics, /bindings, /bindings/stats, /bindings/state or POST /bindings/request`,
      });
  }
}

async function runRequest(req: Request, deps: ApiDeps): Promise<Response> {
  if (!deps.enableRequestApi()) {
    return json(403, {
      error:
        "POST /bindings/request is disabled: it bypasses KubeMQ's access control. Set enableRequestApi: true in config.yaml to enable it.",
    });
  }
  let body: { binding?: unknown; payload?: unknown };
  try {
    body = await req.json();
  } catch (err) {
    return json(400, { error: `Body is not JSON: ${(err as Error).message}` });
  }
  const binding = deps.bindings().find((b) => b.name === body.binding);
  if (!binding) {
    return json(404, {
      error: `No binding ${JSON.stringify(body.binding)}; bindings: ${
        deps.bindings().map((b) => b.name).join(", ")
      }`,
    });
  }
  const payload = new TextEncoder().encode(JSON.stringify(body.payload ?? null));
  let request: TargetRequest;
  try {
    // A malformed payload is the caller's mistake: say so with 400 rather than an is_error body.
    request = parseRequest(payload);
  } catch (err) {
    return json(400, { error: (err as Error).message });
  }
  // The same path as a query from KubeMQ: middleware, counters, metrics and request logs.
  const out = await binding.handleApiRequest(request, `api-${crypto.randomUUID()}`);
  return new Response(out as Uint8Array<ArrayBuffer>, {
    headers: { "content-type": "application/json" },
  });
}

/** Starts the API server; resolves once it listens. */
export function serveApi(
  host: string,
  port: number,
  deps: ApiDeps,
): Promise<{ port: number; shutdown(): Promise<void> }> {
  const log = logger("api");
  return new Promise((resolve) => {
    const server = Deno.serve({
      hostname: host,
      port,
      onListen: (addr) => {
        log.info("HTTP API listening on {host}:{port}", { host: addr.hostname, port: addr.port });
        resolve({ port: addr.port, shutdown: () => server.shutdown() });
      },
      onError: (err) => {
        log.error("HTTP API error: {error}", { error: String(err) });
        return json(500, { error: "internal error" });
      },
    }, (req) => handleApi(req, deps));
  });
}
