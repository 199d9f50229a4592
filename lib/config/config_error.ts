/** The error every configuration problem is reported with. */

/** The configuration is invalid; `errors` lists every problem, one sentence each. */
export class ConfigError extends Error {
  constructor(
    readonly errors: readonly string[],
    readonly warnings: readonly string[] = [],
    origin = "config.yaml",
  ) {
    const n = errors.length;
    super(
      `Invalid configuration in ${origin} (${n} error${n === 1 ? "" : "s"}):\n` +
        errors.map((e) => `  ${e}`).join("\n"),
    );
    this.name = "ConfigError";
  }
}
