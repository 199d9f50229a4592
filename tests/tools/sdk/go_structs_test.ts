/** Go struct extraction and encoding/json's rules, on small Go sources. */
import assert from "node:assert/strict";
import {
  extractStructs,
  jsonKeys,
  shapeOf,
  tsTypeOf,
  zeroOf,
} from "../../../tools/sdk/go_structs.ts";

const SOURCE = [
  "package s3",
  "",
  "type Out struct {",
  '\t_ struct{} `type:"structure" payload:"Result"`',
  "",
  "\t// A comment line.",
  '\tResult *Result `type:"structure"`',
  '\tHidden *string `json:"-"`',
  '\tRenamed *bool `json:"other" locationName:"x-amz-y"`',
  "\tprivate string",
  '\tList []*Result `locationNameList:"R" type:"list"`',
  "\tPlain string",
  "}",
  "",
  "type Result struct {",
  "\tETag *string",
  "\tWhen *time.Time",
  "}",
  "",
  "type Unused struct {",
  "\tX int64",
  "}",
].join("\n");

Deno.test("extractStructs follows referenced struct types and records lines", () => {
  const structs = extractStructs(SOURCE, "api.go", ["Out"]);
  assert.deepEqual(Object.keys(structs), ["Out", "Result"]);
  assert.equal(structs.Out!.line, 3);
  assert.deepEqual(structs.Out!.fields.map((f) => f.name), [
    "_",
    "Result",
    "Hidden",
    "Renamed",
    "private",
    "List",
    "Plain",
  ]);
  assert.throws(() => extractStructs(SOURCE, "api.go", ["Missing"]), /declares no struct Missing/);
});

Deno.test('jsonKeys skips _, unexported fields and json:"-"; renames by json tag only', () => {
  const structs = extractStructs(SOURCE, "api.go", ["Out"]);
  assert.deepEqual(jsonKeys(structs.Out!).map((k) => k.key), ["Result", "other", "List", "Plain"]);
  const omit = {
    file: "a.go",
    line: 1,
    fields: [{ name: "A", type: "*string", tag: 'json:"a,omitempty"', line: 2 }],
  };
  assert.throws(() => jsonKeys(omit), /json options \["omitempty"\] not supported/);
});

Deno.test("shapes, TypeScript types and zero values follow json.Marshal", () => {
  const structs = extractStructs(SOURCE, "api.go", ["Out"]);
  const source = { repository: "r", tag: "t", commit: "c" };
  const shape = shapeOf("*Out", structs, source) as Record<string, unknown>;
  assert.equal(shape.$nullable, true);
  assert.equal(shape.other, "boolean|null");
  assert.equal(shape.Plain, "string");
  assert.deepEqual((shape.List as Record<string, unknown>).$nullable, true);
  assert.equal((shape.Result as Record<string, unknown>).When, "time|null");
  assert.equal(tsTypeOf("[]*Result"), "Result[] | null");
  assert.equal(tsTypeOf("*int64"), "number | null");
  assert.equal(zeroOf("*bool"), null);
  assert.equal(zeroOf("[]*Result"), null);
  assert.equal(zeroOf("string"), "");
});
