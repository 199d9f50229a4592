/** What a binding is built from: types derived from the config's schemas, not restated. */
import type { BindingConfig, EndpointConfig } from "../config/app_config.ts";
import type { MiddlewareOptions } from "../config/middleware_options.ts";

/** The binding middleware settings (binding `properties`), as the schema parses them. */
export type MiddlewareSettings = MiddlewareOptions;

/** One side of a binding without its raw properties (the options are parsed). */
export type EndpointSpec = Omit<EndpointConfig, "properties">;

/** What a binding is built from (a validated config entry). */
export interface BindingSpec {
  name: BindingConfig["name"];
  middleware: MiddlewareSettings;
  source: EndpointSpec;
  target: EndpointSpec;
}
