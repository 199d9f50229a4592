/**
 * Command-line flags read as Go's `flag` package reads them, so the original's command lines
 * work unchanged: `-config x`, `--config x`, `-config=x` and `--config=x` are the same; a
 * boolean flag is `-name` or `-name=<bool>`; parsing stops at the first non-flag argument or at
 * `--`; `-h`, `-help` ask for the usage.
 */
import { parseGoBool } from "./go_bool.ts";

/** The flags a program defines: each a string or a boolean. */
export type FlagSpec = Readonly<Record<string, "string" | "boolean">>;

/** What the command line set, by flag name; flags not given are absent. */
export type FlagValues = Record<string, string | boolean>;

/** The outcome: the values, or help asked for, or an error text (Go's own wording). */
export type FlagResult =
  | { kind: "ok"; values: FlagValues; rest: string[] }
  | { kind: "help" }
  | { kind: "error"; message: string };

/** Parses `args` against `spec` as Go's flag.Parse does. */
export function parseGoFlags(args: readonly string[], spec: FlagSpec): FlagResult {
  const values: FlagValues = {};
  let i = 0;
  while (i < args.length) {
    const arg = args[i]!;
    if (arg.length < 2 || arg[0] !== "-") break;
    if (arg === "--") {
      i++;
      break;
    }
    const body = arg.slice(arg[1] === "-" ? 2 : 1);
    if (body === "" || body[0] === "-" || body[0] === "=") {
      return { kind: "error", message: `bad flag syntax: ${arg}` };
    }
    i++;
    const eq = body.indexOf("=");
    const name = eq < 0 ? body : body.slice(0, eq);
    const inline = eq < 0 ? undefined : body.slice(eq + 1);
    const type = spec[name];
    if (type === undefined) {
      if (name === "h" || name === "help") return { kind: "help" };
      return { kind: "error", message: `flag provided but not defined: -${name}` };
    }
    if (type === "boolean") {
      const value = inline === undefined ? true : parseGoBool(inline);
      if (value === undefined) {
        return {
          kind: "error",
          message: `invalid boolean value ${JSON.stringify(inline)} for -${name}: parse error`,
        };
      }
      values[name] = value;
      continue;
    }
    if (inline !== undefined) values[name] = inline;
    else if (i < args.length) values[name] = args[i++]!;
    else return { kind: "error", message: `flag needs an argument: -${name}` };
  }
  return { kind: "ok", values, rest: args.slice(i) };
}
