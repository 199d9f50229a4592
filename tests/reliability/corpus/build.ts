/**
 * Turns a corpus case into the bytes to send: stored text or hex as is, generator descriptors
 * expanded (10,000 metadata entries, 100,000-level nesting, bodies of about 100 MiB).
 *
 * @module
 */
import type { CorpusCase, Generator } from "./generate.ts";

const encoder = new TextEncoder();

/** The corpus, as committed in cases.json. */
export async function loadCorpus(): Promise<CorpusCase[]> {
  const text = await Deno.readTextFile(new URL("./cases.json", import.meta.url));
  return JSON.parse(text) as CorpusCase[];
}

function nested(depth: number): string {
  return "[".repeat(depth) + "]".repeat(depth);
}

/** Fills `body` up to exactly `total` bytes: `head` + `fill` repeated + `tail`. */
function sized(total: number, head: string, fill: number, tail: string): Uint8Array {
  const h = encoder.encode(head);
  const t = encoder.encode(tail);
  const out = new Uint8Array(total).fill(fill);
  out.set(h, 0);
  out.set(t, total - t.length);
  return out;
}

function generate(gen: Generator, bucket: string): Uint8Array {
  switch (gen.kind) {
    case "metadata_entries": {
      const metadata: Record<string, string> = { method: "list_bucketz" };
      for (let i = 0; i < gen.count; i++) metadata[`key-${i}`] = `value-${i}`;
      return encoder.encode(JSON.stringify({ metadata, data: null }));
    }
    case "nesting": {
      const deep = nested(gen.depth);
      const text = gen.at === "top"
        ? deep
        : gen.at === "metadata"
        ? `{"metadata":${deep}}`
        : gen.at === "data"
        ? `{"metadata":{"method":"list_buckets"},"data":${deep}}`
        : `{"metadata":{"method":"list_buckets","x":${deep}}}`;
      return encoder.encode(text);
    }
    case "key_bytes": {
      const charBytes = encoder.encode(gen.char).length;
      const item = gen.char.repeat(Math.ceil(gen.bytes / charBytes));
      return encoder.encode(JSON.stringify({
        metadata: { method: gen.method, bucket_name: bucket, item_name: item },
        data: "aGk=",
      }));
    }
    case "size": {
      const upload = (b: string) =>
        `{"metadata":{"method":"upload_item","bucket_name":"${b}","item_name":"big"},"data":"`;
      if (gen.fill === "not_json") return sized(gen.bytes, "{", "x".charCodeAt(0), "");
      if (gen.fill === "bad_base64") {
        return sized(gen.bytes, upload(bucket), "!".charCodeAt(0), `"}`);
      }
      // Valid base64 (a multiple of 4 characters) into a bucket that does not exist.
      const head = upload(`${bucket}-missing`);
      const tail = `"}`;
      const fill = gen.bytes - head.length - tail.length;
      return sized(gen.bytes - (fill % 4), head, "A".charCodeAt(0), tail);
    }
  }
}

/** The body of a case, with `{{BUCKET}}` replaced by `bucket`. */
export function buildBody(c: CorpusCase, bucket: string): Uint8Array {
  if (c.gen) return generate(c.gen, bucket);
  if (c.bodyHex !== undefined) return Uint8Array.fromHex(c.bodyHex);
  return encoder.encode((c.body ?? "").replaceAll("{{BUCKET}}", bucket));
}
