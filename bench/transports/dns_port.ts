/**
 * Lets grpc-js resolve the broker's host name when the sandbox allows only `host:port`.
 *
 * Deno checks a name lookup against `--allow-net` (a worker's `net` list). `dns.lookup` in Deno
 * takes a `port` option (a Deno addition, which its `node:net` uses when it connects) and then
 * checks `host:port`; without it, the check is against the bare host, which only an entry
 * allowing every port of that host passes. grpc-js calls `dns.promises.lookup(host, {all})`,
 * without a port, so the sandbox used to list the bare name: the worker could reach any port of
 * the broker's host. Measured under Deno 2.9.6 with `--allow-net=localhost:4000`:
 * `dns.promises.lookup("localhost")` fails with EPERM (it ignores `port`),
 * `dns.lookup("localhost", {port: 4000}, cb)` resolves, `{port: 4001}` fails with EPERM.
 *
 * So the lookups of registered broker hosts go through `dns.lookup` with the broker's port: the
 * sandbox lists `host:port` (and the addresses it resolved to, with that port), nothing more.
 * grpc-js reaches `dns.promises.lookup` through the same `node:dns` module object (the main
 * thread and each worker have their own), which is where the wrapper goes. Other lookups are
 * untouched.
 *
 * @module
 */
import dns from "node:dns";

const INSTALLED = Symbol.for("kubemq-s3.dnsPort");
/** Host name -> the broker port its lookups are checked against. */
const ports = new Map<string, number>();

type LookupAll = (
  hostname: string,
  options?: dns.LookupOptions,
) => Promise<dns.LookupAddress[] | dns.LookupAddress>;

/**
 * Makes later lookups of `host` carry `port`, so that an allow-list entry `host:port` covers
 * them. Installs the wrapper on first use. IP literals need no lookup and are ignored.
 */
export function lookupWithPort(host: string, port: number): void {
  if (dns.promises === undefined) return;
  ports.set(host.toLowerCase(), port);
  const promises = dns.promises as unknown as { lookup: LookupAll; [INSTALLED]?: true };
  if (promises[INSTALLED]) return;
  const original = promises.lookup;
  promises.lookup = function (this: unknown, hostname, options) {
    const port = typeof hostname === "string" ? ports.get(hostname.toLowerCase()) : undefined;
    if (port === undefined) return Reflect.apply(original, this, [hostname, options]);
    const opts = { ...(typeof options === "object" ? options : {}), port };
    return new Promise((resolve, reject) => {
      dns.lookup(hostname, opts as dns.LookupOptions, (err, address, family) => {
        if (err) return reject(err);
        resolve(Array.isArray(address) ? address : { address, family: family ?? 4 });
      });
    });
  } as LookupAll;
  promises[INSTALLED] = true;
}
