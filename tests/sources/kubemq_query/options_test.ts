import assert from "node:assert/strict";
import { FieldErrors, parseFields, secretKeys } from "../../../lib/schema.ts";
import { parseHostPort } from "../../../lib/host_port.ts";
import {
  kubemqQueryProperties,
  validateKubemqQueryOptions,
} from "../../../lib/sources/kubemq_query/options.ts";
import { kubemqQuerySource } from "../../../lib/sources/kubemq_query/kind.ts";

const parse = (raw: Record<string, string>) => parseFields(kubemqQueryProperties, raw);

function errorOf(raw: Record<string, string>): string {
  try {
    parse(raw);
  } catch (err) {
    assert.ok(err instanceof FieldErrors, `expected FieldErrors, got ${err}`);
    return err.message;
  }
  throw new Error(`expected ${JSON.stringify(raw)} to be rejected`);
}

Deno.test("kubemq.query options have the documented defaults", () => {
  const o = parse({ address: "localhost:50000", channel: "s3" });
  assert.deepEqual(o, {
    address: "localhost:50000",
    channel: "s3",
    group: "",
    sources: 1,
    auto_reconnect: true,
    reconnect_interval_seconds: 1,
    max_reconnects: 0,
    do_not_parse_payload: false,
    tls: false,
    concurrency: 64,
    max_message_bytes: 104857600,
  });
  assert.deepEqual(validateKubemqQueryOptions(o), []);
});

Deno.test("kubemq.query options parse every documented property", () => {
  const raw = {
    address: "[::1]:50000",
    client_id: "my-client",
    auth_token: "tok",
    channel: "s3.queries",
    group: "g1",
    sources: "8",
    auto_reconnect: "false",
    reconnect_interval_seconds: "0",
    max_reconnects: "5",
    do_not_parse_payload: "true",
    tls: "true",
    ca_cert: "/etc/ca.pem",
    client_cert: "/etc/client.pem",
    client_key: "/etc/client.key",
    concurrency: "10000",
    max_message_bytes: "1048576",
  };
  // Every key in the schema is covered by this test, and nothing else.
  assert.deepEqual(Object.keys(raw).sort(), Object.keys(kubemqQueryProperties).sort());
  const o = parse(raw);
  assert.deepEqual(o, {
    address: "[::1]:50000",
    client_id: "my-client",
    auth_token: "tok",
    channel: "s3.queries",
    group: "g1",
    sources: 8,
    auto_reconnect: false,
    reconnect_interval_seconds: 0,
    max_reconnects: 5,
    do_not_parse_payload: true,
    tls: true,
    ca_cert: "/etc/ca.pem",
    client_cert: "/etc/client.pem",
    client_key: "/etc/client.key",
    concurrency: 10000,
    max_message_bytes: 1048576,
  });
  assert.deepEqual(validateKubemqQueryOptions(o), []);
  assert.deepEqual(secretKeys(kubemqQueryProperties), ["auth_token"]);
  for (const [key, field] of Object.entries(kubemqQueryProperties)) {
    assert.ok(field.description.length > 10, `${key} has a description`);
  }
});

Deno.test("kubemq.query requires address and channel", () => {
  const message = errorOf({});
  assert.match(message, /"address" is required/);
  assert.match(message, /"channel" is required/);
  assert.match(errorOf({ address: "", channel: "c" }), /"address": expected a non-empty value/);
});

Deno.test("kubemq.query address must be host:port", () => {
  for (
    const bad of [
      "localhost",
      "localhost:",
      ":50000",
      "host:port",
      "host:0",
      "host:65536",
      "::1:50000",
      "[::1]50000",
      "[::1]:",
      "[zz::1]:5",
      "[]:5",
      "a b:50000",
      "http://h:1",
    ]
  ) {
    assert.match(
      errorOf({ address: bad, channel: "c" }),
      /"address": expected host:port/,
      `address ${bad}`,
    );
  }
  assert.deepEqual(parseHostPort("kubemq-cluster-grpc.kubemq:50000"), {
    host: "kubemq-cluster-grpc.kubemq",
    port: 50000,
  });
  assert.deepEqual(parseHostPort("127.0.0.1:1"), { host: "127.0.0.1", port: 1 });
  assert.deepEqual(parseHostPort("[::1]:50000"), { host: "::1", port: 50000 });
  assert.deepEqual(parseHostPort("[fe80::1:2]:65535"), { host: "fe80::1:2", port: 65535 });
});

Deno.test("kubemq.query booleans and integers are strict", () => {
  assert.deepEqual(
    errorOf({ address: "h:1", channel: "c", auto_reconnect: "yes" }),
    `"auto_reconnect": expected "true" or "false" (also accepted: 1, t, T, TRUE, True, 0, f, F, FALSE, False), got "yes"`,
  );
  assert.match(errorOf({ address: "h:1", channel: "c", tls: "on" }), /"tls": expected "true"/);
  assert.match(
    errorOf({ address: "h:1", channel: "c", do_not_parse_payload: "tRUE" }),
    /"do_not_parse_payload"/,
  );
  assert.match(
    errorOf({ address: "h:1", channel: "c", sources: "0" }),
    /"sources": expected an integer from 1 to 1024/,
  );
  assert.match(errorOf({ address: "h:1", channel: "c", sources: "1025" }), /"sources"/);
  assert.match(errorOf({ address: "h:1", channel: "c", concurrency: "0" }), /"concurrency"/);
  assert.match(
    errorOf({ address: "h:1", channel: "c", reconnect_interval_seconds: "-1" }),
    /"reconnect_interval_seconds"/,
  );
});

Deno.test("kubemq.query client_cert needs client_key, TLS files need tls", () => {
  const base = { address: "h:1", channel: "c", tls: "true" };
  assert.deepEqual(validateKubemqQueryOptions(parse({ ...base, client_cert: "/c.pem" })), [
    "client_cert and client_key must be set together",
  ]);
  assert.deepEqual(validateKubemqQueryOptions(parse({ ...base, client_key: "/k.pem" })), [
    "client_cert and client_key must be set together",
  ]);
  // Server-only TLS with a private CA needs no client certificate.
  assert.deepEqual(validateKubemqQueryOptions(parse({ ...base, ca_cert: "/ca.pem" })), []);
  assert.deepEqual(
    validateKubemqQueryOptions(parse({ address: "h:1", channel: "c", ca_cert: "/ca.pem" })),
    [`ca_cert is set but tls is not "true"`],
  );
});

Deno.test("kubemq.query kind is registered under its name with the schema", () => {
  assert.deepEqual(kubemqQuerySource.kind, "kubemq.query");
  assert.deepEqual(kubemqQuerySource.properties, kubemqQueryProperties);
  assert.ok(kubemqQuerySource.validate !== undefined);
});
