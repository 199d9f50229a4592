/**
 * The derived allow-list is exact: configs go through the real config parser (so endpoints are
 * parsed URLs and addresses validated as in production), names resolve through an injected
 * resolver, and the whole list is compared, not searched.
 */
import assert from "node:assert/strict";
import { parseConfigText } from "../../lib/config/config.ts";
import { kindRegistry } from "../../lib/kind_registry.ts";
import { formatHostPort, parseHostPort as splitHostPort } from "../../lib/host_port.ts";
import { type AllowList, deriveAllowList, LIBRARY_ENV } from "../../lib/sandbox/allow_list.ts";

const hostPort = (host: string, port: number) => formatHostPort({ host, port });

interface Spec {
  source: Record<string, string>;
  target: Record<string, string>;
}

const keys = { aws_key: "AKIAEXAMPLEKEY000001", aws_secret_key: "example-secret" };

function config(bindings: Spec[], top: Record<string, unknown> = {}) {
  const text = JSON.stringify({
    apiHost: "127.0.0.1",
    apiPort: 8080,
    ...top,
    bindings: bindings.map((b, i) => ({
      name: `b${i}`,
      source: { kind: "kubemq.query", name: "q", properties: { channel: "c", ...b.source } },
      target: { kind: "aws.s3", name: "s3", properties: b.target },
    })),
  });
  return parseConfigText(text, { env: {}, kinds: kindRegistry }).config;
}

/** Derives with a fixed resolver table; records which names were looked up. */
async function derive(
  bindings: Spec[],
  options: {
    top?: Record<string, unknown>;
    dns?: Record<string, string[]>;
    home?: string;
    credentialFiles?: string[];
  } = {},
): Promise<{ allow: AllowList; lookedUp: string[] }> {
  const lookedUp: string[] = [];
  const allow = await deriveAllowList(config(bindings, options.top), {
    resolve: (host) => {
      lookedUp.push(host);
      return Promise.resolve(options.dns?.[host] ?? []);
    },
    // The launcher's environment: HOME and the token file variables of the AWS credential chain.
    env: (name) =>
      name === "HOME"
        ? options.home
        : name === "AWS_WEB_IDENTITY_TOKEN_FILE"
        ? options.credentialFiles?.[0]
        : name === "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"
        ? options.credentialFiles?.[1]
        : undefined,
  });
  return { allow, lookedUp };
}

const base = { env: [...LIBRARY_ENV], sys: ["osRelease"] };

Deno.test("allow-list of several bindings lists each source, each S3 endpoint and the API, nothing else", async () => {
  const { allow, lookedUp } = await derive(
    [
      {
        source: { address: "127.0.0.1:50000" },
        target: { endpoint: "http://127.0.0.1:7480", region: "us-east-1", ...keys },
      },
      {
        source: { address: "kubemq.example:50001" },
        target: { endpoint: "https://minio.example", region: "us-east-1", ...keys },
      },
      {
        source: { address: "10.1.2.3:50000" },
        target: { endpoint: "http://s3.local", region: "us-east-1", ...keys },
      },
    ],
    { top: { apiHost: "0.0.0.0" }, dns: { "kubemq.example": ["10.0.0.5", "fd00::5"] } },
  );
  assert.deepEqual(allow, {
    net: [
      "0.0.0.0:8080",
      "10.1.2.3:50000",
      "127.0.0.1:50000",
      "127.0.0.1:7480",
      // The lookup and the connection pass with host:port: never the bare name, and not the
      // addresses it resolves to (node:http2 connects by name).
      "kubemq.example:50001",
      "minio.example:443",
      "s3.local:80",
    ],
    read: [],
    ...base,
  });
  // Nothing is looked up: sources and S3 endpoints (node:http) connect by name.
  assert.deepEqual(lookedUp, []);
});

Deno.test("allow-list uses the scheme's default port for endpoints without one (http 80, https 443)", async () => {
  const { allow } = await derive([
    {
      source: { address: "127.0.0.1:1" },
      target: { endpoint: "http://store.example", region: "r", ...keys },
    },
    {
      source: { address: "127.0.0.1:1" },
      target: { endpoint: "https://store.example", region: "r", ...keys },
    },
    {
      source: { address: "127.0.0.1:1" },
      target: { endpoint: "https://store.example:9443/", region: "r", ...keys },
    },
    {
      source: { address: "127.0.0.1:1" },
      target: { endpoint: "http://127.0.0.1", region: "r", ...keys },
    },
  ]);
  assert.deepEqual(allow.net, [
    "127.0.0.1:1",
    "127.0.0.1:80",
    "127.0.0.1:8080",
    "store.example:443",
    "store.example:80",
    "store.example:9443",
  ]);
});

Deno.test("allow-list for AWS without endpoint has each region's path-style and virtual-hosted S3 hosts, once", async () => {
  const { allow } = await derive([
    { source: { address: "127.0.0.1:50000" }, target: { region: "eu-west-1", ...keys } },
    { source: { address: "127.0.0.1:50000" }, target: { region: "us-east-1", ...keys } },
    { source: { address: "127.0.0.1:50000" }, target: { region: "eu-west-1", ...keys } },
  ]);
  assert.deepEqual(allow, {
    net: [
      "*.s3.eu-west-1.amazonaws.com:443",
      "*.s3.us-east-1.amazonaws.com:443",
      "127.0.0.1:50000",
      "127.0.0.1:8080",
      "s3.eu-west-1.amazonaws.com:443",
      "s3.us-east-1.amazonaws.com:443",
    ],
    // Keys are set: no credential endpoints, no ~/.aws.
    read: [],
    ...base,
  });
});

Deno.test("allow-list keeps IPv6 literals in brackets for sources, endpoints and the API", async () => {
  const { allow, lookedUp } = await derive(
    [{
      source: { address: "[::1]:50000" },
      target: { endpoint: "http://[::1]:7480", region: "r", ...keys },
    }],
    { top: { apiHost: "::1", apiPort: 9090 } },
  );
  assert.deepEqual(allow.net, ["[::1]:50000", "[::1]:7480", "[::1]:9090"]);
  assert.deepEqual(lookedUp, []);
});

Deno.test("allow-list of a source name is its host:port alone (not the bare name, no lookup), so an unresolvable one shows as a connection error", async () => {
  const { allow, lookedUp } = await derive([
    {
      source: { address: "kubemq-cluster-grpc.kubemq:50000" },
      target: { endpoint: "http://127.0.0.1:7480", region: "r", ...keys },
    },
  ]);
  assert.deepEqual(allow.net, [
    "127.0.0.1:7480",
    "127.0.0.1:8080",
    "kubemq-cluster-grpc.kubemq:50000",
  ]);
  assert.deepEqual(lookedUp, []);
});

Deno.test("allow-list with the AWS default credential chain adds STS, the metadata endpoints, ~/.aws and the token file", async () => {
  const { allow } = await derive(
    [{ source: { address: "127.0.0.1:50000" }, target: { region: "eu-central-1" } }],
    {
      home: "/home/app",
      credentialFiles: ["/var/run/secrets/eks.amazonaws.com/serviceaccount/token"],
    },
  );
  assert.deepEqual(allow, {
    net: [
      "*.s3.eu-central-1.amazonaws.com:443",
      "127.0.0.1:50000",
      "127.0.0.1:8080",
      "169.254.169.254:80",
      "169.254.170.2:80",
      "[fd00:ec2::254]:80",
      "s3.eu-central-1.amazonaws.com:443",
      "sts.amazonaws.com:443",
      "sts.eu-central-1.amazonaws.com:443",
    ],
    read: ["/home/app/.aws", "/var/run/secrets/eks.amazonaws.com/serviceaccount/token"],
    ...base,
  });
});

Deno.test("allow-list adds STS only for the regions of bindings that use the default chain; no HOME, no ~/.aws", async () => {
  const { allow } = await derive([
    { source: { address: "127.0.0.1:50000" }, target: { region: "eu-west-1", ...keys } },
    {
      source: { address: "127.0.0.1:50000" },
      target: { endpoint: "http://127.0.0.1:7480", region: "us-west-2" },
    },
  ]);
  assert.deepEqual(allow.net, [
    "*.s3.eu-west-1.amazonaws.com:443",
    "127.0.0.1:50000",
    "127.0.0.1:7480",
    "127.0.0.1:8080",
    "169.254.169.254:80",
    "169.254.170.2:80",
    "[fd00:ec2::254]:80",
    "s3.eu-west-1.amazonaws.com:443",
    "sts.amazonaws.com:443",
    "sts.us-west-2.amazonaws.com:443",
  ]);
  assert.deepEqual(allow.read, []);
});

Deno.test("allow-list reads exactly the TLS files the sources name (CA, client certificate and key)", async () => {
  const tls = (dir: string) => ({
    tls: "true",
    ca_cert: `${dir}/ca.pem`,
    client_cert: `${dir}/client.pem`,
    client_key: `${dir}/client-key.pem`,
  });
  const { allow } = await derive([
    {
      source: { address: "127.0.0.1:50000", ...tls("/etc/kubemq/tls") },
      target: { endpoint: "http://127.0.0.1:7480", region: "r", ...keys },
    },
    {
      source: { address: "127.0.0.1:50000", tls: "true", ca_cert: "/etc/kubemq/tls/ca.pem" },
      target: { endpoint: "http://127.0.0.1:7480", region: "r", ...keys },
    },
    {
      source: { address: "127.0.0.1:50000", ...tls("/run/other") },
      target: { endpoint: "http://127.0.0.1:7480", region: "r", ...keys },
    },
  ]);
  assert.deepEqual(allow.read, [
    "/etc/kubemq/tls/ca.pem",
    "/etc/kubemq/tls/client-key.pem",
    "/etc/kubemq/tls/client.pem",
    "/run/other/ca.pem",
    "/run/other/client-key.pem",
    "/run/other/client.pem",
  ]);
});

Deno.test("splitHostPort and hostPort round-trip IPv4, names and bracketed IPv6", () => {
  for (const address of ["127.0.0.1:50000", "kubemq:50000", "[::1]:50000", "[fd00:ec2::254]:80"]) {
    const { host, port } = splitHostPort(address);
    assert.equal(hostPort(host, port), address);
  }
  assert.deepEqual(splitHostPort("[::1]:7480"), { host: "::1", port: 7480 });
  assert.throws(() => splitHostPort("::1"), { message: 'Not a host:port address: "::1"' });
  assert.throws(() => splitHostPort("kubemq"), { message: 'Not a host:port address: "kubemq"' });
});

Deno.test("allow-list adds *.<host> for a named endpoint with force_path_style false (virtual-hosted), not for IPs", async () => {
  const { allow } = await derive([
    {
      source: { address: "127.0.0.1:50000" },
      target: {
        endpoint: "https://minio.example",
        force_path_style: "false",
        region: "r",
        ...keys,
      },
    },
    {
      source: { address: "127.0.0.1:50000" },
      target: {
        endpoint: "http://127.0.0.1:7480",
        force_path_style: "false",
        region: "r",
        ...keys,
      },
    },
    {
      source: { address: "127.0.0.1:50000" },
      target: {
        endpoint: "http://path.example:9000",
        force_path_style: "true",
        region: "r",
        ...keys,
      },
    },
  ]);
  assert.deepEqual(allow.net, [
    "*.minio.example:443",
    "127.0.0.1:50000",
    "127.0.0.1:7480",
    "127.0.0.1:8080",
    "minio.example:443",
    "path.example:9000",
  ]);
});
