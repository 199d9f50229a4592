/**
 * The sandbox permissions of an `aws.s3` target: its S3 endpoint (or AWS's S3 hosts of its
 * region), and with the AWS default credential chain the hosts and files that chain reads.
 */
import { formatHostPort, isIpLiteral } from "../../host_port.ts";
import type { KindPermissions } from "../../kinds/kind.ts";
import type { S3TargetOptions } from "./options.ts";

/**
 * Environment variables the AWS SDK reads when it loads or builds a client: AWS_* settings, the
 * trace id, and the home folder (for ~/.aws). None of them is a secret of ours.
 */
const AWS_ENV = [
  "AWS_*",
  "_X_AMZN_TRACE_ID",
  "HOME",
  "USERPROFILE",
  "HOMEPATH",
  "HOMEDRIVE",
] as const;

/** Variables naming token files the default credential chain reads (EKS, ECS). */
const CREDENTIAL_FILE_ENV = [
  "AWS_WEB_IDENTITY_TOKEN_FILE",
  "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
] as const;

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

/** What an `aws.s3` target may reach and read. */
export const awsS3Permissions: KindPermissions<S3TargetOptions> = {
  env: AWS_ENV,
  // The AWS SDK puts the OS release into its User-Agent.
  sys: ["osRelease"],
  endpoint(options, ctx) {
    const net: string[] = [];
    const read: string[] = [];
    const { endpoint, region } = options;
    if (endpoint) {
      const port = endpoint.port
        ? Number(endpoint.port)
        : endpoint.protocol === "https:"
        ? 443
        : 80;
      const host = endpoint.hostname.replace(/^\[|\]$/g, "");
      net.push(formatHostPort({ host, port }));
      // Virtual-hosted addressing puts the bucket in the host name: <bucket>.<endpoint host>.
      if (options.force_path_style === false && !isIpLiteral(host)) {
        net.push(formatHostPort({ host: `*.${host}`, port }));
      }
    } else if (region) {
      net.push(...awsS3Hosts(region));
    }
    if (!options.aws_key && !options.aws_secret_key) {
      // The default credential chain: STS of the region, metadata endpoints, ~/.aws, token files.
      if (region) net.push(...awsCredentialHosts(region));
      const home = ctx.env("HOME");
      if (home) read.push(`${home}/.aws`);
      for (const name of CREDENTIAL_FILE_ENV) {
        const file = ctx.env(name);
        if (file) read.push(file);
      }
    }
    return Promise.resolve({ net, read });
  },
};
