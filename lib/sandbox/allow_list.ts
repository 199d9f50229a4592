/**
 * The permission allow-list of the connector, derived from its validated config: the union of
 * what each binding's source and target kind declares for its options (hosts, files, the
 * environment its libraries read), plus the HTTP API's listen address. Everything else is
 * denied. No kind is named here: each kind's folder says what it needs (`permissions`).
 */
import type { AppConfig } from "../config/config.ts";
import { formatHostPort } from "../host_port.ts";
import type { PermissionContext, SysPermission } from "../kinds/kind.ts";
import type { KindSet } from "../kinds/kind_set.ts";
import { kindRegistry } from "../kind_registry.ts";

/** Permissions of the sandboxed worker, in Deno's own terms. */
export interface AllowList {
  net: string[];
  read: string[];
  env: string[];
  sys: SysPermission[];
}

/** Environment variables the connector's own libraries read: the yaml package's debug switches. */
const CORE_ENV = ["LOG_TOKENS", "LOG_STREAM"] as const;

/** The environment the worker may read with `kinds` in use: sorted, each pattern once. */
function envOf(kinds: Iterable<{ permissions: { env: readonly string[] } }>): string[] {
  const env = new Set<string>(CORE_ENV);
  for (const k of kinds) for (const name of k.permissions.env) env.add(name);
  return [...env].sort();
}

/**
 * Every environment variable pattern the worker may ever read (those of every registered kind):
 * what an operator must not name a secret of theirs after.
 */
export const LIBRARY_ENV: readonly string[] = Object.freeze(
  envOf([...kindRegistry.sources, ...kindRegistry.targets]),
);

/** Options of {@link deriveAllowList}. */
export interface DeriveOptions extends PermissionContext {
  /** The kinds the config names; default the registry. */
  kinds?: KindSet;
}

/** Derives the allow-list: the union of the permissions of every binding's two endpoints. */
export async function deriveAllowList(
  config: AppConfig,
  options: DeriveOptions,
): Promise<AllowList> {
  const kinds = options.kinds ?? kindRegistry;
  const ctx: PermissionContext = { resolve: options.resolve, env: options.env };
  const net = new Set<string>();
  const read = new Set<string>();
  const used = new Set<
    { permissions: { env: readonly string[]; sys: readonly SysPermission[] } }
  >();
  for (const b of config.bindings) {
    const source = kinds.source(b.source.kind);
    const target = kinds.target(b.target.kind);
    // Config validation already checked the kinds; this guards programming errors only.
    if (!source || !target) throw new Error(`Unknown kind in binding ${b.name}`);
    for (
      const [kind, endpointOptions] of [[source, b.source.options], [
        target,
        b.target.options,
      ]] as const
    ) {
      used.add(kind);
      const p = await kind.permissions.endpoint(endpointOptions as never, ctx);
      for (const h of p.net) net.add(h);
      for (const f of p.read) read.add(f);
    }
  }
  net.add(formatHostPort({ host: config.apiHost, port: config.apiPort }));
  const sys = new Set<SysPermission>();
  for (const k of used) for (const s of k.permissions.sys) sys.add(s);
  return {
    net: [...net].sort(),
    read: [...read].sort(),
    env: envOf(used),
    sys: [...sys].sort(),
  };
}
