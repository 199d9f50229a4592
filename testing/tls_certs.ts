/**
 * Test certificates made with openssl: a private CA, server certificates signed by it, and an
 * unrelated second CA. For the TLS tests of the KubeMQ clients and sources.
 */

const dec = new TextDecoder();

async function openssl(dir: string, ...args: string[]): Promise<void> {
  const out = await new Deno.Command("openssl", { args, cwd: dir, stdout: "null", stderr: "piped" })
    .output();
  if (!out.success) throw new Error(`openssl ${args[0]} failed: ${dec.decode(out.stderr)}`);
}

/** Makes a key and a certificate signed by `ca`.pem with the given subjectAltName. */
async function serverCert(dir: string, name: string, ca: string, san: string): Promise<void> {
  await openssl(
    dir,
    ..."req -newkey rsa:2048 -nodes -subj /CN=kubemq-test".split(" "),
    ...["-keyout", `${name}.key`, "-out", `${name}.csr`],
  );
  await Deno.writeTextFile(`${dir}/${name}.cnf`, `subjectAltName=${san}\n`);
  await openssl(
    dir,
    ..."x509 -req -days 2 -CAcreateserial".split(" "),
    ...["-in", `${name}.csr`, "-CA", `${ca}.pem`, "-CAkey", `${ca}.key`],
    ...["-out", `${name}.pem`, "-extfile", `${name}.cnf`],
  );
}

/**
 * A CA; a server certificate for 127.0.0.1 (and localhost, for the test sender, which needs a
 * host name under Deno) signed by it; one for localhost only; and an unrelated second CA.
 */
export async function makeCerts(dir: string) {
  for (const ca of ["ca", "other-ca"]) {
    await openssl(
      dir,
      ..."req -x509 -newkey rsa:2048 -nodes -days 2".split(" "),
      ...["-keyout", `${ca}.key`, "-out", `${ca}.pem`, "-subj", `/CN=${ca}`],
    );
  }
  await serverCert(dir, "server", "ca", "IP:127.0.0.1,DNS:localhost");
  await serverCert(dir, "dns-only", "ca", "DNS:localhost");
  const file = (name: string) => `${dir}/${name}`;
  return {
    ca: file("ca.pem"),
    otherCa: file("other-ca.pem"),
    server: { certFile: file("server.pem"), keyFile: file("server.key") },
    dnsOnly: { certFile: file("dns-only.pem"), keyFile: file("dns-only.key") },
  };
}
