// CLI for the test broker. Prints one JSON line on stdout once listening, logs to stderr, and
// optionally serves an HTTP control API on 127.0.0.1 so that other processes (Deno tests) can
// use the broker's test hooks.
//
//   node tools/broker/main.mjs [--port 50000] [--host 127.0.0.1]
//     [--tls-cert f --tls-key f [--tls-ca f --require-client-cert]]
//     [--auth-token T] [--control-port N] [--records]
//
// Control API (only with --control-port; 0 picks a free port):
//   GET  /subscribers?channel=X&n=N&timeout_ms=T  200 {"count"} once >= N, else 408 {"error"}
//   POST /stop          crash-like stop (streams end with UNAVAILABLE, TCP dropped without
//                       GOAWAY); ?graceful=true drains like a Go server instead (streams end
//                       OK, GOAWAY, connections closed after ?grace_ms=N, default 1000;
//                       ?goaway=double sends grpc-go's two GOAWAYs); control stays up
//   POST /restart       stop (same parameters as /stop) and listen again on the same port
//   POST /end-streams   end every subscription stream with status OK; 200 {"ended"}
//   GET  /stats         200 BrokerStats JSON
//   GET  /requests[?channel=X]  200 [{requestId, channel, sentAt, deliveredTo, deliveredAt,
//                       answeredBy, answeredAt, outcome, settledAt, error}]: the record of each
//                       query and command (the last 100,000; times in ms since the epoch)
//   GET  /subscriptions[?channel=X]  200 [{clientId, channel, group, openedAt, endedAt, how}]:
//                       each query and command subscription, when it opened and was dropped
//   GET  /events[?channel=X]  200 [{eventId, channel, store, deliveredTo}]: each published
//                       event and the subscribers (client ids) it was written to
//   GET  /queue?channel=X  200 {ready, delayed, inFlight, heldBy, receivers, stored}: queue X's
//                       messages (heldBy: in flight per receiving client id)
//                       and waiting receivers, and the events stored on events-store channel X
//   GET  /records?channel=X  200 {stops, requests, queue, events}: with --records, what became
//                       of each request, queue message and event on X, and every stop
//                       (channel_records.mjs); without it, empty lists

import http from "node:http";
import process from "node:process";
import { parseArgs } from "node:util";
import { startBroker } from "./broker.mjs";

const { values: args } = parseArgs({
  options: {
    port: { type: "string", default: "50000" },
    host: { type: "string", default: "127.0.0.1" },
    "tls-cert": { type: "string" },
    "tls-key": { type: "string" },
    "tls-ca": { type: "string" },
    "require-client-cert": { type: "boolean", default: false },
    "auth-token": { type: "string" },
    "control-port": { type: "string" },
    quiet: { type: "boolean", default: false },
    records: { type: "boolean", default: false },
  },
  strict: true,
});

/** @param {string} line */
const log = (line) => {
  if (!args.quiet) process.stderr.write(`[broker] ${line}\n`);
};

/** @param {string} name @param {string} value */
function parsePort(name, value) {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    throw new Error(`Invalid --${name}: expected a port number 0-65535, got "${value}"`);
  }
  return n;
}

if (Boolean(args["tls-cert"]) !== Boolean(args["tls-key"])) {
  throw new Error("--tls-cert and --tls-key must be given together");
}
if ((args["tls-ca"] || args["require-client-cert"]) && !args["tls-cert"]) {
  throw new Error("--tls-ca and --require-client-cert need --tls-cert and --tls-key");
}

/** @type {import("./broker.mjs").BrokerOptions} */
const options = {
  port: parsePort("port", args.port),
  host: args.host,
  log,
  records: args.records,
};
if (args["tls-cert"] && args["tls-key"]) {
  options.tls = {
    cert: args["tls-cert"],
    key: args["tls-key"],
    requireClientCert: args["require-client-cert"],
  };
  if (args["tls-ca"]) options.tls.ca = args["tls-ca"];
}
if (args["auth-token"] !== undefined) options.authToken = args["auth-token"];

const broker = await startBroker(options);

/** @type {http.Server | null} */
let control = null;
if (args["control-port"] !== undefined) {
  control = http.createServer((req, res) => {
    handleControl(req, res).catch((err) => reply(res, 500, { error: String(err) }));
  });
  // Keep-alive connections would hold close() open at shutdown.
  control.keepAliveTimeout = 1;
  const controlPort = parsePort("control-port", args["control-port"]);
  await new Promise((resolve, reject) => {
    control?.once("error", reject);
    control?.listen(controlPort, "127.0.0.1", () => resolve(undefined));
  });
}

/**
 * @param {http.ServerResponse} res
 * @param {number} status
 * @param {unknown} body
 */
function reply(res, status, body) {
  res.writeHead(status, { "content-type": "application/json", connection: "close" });
  res.end(JSON.stringify(body));
}

/**
 * ?graceful=true&grace_ms=N&goaway=single|double of /stop and /restart.
 * @param {URL} url
 * @returns {import("./broker.mjs").StopOptions}
 */
function stopOptions(url) {
  /** @type {import("./broker.mjs").StopOptions} */
  const opts = { graceful: url.searchParams.get("graceful") === "true" };
  const grace = url.searchParams.get("grace_ms");
  if (grace !== null) {
    opts.graceMs = Number(grace);
    if (!Number.isInteger(opts.graceMs) || opts.graceMs < 0) {
      throw new Error(`Invalid grace_ms: expected a whole number of milliseconds, got "${grace}"`);
    }
  }
  const goaway = url.searchParams.get("goaway");
  if (goaway === "single" || goaway === "double") opts.goaway = goaway;
  else if (goaway !== null) {
    throw new Error(`Invalid goaway: expected single or double, got "${goaway}"`);
  }
  return opts;
}

/** @param {http.IncomingMessage} req @param {http.ServerResponse} res */
async function handleControl(req, res) {
  const url = new URL(req.url ?? "/", "http://127.0.0.1");
  const route = `${req.method} ${url.pathname}`;
  req.resume();
  switch (route) {
    case "GET /subscribers": {
      const channel = url.searchParams.get("channel");
      if (!channel) return reply(res, 400, { error: 'Query parameter "channel" is required' });
      const n = Number(url.searchParams.get("n") ?? "1");
      const timeoutMs = Number(url.searchParams.get("timeout_ms") ?? "5000");
      try {
        return reply(res, 200, { count: await broker.waitForSubscribers(channel, n, timeoutMs) });
      } catch (err) {
        return reply(res, 408, {
          error: err instanceof Error ? err.message : String(err),
          count: broker.subscriberCount(channel),
        });
      }
    }
    case "POST /stop":
      await broker.stop(stopOptions(url));
      return reply(res, 200, { ok: true });
    case "POST /restart":
      await broker.restart(stopOptions(url));
      return reply(res, 200, { ok: true, port: broker.port });
    case "POST /end-streams":
      return reply(res, 200, { ended: broker.endStreams() });
    case "GET /stats":
      return reply(res, 200, broker.stats());
    case "GET /requests":
      return reply(res, 200, broker.requests(url.searchParams.get("channel")));
    case "GET /subscriptions":
      return reply(res, 200, broker.subscriptions(url.searchParams.get("channel")));
    case "GET /events":
      return reply(res, 200, broker.events(url.searchParams.get("channel")));
    case "GET /queue": {
      const channel = url.searchParams.get("channel");
      if (!channel) return reply(res, 400, { error: 'Query parameter "channel" is required' });
      return reply(res, 200, {
        ...broker.queueInfo(channel),
        stored: broker.storedEvents(channel),
      });
    }
    case "GET /records": {
      const channel = url.searchParams.get("channel");
      if (!channel) return reply(res, 400, { error: 'Query parameter "channel" is required' });
      return reply(res, 200, broker.records(channel));
    }
    default:
      return reply(res, 404, { error: `Unknown control route "${route}"` });
  }
}

const address = control?.address();
process.stdout.write(
  JSON.stringify({
    event: "listening",
    host: args.host,
    port: broker.port,
    tls: Boolean(options.tls),
    controlPort: address && typeof address === "object" ? address.port : null,
  }) + "\n",
);

let shuttingDown = false;
/** @param {string} signal */
async function shutdown(signal) {
  if (shuttingDown) return;
  shuttingDown = true;
  log(`${signal}: shutting down`);
  control?.closeAllConnections();
  control?.close();
  await broker.close();
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
