// Config reload of a running connector, by editing its config file: a new binding starts while
// the old one keeps serving; an invalid edit is rejected and the old config keeps serving; an
// edit that needs other permissions restarts the sandboxed worker.
import assert from "node:assert/strict";
import { decodeResponse, encodeRequest } from "../../lib/wire.ts";
import { startTestBroker } from "../../testing/broker.ts";
import {
  startConnectorWithConfig,
  type TestBinding,
  testTargetProperties,
  writeConfig,
} from "../../testing/connector.ts";
import { createKubemqClient } from "../../testing/kubemq_client.ts";

const message = (r: Record<string, unknown>) => String(r.message);

Deno.test("e2e reload: add a binding, reject an invalid edit, restart the worker for new permissions", async () => {
  await using broker = await startTestBroker();
  const stamp = Date.now().toString(36);
  const first: TestBinding = {
    name: "first",
    source: { address: broker.address, channel: `e2e.reload.first.${stamp}` },
  };
  const second: TestBinding = {
    name: "second",
    source: { address: broker.address, channel: `e2e.reload.second.${stamp}` },
  };
  const configPath = await writeConfig([first]);
  await using connector = await startConnectorWithConfig(configPath);
  const client = createKubemqClient({ address: broker.address });
  try {
    const listBuckets = async (binding: TestBinding) => {
      const res = await client.sendQuery({
        channel: binding.source.channel!,
        body: encodeRequest({ metadata: { method: "list_buckets" }, data: null }),
        timeoutMs: 10_000,
      });
      assert.ok(res.executed, `${binding.name}: ${res.error}`);
      const decoded = decodeResponse(res.body);
      assert.equal(decoded.isError, false, decoded.error);
      assert.match(new TextDecoder().decode(decoded.data!), /"Buckets"/);
    };
    await listBuckets(first);
    const firstSubscribed = () =>
      connector.records().filter((r) =>
        message(r).startsWith("Subscribed to queries") && r.channel === first.source.channel
      ).length;
    assert.equal(firstSubscribed(), 1);

    // (a) A second binding on another channel.
    await writeConfig([first, second], {}, configPath);
    const reloaded = await connector.waitForLog((r) => message(r).startsWith("Config reloaded"));
    assert.deepEqual(
      [reloaded.started, reloaded.stopped, reloaded.unchanged],
      [["second"], [], ["first"]],
    );
    await broker.waitForSubscribers(second.source.channel!, 1, 10_000);
    await listBuckets(second);
    await listBuckets(first);
    assert.equal(firstSubscribed(), 1, "the first binding resubscribed");
    assert.ok(
      !connector.records().some((r) =>
        r.logger === "kubemq-s3.binding.first" && / stopped$/.test(message(r))
      ),
      "the first binding was stopped",
    );
    const names = (await (await fetch(`${connector.apiUrl}/bindings/state`)).json())
      .map((b: { name: string }) => b.name);
    assert.deepEqual(names, ["first", "second"]);

    // (b) An invalid edit: rejected with its errors, both bindings keep serving.
    await Deno.writeTextFile(
      configPath,
      (await Deno.readTextFile(configPath)).replace(
        `"channel": "${second.source.channel}"`,
        `"channel": "${second.source.channel}", "concurrency": "many"`,
      ),
    );
    const rejected = await connector.waitForLog((r) =>
      message(r).startsWith("Config change rejected")
    );
    assert.equal(rejected.level, "ERROR");
    const errors = rejected.errors as string[];
    assert.ok(errors.some((e) => /concurrency/.test(e) && /"many"/.test(e)), errors.join("\n"));
    await listBuckets(first);
    await listBuckets(second);
    assert.equal((await fetch(`${connector.apiUrl}/ready`)).status, 200);

    // (c) Another S3 endpoint (host) needs other network permissions: the worker restarts.
    const listening = () =>
      connector.records().filter((r) => message(r).startsWith("HTTP API listening"));
    assert.equal(listening().length, 1);
    const target = { ...testTargetProperties() };
    target.endpoint = target.endpoint!.replace("127.0.0.1", "localhost");
    await writeConfig([first, { ...second, target }], {}, configPath);
    const restart = await connector.waitForLog((r) =>
      message(r).startsWith("Config change needs other permissions")
    );
    const net = (restart.permissions as { net: string[] }).net;
    assert.ok(net.some((n) => n.startsWith("localhost:")), net.join(", "));
    await connector.waitForLog((r) =>
      message(r) === "Connector worker restarted with the new config"
    );
    const apiPort = Number(listening()[1]!.port);
    const deadline = Date.now() + 20_000;
    let ready = 0;
    while (ready !== 200 && Date.now() < deadline) {
      const res = await fetch(`http://127.0.0.1:${apiPort}/ready`);
      ready = res.status;
      await res.body?.cancel();
      if (ready !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(ready, 200);
    await listBuckets(first);
    await listBuckets(second);
    // The process is the same one: it did not exit.
    const exited = await Promise.race([
      connector.exited,
      new Promise((r) => setTimeout(() => r("running"), 200)),
    ]);
    assert.equal(exited, "running");
  } finally {
    client.close();
  }
});

Deno.test("e2e reload: an edit whose new worker fails to start is logged, and the running config is started again and serves", async () => {
  await using broker = await startTestBroker();
  const binding: TestBinding = {
    name: "kept",
    source: { address: broker.address, channel: `e2e.reload.kept.${Date.now().toString(36)}` },
  };
  const configPath = await writeConfig([binding]);
  await using connector = await startConnectorWithConfig(configPath);
  using client = createKubemqClient({ address: broker.address });
  const listBuckets = async () => {
    const res = await client.sendQuery({
      channel: binding.source.channel!,
      body: encodeRequest({ metadata: { method: "list_buckets" }, data: null }),
      timeoutMs: 10_000,
    });
    assert.ok(res.executed, res.error);
    assert.equal(decodeResponse(res.body).isError, false);
  };
  await listBuckets();
  // Another API port needs other permissions (a worker restart); this one is taken, so the new
  // worker cannot listen.
  using taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  await writeConfig([binding], { apiPort: taken.addr.port }, configPath);
  const failed = await connector.waitForLog((r) =>
    message(r).startsWith("The new config failed to start, the running config stays")
  );
  assert.equal(failed.level, "ERROR");
  assert.match(String(failed.error), /in use|EADDRINUSE|AddrInUse/i);
  await connector.waitForLog((r) =>
    message(r) === "Connector worker restarted with the running config"
  );
  await broker.waitForSubscribers(binding.source.channel!, 1, 15_000);
  await listBuckets();
  assert.equal(connector.ended(), null, "the process keeps running");
  // The running config is still the old one: the API listens on a port of its own (0 = any).
  const apiPorts = connector.records().filter((r) => message(r).startsWith("HTTP API listening"))
    .map((r) => Number(r.port));
  assert.equal(apiPorts.length, 2);
  assert.notEqual(apiPorts[1], taken.addr.port);
  const ready = await fetch(`http://127.0.0.1:${apiPorts[1]}/ready`);
  assert.equal(ready.status, 200, await ready.text());
});
