/**
 * The sandbox allows the KubeMQ address and TLS files of every source kind, not only
 * kubemq.query: configs go through the real config parser and the whole list is compared.
 */
import assert from "node:assert/strict";
import { parseConfigText } from "../../lib/config/config.ts";
import { kindRegistry } from "../../lib/kind_registry.ts";
import { deriveAllowList } from "../../lib/sandbox/allow_list.ts";

const kinds = [
  "kubemq.queue",
  "kubemq.command",
  "kubemq.events",
  "kubemq.events-store",
] as const;

for (const kind of kinds) {
  Deno.test(`allow-list: a ${kind} source's address and TLS files are allowed`, async () => {
    const text = JSON.stringify({
      apiHost: "127.0.0.1",
      apiPort: 8080,
      bindings: [{
        name: "b",
        source: {
          kind,
          name: "s",
          properties: {
            address: "kubemq.example:50000",
            channel: "c",
            tls: "true",
            ca_cert: "/etc/tls/ca.pem",
          },
        },
        target: {
          kind: "aws.s3",
          name: "s3",
          properties: {
            endpoint: "http://10.0.0.9:9000",
            region: "us-east-1",
            aws_key: "AKIAEXAMPLEKEY000001",
            aws_secret_key: "example-secret",
          },
        },
      }],
    });
    const { config } = parseConfigText(text, { env: {}, kinds: kindRegistry });
    const allow = await deriveAllowList(config, {
      resolve: (host) => Promise.resolve(host === "kubemq.example" ? ["10.0.0.5"] : []),
      env: () => undefined,
    });
    assert.deepEqual(allow.net, [
      "10.0.0.9:9000",
      "127.0.0.1:8080",
      // Exactly the broker's host:port (node:http2 looks the name up and connects with the port):
      // no bare host name that would open every port of it, and no resolved address.
      "kubemq.example:50000",
    ]);
    assert.deepEqual(allow.read, ["/etc/tls/ca.pem"]);
  });
}
