/** In-memory source and target kinds for unit tests of the binding and the runtime. */
import {
  NO_PERMISSIONS,
  type ResponseLimit,
  type SourceKind,
  type Target,
  type TargetKind,
} from "../../lib/kinds/kind.ts";
import type { BindingSpec, MiddlewareSettings } from "../../lib/binding/binding.ts";
import type { MessageHandler, Source } from "../../lib/kinds/source.ts";
import type { TargetRequest } from "../../lib/wire.ts";
import { decodeResponse, encodeRequest, type TargetResponse } from "../../lib/wire.ts";

/**
 * A source kind whose created sources record their handler, starts and stops; `responseLimit`
 * is the response limit it declares, if any.
 */
export function fakeSourceKind(kind = "fake.source", responseLimit?: ResponseLimit) {
  const created: { handler: MessageHandler | null; stopped: boolean; options: unknown }[] = [];
  const sourceKind: SourceKind = {
    kind,
    description: "test",
    properties: {},
    permissions: NO_PERMISSIONS,
    payload: () => "request",
    ...(responseLimit ? { responseLimit: () => responseLimit } : {}),
    create: (options) => {
      const entry = { handler: null as MessageHandler | null, stopped: false, options };
      created.push(entry);
      const source: Source = {
        start(h) {
          entry.handler = h;
          return Promise.resolve();
        },
        stop() {
          entry.stopped = true;
          return Promise.resolve();
        },
        state: () => ({
          connected: true,
          lastError: null,
          reconnects: 0,
          inFlight: 0,
          dead: false,
        }),
        onDead: () => {},
      };
      return Promise.resolve(source);
    },
  };
  return { kind: sourceKind, created };
}

/** A target kind whose targets run `run` and record every request they saw. */
export function fakeTargetKind(
  run: (req: TargetRequest, signal: AbortSignal, call: number) => ReturnType<Target["run"]>,
  kind = "fake.target",
) {
  const seen: TargetRequest[] = [];
  let closed = 0;
  const targetKind: TargetKind = {
    kind,
    description: "test",
    properties: {},
    permissions: NO_PERMISSIONS,
    create: () =>
      Promise.resolve({
        run: (req, signal) => {
          seen.push(req);
          return run(req, signal, seen.length);
        },
        probe: () => Promise.resolve(),
        close: () => void closed++,
      }),
  };
  return { kind: targetKind, seen, closed: () => closed };
}

/** Middleware settings with every property at its default, overridden by `over`. */
export function middleware(over: Partial<MiddlewareSettings> = {}): MiddlewareSettings {
  return {
    log_level: "",
    retry_attempts: 1,
    retry_delay_milliseconds: 0,
    retry_max_jitter_milliseconds: 0,
    retry_delay_type: "fixed",
    rate_per_second: 0,
    request_timeout_seconds: 0,
    metadata: {},
    ...over,
  };
}

/** A binding spec joining the fake kinds. */
export function fakeSpec(name: string, over: Partial<MiddlewareSettings> = {}): BindingSpec {
  return {
    name,
    middleware: middleware(over),
    source: { kind: "fake.source", name: "src", options: { channel: name } },
    target: { kind: "fake.target", name: "tgt", options: {} },
  };
}

/** Sends one request through a source handler and decodes the response. */
export async function ask(
  handler: MessageHandler,
  metadata: Record<string, string>,
  data: Uint8Array | null = null,
): Promise<TargetResponse> {
  const body = encodeRequest({ metadata, data });
  const { body: out } = await handler(body, { requestId: "r1", channel: "c", clientId: "x" });
  return decodeResponse(out);
}
