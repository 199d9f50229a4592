/**
 * A validated configuration in a form that crosses to the sandboxed worker (structured clone):
 * the launcher validates once and sends it; the worker rebuilds each endpoint's options from its
 * already validated properties, with no second validation and no second error report.
 */
import type { KindSet } from "../kinds/kind_set.ts";
import { parseFields } from "../schema.ts";
import type { AppConfig, BindingConfig, EndpointConfig } from "./app_config.ts";

/** An endpoint without its parsed options (a URL does not survive structured clone). */
export type PortableEndpoint = Omit<EndpointConfig, "options">;

/** A validated configuration without the endpoints' parsed options. */
export interface PortableConfig extends Omit<AppConfig, "bindings"> {
  bindings: (Omit<BindingConfig, "source" | "target"> & {
    source: PortableEndpoint;
    target: PortableEndpoint;
  })[];
}

/** Drops the parsed options of a validated config, for the worker. */
export function toPortable(config: AppConfig): PortableConfig {
  const strip = ({ options: _options, ...rest }: EndpointConfig): PortableEndpoint => rest;
  return {
    ...config,
    bindings: config.bindings.map((b) => ({
      ...b,
      source: strip(b.source),
      target: strip(b.target),
    })),
  };
}

/**
 * Rebuilds a validated config: each endpoint's options parsed from its properties by its kind's
 * schema, as validation parsed them. Throws only on a programming error (an unknown kind, or
 * properties that were never validated).
 */
export function fromPortable(config: PortableConfig, kinds: KindSet): AppConfig {
  const options = (role: "source" | "target", e: PortableEndpoint): EndpointConfig => {
    const kind = kinds[role](e.kind);
    if (!kind) throw new Error(`Unknown ${role} kind ${JSON.stringify(e.kind)}`);
    return { ...e, options: parseFields(kind.properties, e.properties) };
  };
  return {
    ...config,
    bindings: config.bindings.map((b) => ({
      ...b,
      source: options("source", b.source),
      target: options("target", b.target),
    })),
  };
}
