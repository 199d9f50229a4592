/**
 * Lines of code we own for each KubeMQ transport that bench/probe_transport.ts compares, counted
 * from the files themselves. Bare names are files of lib/sources/kubemq/. The lean client's
 * count covers every RPC the connector uses (requests, queues, events, Ping); connect-es's and
 * grpc-js's glue only the requests the probe drives.
 */

const root = decodeURIComponent(new URL("../", import.meta.url).pathname);
const DIRS = ["lib/sources/kubemq/"];

/** Lines of one group of files: all of them, and those that are neither blank nor comment. */
export interface LineCount {
  files: string[];
  lines: number;
  code: number;
}

/** The groups of files of one transport. */
export type TransportLoc = Record<string, LineCount>;

/** The files of each transport, by group; bare names are looked up in DIRS. */
export const TRANSPORT_FILES: Record<string, Record<string, string[]>> = {
  "lean": {
    transport: [
      "grpc_h2.ts",
      "grpc_keepalive.ts",
      "grpc_framing.ts",
      "grpc_status.ts",
      "grpc_server_stream.ts",
      "grpc_session_options.ts",
    ],
    clients: ["connection.ts", "requests_client.ts", "queue_client.ts", "events_client.ts"],
    codec: [
      "pb_codec.ts",
      "pb_queues.ts",
      "pb_events.ts",
      "_pb_reader.ts",
      "_pb_writer.ts",
      "_pb_wire_types.ts",
    ],
    workarounds: ["goaway_guard.ts"],
  },
  "connect-es": {
    glue: ["bench/connect_es/query_client.ts", "grpc_session_options.ts"],
    // Its session manager makes sessions through node:http2 as well, so the Deno GOAWAY crash
    // applies; the guard as written does not reach it (see docs/benchmark.md).
    workarounds: ["goaway_guard.ts"],
    generated: ["bench/connect_es/gen/kubemq_pb.ts"],
  },
  "grpc-js": {
    glue: [
      "bench/transports/grpc_js_client.ts",
      "testing/kubemq_pb.ts",
      "testing/kubemq_pb_request_types.ts",
    ],
    workarounds: ["goaway_guard.ts", "bench/transports/dns_port.ts"],
  },
};

function _resolve(name: string): string {
  if (name.includes("/")) return name;
  for (const dir of DIRS) {
    try {
      Deno.statSync(`${root}${dir}${name}`);
      return `${dir}${name}`;
    } catch { /* not in this folder */ }
  }
  throw new Error(`transport file ${name} not found in ${DIRS.join(" or ")}`);
}

/** Counts all lines and code lines (not blank, not only a comment) of TypeScript text. */
export function countLines(text: string): { lines: number; code: number } {
  const all = text.split("\n");
  if (all.at(-1) === "") all.pop();
  let code = 0;
  let inBlock = false;
  for (const raw of all) {
    const line = raw.trim();
    if (inBlock) {
      if (line.includes("*/")) inBlock = false;
      continue;
    }
    if (line === "" || line.startsWith("//")) continue;
    if (line.startsWith("/*")) {
      if (!line.includes("*/")) inBlock = true;
      continue;
    }
    code++;
  }
  return { lines: all.length, code };
}

/** The line counts of every transport's groups. */
export function transportLoc(): Record<string, TransportLoc> {
  const out: Record<string, TransportLoc> = {};
  for (const [transport, groups] of Object.entries(TRANSPORT_FILES)) {
    out[transport] = {};
    for (const [group, names] of Object.entries(groups)) {
      const files = names.map(_resolve);
      const count = { files, lines: 0, code: 0 };
      for (const f of files) {
        const c = countLines(Deno.readTextFileSync(`${root}${f}`));
        count.lines += c.lines;
        count.code += c.code;
      }
      out[transport][group] = count;
    }
  }
  return out;
}
