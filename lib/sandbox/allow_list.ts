/**
 * The permission allow-list of the connector, derived from its validated config: exactly the
 * KubeMQ and S3 endpoints it names, the HTTP API's listen address, the TLS files it names, and
 * the environment variables its libraries read. Everything else is denied.
 */
import type { AppConfig } from "../config/config.ts";

/** Permissions of the sandboxed worker, in Deno's own terms. */
export interface AllowList {
  net: string[];
  read: string[];
  env: string[];
  sys: string[];
}

/** Hostnames a name resolver must look up before the allow-list is final. */
export interface NetNeeds {
  /** host:port entries, as written. */
  hosts: { host: string; port: number; resolve: boolean }[];
}

/**
 * Environment variables the libraries read when they load or build a client. The AWS SDK reads
 * AWS_* settings and HOME (for ~/.aws); grpc-js reads GRPC_* and proxy settings. Reading one that
 * is not listed would throw, so they are allowed by prefix; none of them is a secret of ours.
 * (Found with DENO_AUDIT_PERMISSIONS over a full test run.)
 */
export const LIBRARY_ENV = [
  "AWS_*",
  "GRPC_*",
  "_X_AMZN_TRACE_ID",
  "HOME",
  "USERPROFILE",
  "HOMEPATH",
  "HOMEDRIVE",
  "grpc_proxy",
  "http_proxy",
  "https_proxy",
  "no_proxy",
  "HTTP_PROXY",
  "HTTPS_PROXY",
  "NO_PROXY",
  // The yaml package's debug switches, read when it parses.
  "LOG_TOKENS",
  "LOG_STREAM",
] as const;

/** Splits `host:port` or `[v6]:port`. */
export function splitHostPort(address: string): { host: string; port: number } {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(address) ?? /^([^:]+):(\d+)$/.exec(address);
  if (!m) throw new Error(`Not a host:port address: ${JSON.stringify(address)}`);
  return { host: m[1]!, port: Number(m[2]) };
}

/** Formats a host and port as Deno's permission syntax wants them (IPv6 in brackets). */
export function hostPort(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

const isIp = (host: string) => /^\d+\.\d+\.\d+\.\d+$/.test(host) || host.includes(":");

interface SourceOptionsView {
  address?: string;
  ca_cert?: string;
  client_cert?: string;
  client_key?: string;
}

interface TargetOptionsView {
  endpoint?: URL;
  force_path_style?: boolean;
  region?: string;
  aws_key?: string;
  aws_secret_key?: string;
}

/** AWS hosts for S3 in a region, path-style and virtual-hosted (one wildcard per bucket). */
export function awsS3Hosts(region: string): string[] {
  return [`s3.${region}.amazonaws.com:443`, `*.s3.${region}.amazonaws.com:443`];
}

/**
 * Hosts of the AWS default credential chain: STS (web identity on EKS), and the ECS and EC2
 * metadata endpoints.
 */
export function awsCredentialHosts(region: string): string[] {
  return [
    `sts.${region}.amazonaws.com:443`,
    "sts.amazonaws.com:443",
    "169.254.169.254:80",
    "169.254.170.2:80",
    "[fd00:ec2::254]:80",
  ];
}

/**
 * Derives the allow-list. `resolve` returns the IP addresses of a hostname: grpc-js resolves
 * names itself and then connects to the address, which Deno checks as an IP.
 */
export async function deriveAllowList(
  config: AppConfig,
  options: {
    configPath: string | null;
    resolve: (host: string) => Promise<string[]>;
    /** Value of $HOME, for ~/.aws when the default credential chain is used. */
    home: string | undefined;
    /** AWS_WEB_IDENTITY_TOKEN_FILE etc., when the default credential chain is used. */
    credentialFiles: string[];
  },
): Promise<AllowList> {
  const net = new Set<string>();
  const read = new Set<string>();
  let defaultChain = false;
  const regions = new Set<string>();
  for (const b of config.bindings) {
    const src = b.source.options as SourceOptionsView;
    if (src.address) {
      const { host, port } = splitHostPort(src.address);
      net.add(hostPort(host, port));
      if (!isIp(host)) {
        // grpc-js resolves the name and connects to the address, which Deno checks as an IP.
        // The lookup itself passes with host:port: the source's client gives it the port
        // (lib/sources/kubemq_query/dns_port.ts), so the bare name (every port) is not listed.
        for (const ip of await options.resolve(host)) net.add(hostPort(ip, port));
      }
    }
    for (const f of [src.ca_cert, src.client_cert, src.client_key]) if (f) read.add(f);
    const tgt = b.target.options as TargetOptionsView;
    if (tgt.endpoint) {
      const port = tgt.endpoint.port
        ? Number(tgt.endpoint.port)
        : tgt.endpoint.protocol === "https:"
        ? 443
        : 80;
      const host = tgt.endpoint.hostname.replace(/^\[|\]$/g, "");
      net.add(hostPort(host, port));
      // Virtual-hosted addressing puts the bucket in the host name: <bucket>.<endpoint host>.
      if (tgt.force_path_style === false && !isIp(host)) net.add(hostPort(`*.${host}`, port));
    } else if (tgt.region) {
      for (const h of awsS3Hosts(tgt.region)) net.add(h);
    }
    if (!tgt.aws_key && !tgt.aws_secret_key) {
      defaultChain = true;
      if (tgt.region) regions.add(tgt.region);
    }
  }
  if (defaultChain) {
    for (const r of regions) for (const h of awsCredentialHosts(r)) net.add(h);
    if (options.home) read.add(`${options.home}/.aws`);
    for (const f of options.credentialFiles) read.add(f);
  }
  net.add(hostPort(config.apiHost, config.apiPort));
  return {
    net: [...net].sort(),
    read: [...read].sort(),
    env: [...LIBRARY_ENV],
    // The AWS SDK puts the OS release into its User-Agent.
    sys: ["osRelease"],
  };
}
