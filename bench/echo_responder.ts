// deno-lint-ignore-file no-console -- a command-line tool: the console is its output
/**
 * Scenario A's trivial responder, run as its own process like the connector. It answers a query
 * with its own body, except two cases for the large-message floor of scenario D: a body of
 * `{"reply_bytes":N}` is answered with N bytes, and a body over 1 MiB with 2 bytes, so each
 * direction of a large transfer can be timed alone.
 *
 * With a bucket (and S3_* set) it is also the bench's minimal responder (scenario M): on
 * `<channel>.s3` it answers upload_item and get_item of 1 KiB with the plain SDK call (the
 * connector's wire parse and encode, then PutObject or GetObject: no binding, middleware,
 * sandbox or connector transport). Usage: echo_responder.ts <address> <channel> [bucket]
 */
import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { createKubemqClient } from "../testing/kubemq_client.ts";
import { s3TestEnv } from "../testing/s3.ts";
import { encodeResponse, errorResponse, okResponse, parseRequest } from "../lib/wire.ts";
import { baselineS3Client } from "./context.ts";

const [address, channel, bucket] = Deno.args;
if (!address || !channel) {
  console.error("usage: echo_responder.ts <broker address> <channel>");
  Deno.exit(2);
}
const OK = new TextEncoder().encode("ok");
const REPLY_BYTES = /^\{"reply_bytes":(\d+)\}$/;
const replies = new Map<number, Uint8Array>();

function answer(body: Uint8Array): Uint8Array {
  if (body.length > 1024 * 1024) return OK;
  if (body.length < 64) {
    const m = REPLY_BYTES.exec(new TextDecoder().decode(body));
    if (m) {
      const n = Number(m[1]);
      let reply = replies.get(n);
      if (!reply) replies.set(n, reply = new Uint8Array(n).fill(0x41));
      return reply;
    }
  }
  return body;
}

const client = createKubemqClient({ address, clientId: "bench-echo" });
const sub = client.subscribeQueries(
  channel,
  "",
  (req) => ({ executed: true, body: answer(req.body) }),
);
const s3 = bucket ? baselineS3Client(s3TestEnv()) : null;
/** Scenario M: one S3 call per query, answered in the wire format. */
async function minimal(body: Uint8Array): Promise<Uint8Array> {
  try {
    const req = parseRequest(body);
    const key = req.metadata.item_name ?? "";
    if (req.metadata.method === "upload_item") {
      const out = await s3!.send(
        new PutObjectCommand({ Bucket: bucket, Key: key, Body: req.data ?? new Uint8Array() }),
      );
      return encodeResponse(okResponse({ result: "ok", etag: out.ETag ?? "" }, null));
    }
    const out = await s3!.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return encodeResponse(okResponse({ result: "ok" }, await out.Body!.transformToByteArray()));
  } catch (err) {
    return encodeResponse(errorResponse(String(err)));
  }
}
const s3Sub = s3
  ? client.subscribeQueries(
    `${channel}.s3`,
    "",
    async (req) => ({ executed: true, body: await minimal(req.body) }),
  )
  : null;
// The received lists would grow with every query: the responder needs none of it.
setInterval(() => {
  sub.received.length = 0;
  if (s3Sub) s3Sub.received.length = 0;
}, 1000);
console.log("subscribed");
Deno.addSignalListener("SIGTERM", () => {
  void Promise.all([sub.close(), s3Sub?.close()]).finally(() => {
    client.close();
    Deno.exit(0);
  });
});
