import assert from "node:assert/strict";
import { GO_BOOL_EXPECTED } from "../lib/go_bool.ts";
import {
  bool,
  Expected,
  FieldError,
  FieldErrors,
  int,
  oneOf,
  parseFields,
  rawText,
  secretKeys,
  stringMap,
  text,
  url,
} from "../lib/schema.ts";

/** Parses `raw` against `schema`, which must fail; returns the collected field errors. */
function failures(
  schema: Parameters<typeof parseFields>[0],
  raw: Record<string, string>,
): FieldError[] {
  try {
    parseFields(schema, raw);
  } catch (err) {
    assert.ok(err instanceof FieldErrors, String(err));
    return err.errors;
  }
  throw new Error(`expected ${JSON.stringify(raw)} to be rejected`);
}

const simplify = (errors: FieldError[]) =>
  errors.map((e) => ({ key: e.key, value: e.value, reason: e.reason, expected: e.expected }));

Deno.test("text passes any non-blank string through unchanged", () => {
  const schema = { name: text({ description: "n", required: true }) };
  for (const value of ["a", " padded ", "naïve ☃", "a/b?c=d&e"]) {
    assert.deepEqual(parseFields(schema, { name: value }), { name: value });
  }
});

Deno.test("a required text that is absent is missing", () => {
  const errors = failures({ name: text({ description: "n", required: true }) }, {});
  assert.deepEqual(simplify(errors), [
    { key: "name", value: undefined, reason: "missing", expected: "" },
  ]);
  assert.equal(errors[0]?.message, `"name" is required`);
});

Deno.test("a required text that is empty is invalid; a blank one is a value (MustParseString)", () => {
  for (const value of [" ", "\t\n"]) {
    const schema = { name: text({ description: "n", required: true }) };
    assert.equal(parseFields(schema, { name: value }).name, value);
  }
  for (const value of [""]) {
    const errors = failures({ name: text({ description: "n", required: true }) }, { name: value });
    assert.deepEqual(simplify(errors), [
      { key: "name", value, reason: "invalid", expected: "a non-empty value" },
    ]);
    assert.equal(
      errors[0]?.message,
      `"name": expected a non-empty value, got ${JSON.stringify(value)}`,
    );
  }
});

Deno.test("an optional text that is absent or empty is undefined; blank is a value", () => {
  const schema = { name: text({ description: "n" }) };
  assert.equal(parseFields(schema, {}).name, undefined);
  assert.equal(parseFields(schema, { name: "" }).name, undefined);
  assert.equal(parseFields(schema, { name: "  " }).name, "  ");
  assert.equal(parseFields(schema, { name: "x" }).name, "x");
});

Deno.test("a text with a default uses it when absent or blank", () => {
  const schema = { name: text({ description: "n", default: "dflt" }) };
  assert.equal(parseFields(schema, {}).name, "dflt");
  assert.equal(parseFields(schema, { name: "" }).name, "dflt");
  assert.equal(parseFields(schema, { name: "given" }).name, "given");
});

Deno.test("rawText keeps the empty string as a value", () => {
  const schema = { prefix: rawText({ description: "p" }) };
  assert.equal(parseFields(schema, { prefix: "" }).prefix, "");
  assert.equal(parseFields(schema, { prefix: " " }).prefix, " ");
  assert.equal(parseFields(schema, {}).prefix, undefined);
});

Deno.test("bool accepts exactly the spellings of Go's strconv.ParseBool", () => {
  const schema = { flag: bool({ description: "f", required: true }) };
  for (const value of ["1", "t", "T", "TRUE", "true", "True"]) {
    assert.equal(parseFields(schema, { flag: value }).flag, true, value);
  }
  for (const value of ["0", "f", "F", "FALSE", "false", "False"]) {
    assert.equal(parseFields(schema, { flag: value }).flag, false, value);
  }
});

Deno.test("bool rejects anything else instead of falling back to the default", () => {
  const schema = { flag: bool({ description: "f", default: "false" }) };
  for (const value of ["yes", "no", "tRUE", "FaLsE", "2", "-1", "on", " true", "true ", "T "]) {
    const errors = failures(schema, { flag: value });
    assert.deepEqual(simplify(errors), [
      { key: "flag", value, reason: "invalid", expected: GO_BOOL_EXPECTED },
    ]);
    assert.equal(
      errors[0]?.message,
      `"flag": expected "true" or "false" (also accepted: 1, t, T, TRUE, True, 0, f, F, FALSE, False), got ${
        JSON.stringify(value)
      }`,
    );
  }
});

Deno.test("bool uses its default when absent or blank", () => {
  const schema = { a: bool({ description: "a", default: "true" }), b: bool({ description: "b" }) };
  assert.deepEqual(parseFields(schema, {}), { a: true });
  assert.deepEqual(parseFields(schema, { a: "", b: "" }), { a: true });
  assert.deepEqual(parseFields(schema, { a: "false", b: "true" }), { a: false, b: true });
});

Deno.test("int parses base-10 integers within its bounds", () => {
  const schema = { n: int({ description: "n", required: true, min: -5, max: 10 }) };
  const cases: [string, number][] = [["0", 0], ["10", 10], ["-5", -5], [" 7 ", 7], ["007", 7], [
    "+5",
    5,
  ]];
  for (const [raw, n] of cases) assert.equal(parseFields(schema, { n: raw }).n, n, raw);
});

Deno.test("int rejects out-of-range and non-integer values", () => {
  const schema = { n: int({ description: "n", required: true, min: 1, max: 1000 }) };
  for (
    const value of ["0", "1001", "-1", "1.5", "1e3", "0x10", "abc", "12abc", "++5", "+-5", "١٢"]
  ) {
    const errors = failures(schema, { n: value });
    assert.deepEqual(simplify(errors), [
      { key: "n", value, reason: "invalid", expected: "an integer from 1 to 1000" },
    ], value);
  }
});

Deno.test("int without bounds rejects integers beyond the safe range", () => {
  const schema = { n: int({ description: "n", required: true }) };
  assert.equal(parseFields(schema, { n: "9007199254740991" }).n, Number.MAX_SAFE_INTEGER);
  const errors = failures(schema, { n: "9007199254740993" });
  assert.equal(
    errors[0]?.expected,
    "an integer from -9007199254740991 to 9007199254740991",
  );
});

Deno.test("int uses its default when absent", () => {
  const schema = { n: int({ description: "n", default: "8", min: 5, max: 512 }) };
  assert.equal(parseFields(schema, {}).n, 8);
  assert.equal(parseFields(schema, { n: "" }).n, 8);
});

Deno.test("oneOf accepts only its values, case-sensitively", () => {
  const field = oneOf(["COPY", "REPLACE"] as const, { description: "d" });
  assert.deepEqual(field.values, ["COPY", "REPLACE"]);
  assert.equal(field.type, "enum");
  assert.equal(parseFields({ d: field }, { d: "REPLACE" }).d, "REPLACE");
  for (const value of ["copy", "MOVE", "COPY "]) {
    assert.deepEqual(simplify(failures({ d: field }, { d: value })), [
      { key: "d", value, reason: "invalid", expected: `one of "COPY", "REPLACE"` },
    ]);
  }
});

Deno.test("url accepts http and https URLs and returns a URL", () => {
  const schema = { u: url({ description: "u", required: true }) };
  const parsed = parseFields(schema, { u: "http://minio:9000" }).u;
  assert.ok(parsed instanceof URL);
  assert.equal(parsed.href, "http://minio:9000/");
  assert.equal(parseFields(schema, { u: "https://s3.example.com/base" }).u.pathname, "/base");
});

Deno.test("url rejects other schemes and non-URLs", () => {
  const schema = { u: url({ description: "u", required: true }) };
  for (const value of ["ftp://host", "minio:9000", "not a url", "/relative", "file:///etc"]) {
    assert.deepEqual(simplify(failures(schema, { u: value })), [
      { key: "u", value, reason: "invalid", expected: "an http:// or https:// URL" },
    ], value);
  }
});

Deno.test("stringMap parses a JSON object of strings", () => {
  const schema = { m: stringMap({ description: "m" }) };
  assert.deepEqual(parseFields(schema, { m: `{"a":"1","b ☃":""}` }).m, { a: "1", "b ☃": "" });
  assert.deepEqual(parseFields(schema, { m: "{}" }).m, {});
});

Deno.test("stringMap rejects invalid JSON, non-objects and non-string values", () => {
  const schema = { m: stringMap({ description: "m" }) };
  for (
    const value of ["{", "[]", `["a"]`, "null", `"s"`, "5", `{"a":1}`, `{"a":null}`, `{"a":{}}`]
  ) {
    assert.deepEqual(simplify(failures(schema, { m: value })), [
      { key: "m", value, reason: "invalid", expected: "a JSON object of strings" },
    ], value);
  }
});

Deno.test("a custom parse can throw Expected to say what it wanted", () => {
  const schema = {
    even: {
      ...int({ description: "e", required: true }),
      parse(raw: string): number {
        const n = Number(raw);
        if (n % 2 !== 0) throw new Expected("an even number");
        return n;
      },
    },
  };
  assert.equal(parseFields(schema, { even: "4" }).even, 4);
  assert.equal(
    failures(schema, { even: "3" })[0]?.message,
    `"even": expected an even number, got "3"`,
  );
});

Deno.test("parseFields collects every error at once, in schema order", () => {
  const schema = {
    bucket: text({ description: "b", required: true }),
    wait: bool({ description: "w", default: "false" }),
    size: int({ description: "s", min: 1, max: 10 }),
    mode: oneOf(["a", "b"] as const, { description: "m", required: true }),
    meta: stringMap({ description: "j" }),
    fine: text({ description: "f" }),
  };
  let caught: unknown;
  try {
    parseFields(schema, { wait: "yes", size: "11", mode: "", meta: "[]", fine: "ok" });
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof FieldErrors);
  assert.equal(caught.name, "FieldErrors");
  assert.deepEqual(simplify(caught.errors), [
    { key: "bucket", value: undefined, reason: "missing", expected: "" },
    { key: "wait", value: "yes", reason: "invalid", expected: GO_BOOL_EXPECTED },
    { key: "size", value: "11", reason: "invalid", expected: "an integer from 1 to 10" },
    { key: "mode", value: "", reason: "invalid", expected: "a non-empty value" },
    { key: "meta", value: "[]", reason: "invalid", expected: "a JSON object of strings" },
  ]);
  assert.equal(
    caught.message,
    `"bucket" is required; "wait": expected "true" or "false" (also accepted: 1, t, T, TRUE, True, 0, f, F, FALSE, False), got "yes"; ` +
      `"size": expected an integer from 1 to 10, got "11"; "mode": expected a non-empty value, got ""; ` +
      `"meta": expected a JSON object of strings, got "[]"`,
  );
});

Deno.test("parseFields ignores keys the schema does not declare", () => {
  const schema = { a: text({ description: "a" }) };
  assert.deepEqual(parseFields(schema, { a: "1", b: "2", method: "x" }), { a: "1" });
});

Deno.test("parseFields reads only own keys, never the prototype's", () => {
  const schema = {
    constructor: text({ description: "c", required: true }),
    toString: text({ description: "t" }),
  };
  assert.deepEqual(simplify(failures(schema, {})), [
    { key: "constructor", value: undefined, reason: "missing", expected: "" },
  ]);
  assert.deepEqual(parseFields(schema, { constructor: "x" }), { constructor: "x" });
});

Deno.test("fields record their type, description, required flag and default", () => {
  const f = int({ description: "Part size.", default: "8", min: 5, max: 512 });
  assert.equal(f.type, "integer");
  assert.equal(f.description, "Part size.");
  assert.equal(f.required, false);
  assert.equal(f.default, "8");
  assert.equal(f.secret, false);
  const r = text({ description: "Region.", required: true });
  assert.equal(r.type, "string");
  assert.equal(r.required, true);
  assert.equal(r.default, undefined);
  assert.equal(bool({ description: "b" }).type, "boolean");
  assert.equal(url({ description: "u" }).type, "url");
  assert.equal(stringMap({ description: "m" }).type, "json");
});

Deno.test("secretKeys lists the fields marked secret", () => {
  const schema = {
    aws_key: text({ description: "k" }),
    aws_secret_key: text({ description: "s", secret: true }),
    token: text({ description: "t", secret: true }),
  };
  assert.deepEqual(secretKeys(schema), ["aws_secret_key", "token"]);
});
