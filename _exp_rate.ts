import { trace } from "@opentelemetry/api";
const tracer = trace.getTracer("exp");
const perTick = Number(Deno.args[0] ?? 12);
const cpu = () => { const r = Deno.readTextFileSync("/proc/self/stat").split(") ")[1]!.split(" "); return (Number(r[11]) + Number(r[12])) * 10; };
const threads = () => { const out: Record<string, number> = {}; for (const t of Deno.readDirSync("/proc/self/task")) { const s = Deno.readTextFileSync(`/proc/self/task/${t.name}/stat`); const name = s.slice(s.indexOf("(") + 1, s.lastIndexOf(")")) + "#" + t.name; const r = s.slice(s.lastIndexOf(")") + 2).split(" "); out[name] = (Number(r[11]) + Number(r[12])) * 10; } return out; };
let n = 0;
const c0 = cpu(); const th0 = threads();
const end = performance.now() + 6000;
while (performance.now() < end) {
  for (let i = 0; i < perTick; i++) {
    const s = tracer.startSpan("span-name", { kind: 3, attributes: { "rpc.system": "aws-api", "rpc.service": "S3", "rpc.method": "PutObject", "aws.s3.bucket": "bench-bucket-123", "aws.s3.key": "tracing/key-" + n } });
    s.setAttributes({ "http.response.status_code": 200, "aws.request_id": "tx00000313a72e0a3aecc2f-006b1619dd-100c-default" });
    s.end(); n++;
  }
  await new Promise((r) => setTimeout(r, 10));
}
const th1 = threads();
const diff = Object.entries(th1).map(([k, v]) => [k, v - (th0[k] ?? 0)] as const).filter(([, v]) => v > 0);
console.log(`${n} spans, cpu us/span ${((cpu() - c0) * 1000 / n).toFixed(1)}`, JSON.stringify(Object.fromEntries(diff)));
