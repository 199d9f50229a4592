/** list_buckets end to end: kubemq-js client → test broker → connector → radosgw. */
import assert from "node:assert/strict";
import { ListBucketsCommand } from "@aws-sdk/client-s3";
import { goTime } from "../../../lib/targets/aws_s3/go_json.ts";
import { dataJson, startStack } from "../../../testing/stack.ts";
import { createTestBucket, deleteTestBucketFully, testS3Client } from "../../../testing/s3.ts";

interface BucketListJson {
  Buckets: { Name: string; CreationDate: string }[];
  Owner: { DisplayName?: string; ID?: string } | null;
}

Deno.test("e2e list_buckets", async (t) => {
  await using stack = await startStack();
  const s3 = testS3Client();
  const bucket = await createTestBucket(s3, "e2e-list-buckets");
  try {
    await t.step(
      "returns {Buckets:[{Name,CreationDate}],Owner} including a new bucket",
      async () => {
        const res = await stack.ask({ method: "list_buckets" });
        assert.equal(res.isError, false, res.error);
        const out = dataJson<BucketListJson>(res);
        assert.deepEqual(Object.keys(out).sort(), ["Buckets", "Owner"]);
        const mine = out.Buckets.find((b) => b.Name === bucket);
        assert.ok(
          mine,
          `${bucket} not listed in ${JSON.stringify(out.Buckets.map((b) => b.Name))}`,
        );
        assert.deepEqual(Object.keys(mine).sort(), ["CreationDate", "Name"]);
        assert.match(mine.CreationDate, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
        assert.equal(res.metadata.result, "ok");
        assert.equal(res.metadata.count, String(out.Buckets.length));
      },
    );

    await t.step("agrees with the SDK's ListBuckets (names and owner)", async () => {
      const res = await stack.ask({ method: "list_buckets" });
      const out = dataJson<BucketListJson>(res);
      const direct = await s3.send(new ListBucketsCommand({}));
      // Other tests create buckets concurrently: compare this test's bucket and the owner.
      const directMine = direct.Buckets?.find((b) => b.Name === bucket);
      const mine = out.Buckets.find((b) => b.Name === bucket);
      // Go's RFC 3339 form: the same instant, with trailing zeros of the fraction dropped.
      assert.equal(mine?.CreationDate, goTime(directMine?.CreationDate));
      assert.equal(Date.parse(mine?.CreationDate ?? ""), directMine?.CreationDate?.getTime());
      assert.equal(out.Owner?.ID, direct.Owner?.ID);
      assert.equal(out.Owner?.DisplayName, direct.Owner?.DisplayName);
    });

    await t.step("no longer lists a deleted bucket", async () => {
      await deleteTestBucketFully(bucket, s3);
      const res = await stack.ask({ method: "list_buckets" });
      assert.equal(res.isError, false, res.error);
      // A nil slice marshals as null: with no bucket left, Buckets is null, as in the original.
      const listed = dataJson<{ Buckets: { Name: string }[] | null }>(res).Buckets;
      const names = (listed ?? []).map((b) => b.Name);
      assert.equal(names.includes(bucket), false);
    });
  } finally {
    await deleteTestBucketFully(bucket, s3);
    s3.destroy();
  }
});
