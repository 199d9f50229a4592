/**
 * The shape of a validated configuration: the top-level settings' schema and the types of
 * bindings and their endpoints, as the rest of the connector receives them.
 */
import { bool, int, oneOf, type Parsed, text } from "../schema.ts";
import type { MiddlewareOptions } from "./middleware_options.ts";

/** The top-level settings besides `bindings`, as written in config.yaml. */
export const appProperties = {
  apiPort: int({
    description: "Port of the HTTP API (health, readiness, metrics). 0 picks a free port.",
    default: "8080",
    min: 0,
    max: 65535,
    example: "8080",
  }),
  apiHost: text({
    description: "Address the HTTP API listens on.",
    default: "0.0.0.0",
    example: "127.0.0.1",
  }),
  enableRequestApi: bool({
    description: "Enables POST /bindings/request, which runs a request directly on a binding.",
    default: "false",
    example: "true",
  }),
  drainTimeoutSeconds: int({
    description: "On shutdown, how long in-flight requests get to finish.",
    default: "30",
    min: 0,
    max: 3600,
    example: "60",
  }),
  logFormat: oneOf(["json", "text"] as const, {
    description: "json: one JSON object per line; text: human-readable lines.",
    default: "json",
    example: "text",
  }),
} as const;

/** One side of a binding: a source or a target. */
export interface EndpointConfig {
  kind: string;
  /** Name for logs and metric labels; "" when not given, as in the original. */
  name: string;
  /** The properties as written, after `${ENV}` expansion, scalars as strings. */
  properties: Record<string, string>;
  /** The properties parsed by the kind's schema (`Parsed<typeof kind.properties>`). */
  options: unknown;
}

/** One binding: requests from a source run on a target, through the binding middleware. */
export interface BindingConfig {
  name: string;
  middleware: MiddlewareOptions;
  source: EndpointConfig;
  target: EndpointConfig;
}

/** The whole validated configuration. */
export interface AppConfig extends Parsed<typeof appProperties> {
  bindings: BindingConfig[];
}
