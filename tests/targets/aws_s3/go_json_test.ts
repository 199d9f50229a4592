import assert from "node:assert/strict";
import { goJsonData, goPointer, goStruct, goTime } from "../../../lib/targets/aws_s3/go_json.ts";
import { escapeKeyPath, objectUrl } from "../../../lib/targets/aws_s3/object_url.ts";
import { testOptions } from "../../../testing/fake_s3.ts";

Deno.test("goTime writes times as Go's encoding/json does (RFC 3339, trailing zeros dropped)", () => {
  assert.equal(goTime(new Date("2026-11-24T10:00:00.000Z")), "2026-11-24T10:00:00Z");
  assert.equal(goTime(new Date("2026-11-24T10:00:00.120Z")), "2026-11-24T10:00:00.12Z");
  assert.equal(goTime(new Date("2026-11-24T10:00:00.007Z")), "2026-11-24T10:00:00.007Z");
  assert.equal(goTime(undefined), null);
  assert.equal(goTime(new Date(NaN)), null);
});

Deno.test("goPointer is null for an absent value and the value otherwise", () => {
  assert.equal(goPointer(undefined), null);
  assert.equal(goPointer(""), "");
  assert.equal(goPointer(false), false);
});

Deno.test("escapeKeyPath escapes every byte but unreserved characters and /", () => {
  assert.equal(escapeKeyPath("a b/c+d&é~_.-"), "a%20b/c%2Bd%26%C3%A9~_.-");
});

Deno.test("objectUrl is the object's URL for the endpoint and addressing style", () => {
  const custom = testOptions({ endpoint: "http://minio:9000" });
  assert.equal(objectUrl(custom, "b", "my file.txt"), "http://minio:9000/b/my%20file.txt");
  const hosted = testOptions({ endpoint: "https://s3.example.com", force_path_style: "false" });
  assert.equal(objectUrl(hosted, "bkt", "k"), "https://bkt.s3.example.com/k");
  const aws = testOptions({ region: "eu-west-1" });
  assert.equal(objectUrl(aws, "bkt", "d/k"), "https://bkt.s3.eu-west-1.amazonaws.com/d/k");
  assert.equal(
    objectUrl(testOptions({ region: "us-east-1" }), "bkt", "k"),
    "https://bkt.s3.amazonaws.com/k",
  );
});

Deno.test("goStruct writes every key in declaration order, absent ones as the zero value", () => {
  const out = goStruct("UploadOutput", { ETag: `"e"`, Location: "http://h/b/k" });
  assert.equal(
    JSON.stringify(out),
    `{"Location":"http://h/b/k","VersionID":null,"UploadID":"","ETag":"\\"e\\""}`,
  );
  assert.deepEqual(Object.keys(goStruct("DeleteObjectOutput", { VersionId: undefined })), [
    "DeleteMarker",
    "RequestCharged",
    "VersionId",
  ]);
});

Deno.test("goJsonData escapes <, >, &, U+2028 and U+2029 as json.Marshal does", () => {
  const text = new TextDecoder().decode(goJsonData({ Key: "a<b>&c\u2028\u2029é" }));
  assert.equal(text, `{"Key":"a\\u003cb\\u003e\\u0026c\\u2028\\u2029é"}`);
  assert.deepEqual(JSON.parse(text), { Key: "a<b>&c\u2028\u2029é" });
});
