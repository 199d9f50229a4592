/** Issue 20's rule for choosing the KubeMQ transport (bench/transport_decision.ts). */
import assert from "node:assert/strict";
import { decide, type TransportFigures } from "../../bench/transport_decision.ts";

function figures(over: Partial<TransportFigures> = {}): TransportFigures {
  return {
    receiveMs: 1000,
    receivePeakMiB: 200,
    receiveCpuMs: 300,
    sendMs: 1000,
    sendPeakMiB: 300,
    sendCpuMs: 200,
    cpuMsPer1000: 200,
    idleRssMiB: 50,
    ...over,
  };
}

Deno.test("decide: the library within 10 % on time and CPU and 15 % on RSS is chosen", () => {
  const d = decide({
    "lean": figures(),
    "connect-es": figures({ sendMs: 1099, cpuMsPer1000: 219, sendPeakMiB: 344, idleRssMiB: 57 }),
    "grpc-js": figures({ receiveMs: 2000 }),
  });
  assert.equal(d.choice, "connect-es", d.reason);
  assert.equal(d.figures.sendPeakMiB!.best, "lean");
});

Deno.test("decide: one figure past its limit keeps the lean client and names the figure", () => {
  const d = decide({
    "lean": figures(),
    "connect-es": figures({ cpuMsPer1000: 221, receiveCpuMs: 9999 }),
    "grpc-js": figures({ idleRssMiB: 45 }),
  });
  assert.equal(d.choice, "lean");
  assert.match(d.reason, /^connect-es misses: cpuMsPer1000 1\.1\d× lean \(limit 1\.10\)$/);
  // The transfer CPU is information only; RSS is judged against the best of all three.
  assert.equal(d.figures.idleRssMiB!.best, "grpc-js");
  assert.equal(d.figures.idleRssMiB!.within, true);
  assert.equal(d.figures.receiveCpuMs, undefined);
});
