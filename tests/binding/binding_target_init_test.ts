// A binding whose target fails to initialise keeps its subscription, answers with a clear
// TargetUnavailable error meanwhile, retries with backoff, and serves once the target comes up.
import assert from "node:assert/strict";
import { Binding, type BindingSpec } from "../../lib/binding/binding.ts";
import {
  NO_PERMISSIONS,
  type SourceKind,
  type Target,
  type TargetKind,
} from "../../lib/kinds/kind.ts";
import { Metrics } from "../../lib/metrics.ts";
import type { MessageHandler, Source } from "../../lib/kinds/source.ts";
import { decodeResponse, encodeRequest } from "../../lib/wire.ts";
import { middleware } from "./_fakes.ts";

function fakeSourceKind(): { kind: SourceKind; handler: () => MessageHandler } {
  let handler: MessageHandler | null = null;
  const source: Source = {
    start(h) {
      handler = h;
      return Promise.resolve();
    },
    stop: () => Promise.resolve(),
    state: () => ({ connected: true, lastError: null, reconnects: 0, inFlight: 0, dead: false }),
    onDead: () => {},
  };
  return {
    kind: {
      kind: "fake.source",
      description: "test",
      properties: {},
      permissions: NO_PERMISSIONS,
      payload: () => "request",
      create: () => Promise.resolve(source),
    },
    handler: () => handler!,
  };
}

function flakyTargetKind(failures: number): { kind: TargetKind; attempts: () => number } {
  let attempts = 0;
  const target: Target = {
    run: (req) => Promise.resolve({ metadata: { result: "ok", echo: req.metadata.method ?? "" } }),
    probe: () => Promise.resolve(),
    close: () => {},
  };
  return {
    kind: {
      kind: "fake.target",
      description: "test",
      properties: {},
      permissions: NO_PERMISSIONS,
      create: () => {
        attempts++;
        if (attempts <= failures) {
          return Promise.reject(new Error(`endpoint not ready (${attempts})`));
        }
        return Promise.resolve(target);
      },
    },
    attempts: () => attempts,
  };
}

const spec: BindingSpec = {
  name: "flaky",
  middleware: middleware(),
  source: { kind: "fake.source", name: "src", options: {} },
  target: { kind: "fake.target", name: "tgt", options: {} },
};

const ask = async (handler: MessageHandler, method: string) =>
  decodeResponse(
    (await handler(encodeRequest({ metadata: { method }, data: null }), {
      requestId: "r",
      channel: "c",
      clientId: "x",
    })).body,
  );

Deno.test("a target that fails to initialise is retried with backoff; the binding answers TargetUnavailable meanwhile, then serves", async () => {
  const source = fakeSourceKind();
  const target = flakyTargetKind(1);
  const binding = new Binding(spec, { source: source.kind, target: target.kind }, {
    metrics: new Metrics(),
    readFile: () => Promise.reject(new Error("no files")),
    onDead: () => {},
  });
  await binding.start();
  try {
    const during = await ask(source.handler(), "list_buckets");
    assert.equal(during.isError, true);
    assert.equal(during.metadata.error_code, "TargetUnavailable");
    assert.match(
      during.error,
      /^Target tgt of binding flaky is not initialised: endpoint not ready \(1\)/,
    );
    assert.match(String(await binding.notReady()), /^target not initialised: endpoint not ready/);
    // The first retry comes after 1 s.
    const deadline = Date.now() + 5000;
    while (target.attempts() < 2 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(target.attempts(), 2);
    const after = await ask(source.handler(), "list_buckets");
    assert.equal(after.isError, false, after.error);
    assert.equal(after.metadata.echo, "list_buckets");
    assert.equal(await binding.notReady(), null);
  } finally {
    await binding.stop(100);
  }
});
