/** Go's flag syntax, case by case (flag.Parse's rules). */
import assert from "node:assert/strict";
import { parseGoFlags } from "../lib/go_flags.ts";

const spec = { config: "string", verbose: "boolean" } as const;

Deno.test("one and two dashes, with a space or =, all set a string flag", () => {
  for (const args of [["-config", "x"], ["--config", "x"], ["-config=x"], ["--config=x"]]) {
    assert.deepEqual(parseGoFlags(args, spec), {
      kind: "ok",
      values: { config: "x" },
      rest: [],
    }, args.join(" "));
  }
  assert.deepEqual(parseGoFlags(["-config", ""], spec), {
    kind: "ok",
    values: { config: "" },
    rest: [],
  });
  assert.deepEqual(parseGoFlags(["-config="], spec), {
    kind: "ok",
    values: { config: "" },
    rest: [],
  });
});

Deno.test("a boolean flag takes no separate value; =value is read as ParseBool", () => {
  assert.deepEqual(parseGoFlags(["-verbose", "x"], spec), {
    kind: "ok",
    values: { verbose: true },
    rest: ["x"],
  });
  assert.deepEqual(parseGoFlags(["--verbose=F"], spec), {
    kind: "ok",
    values: { verbose: false },
    rest: [],
  });
  assert.deepEqual(parseGoFlags(["-verbose=yes"], spec), {
    kind: "error",
    message: 'invalid boolean value "yes" for -verbose: parse error',
  });
});

Deno.test("parsing stops at the first non-flag and after --", () => {
  assert.deepEqual(parseGoFlags(["a", "-config", "x"], spec), {
    kind: "ok",
    values: {},
    rest: ["a", "-config", "x"],
  });
  assert.deepEqual(parseGoFlags(["--", "-config", "x"], spec), {
    kind: "ok",
    values: {},
    rest: ["-config", "x"],
  });
  assert.deepEqual(parseGoFlags(["-", "x"], spec), { kind: "ok", values: {}, rest: ["-", "x"] });
});

Deno.test("Go's errors: unknown flag, missing argument, bad syntax; -h and -help ask for usage", () => {
  assert.deepEqual(parseGoFlags(["-nope"], spec), {
    kind: "error",
    message: "flag provided but not defined: -nope",
  });
  assert.deepEqual(parseGoFlags(["-config"], spec), {
    kind: "error",
    message: "flag needs an argument: -config",
  });
  assert.deepEqual(parseGoFlags(["---config=x"], spec), {
    kind: "error",
    message: "bad flag syntax: ---config=x",
  });
  for (const h of ["-h", "--h", "-help", "--help"]) {
    assert.deepEqual(parseGoFlags([h], spec), { kind: "help" }, h);
  }
});
