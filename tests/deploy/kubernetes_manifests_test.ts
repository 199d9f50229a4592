/**
 * The example Kubernetes manifests are consistent with the connector and each other: the
 * ConfigMap's config.yaml is valid for the real config parser, every `${VAR}` it uses is set by
 * the Deployment from the Secret (under a name the sandboxed worker cannot read), probes and
 * ports match the config, and the pod runs non-root, read-only, with no capabilities.
 */
import assert from "node:assert/strict";
import { parseAllDocuments } from "yaml";
import { parseConfigText } from "../../lib/config/config.ts";
import { kindRegistry } from "../../lib/kind_registry.ts";
import { deriveAllowList, LIBRARY_ENV } from "../../lib/sandbox/allow_list.ts";

const dir = decodeURIComponent(new URL("../../deploy/kubernetes/", import.meta.url).pathname);

// deno-lint-ignore no-explicit-any
type Doc = Record<string, any>;

function manifests(): Doc[] {
  const docs: Doc[] = [];
  for (const entry of Deno.readDirSync(dir)) {
    if (!entry.name.endsWith(".yaml") || entry.name === "kustomization.yaml") continue;
    for (const d of parseAllDocuments(Deno.readTextFileSync(dir + entry.name))) {
      assert.deepEqual(d.errors, [], entry.name);
      docs.push(d.toJS() as Doc);
    }
  }
  return docs;
}

const all = manifests();
const one = (kind: string): Doc => {
  const found = all.filter((d) => d.kind === kind);
  assert.equal(found.length, 1, `one ${kind}`);
  return found[0]!;
};
const deployment = one("Deployment");
const configMap = one("ConfigMap");
const secret = one("Secret");
const pod = deployment.spec.template.spec;
const container = pod.containers[0];
const configText: string = configMap.data["config.yaml"];
const secretEnv: Record<string, string> = secret.stringData;

/** Turns a Deno env permission pattern (`AWS_*`) into a test. */
const envPattern = (p: string) => new RegExp(`^${p.replace("*", ".*")}$`);

Deno.test("kustomization lists every manifest of the folder", () => {
  const kustomization = parseAllDocuments(Deno.readTextFileSync(`${dir}kustomization.yaml`))[0]!
    .toJS() as Doc;
  const files = [...Deno.readDirSync(dir)].map((e) => e.name)
    .filter((n) => n.endsWith(".yaml") && n !== "kustomization.yaml").sort();
  assert.deepEqual([...kustomization.resources].sort(), files);
});

Deno.test("ConfigMap config.yaml is valid with the Secret's values; every ${VAR} comes from the Secret", () => {
  const parsed = parseConfigText(configText, { env: secretEnv, kinds: kindRegistry });
  assert.deepEqual(parsed.warnings, []);
  assert.deepEqual(parsed.envVarsUsed, Object.keys(secretEnv).sort());
  const env: { name: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[] =
    container.env;
  for (const name of parsed.envVarsUsed) {
    const e = env.find((x) => x.name === name);
    assert.deepEqual(e?.valueFrom?.secretKeyRef, { name: secret.metadata.name, key: name });
  }
  // The launcher expands these; the worker's env allow-list must not match them.
  for (const name of parsed.envVarsUsed) {
    assert.equal(LIBRARY_ENV.some((p) => envPattern(p).test(name)), false, name);
  }
  const target = parsed.config.bindings[0]!.target.options as Record<string, unknown>;
  assert.equal(target.aws_secret_key, secretEnv.S3_SECRET_KEY);
});

Deno.test("Deployment runs 2 replicas in one KubeMQ group, each with its own client id, giving up on a lost broker", () => {
  assert.equal(deployment.spec.replicas, 2);
  const { config } = parseConfigText(configText, { env: secretEnv, kinds: kindRegistry });
  for (const b of config.bindings) {
    const source = b.source.options as Record<string, unknown>;
    assert.equal(source.group, "kubemq-s3");
    // Unset: each replica makes up kubemq-s3-<random>.
    assert.equal(b.source.properties.client_id, undefined);
    // Bounded, so that a lost KubeMQ ends in a pod restart (and a fresh allow-list).
    assert.ok(Number(source.max_reconnects) > 0);
  }
});

Deno.test("Deployment probes /health and /ready on the config's API port, mounted where the image reads the config", () => {
  const { config } = parseConfigText(configText, { env: secretEnv, kinds: kindRegistry });
  assert.equal(config.apiHost, "0.0.0.0");
  assert.deepEqual(container.ports, [{ name: "http", containerPort: config.apiPort }]);
  assert.deepEqual(container.livenessProbe.httpGet, { path: "/health", port: "http" });
  assert.deepEqual(container.startupProbe.httpGet, { path: "/health", port: "http" });
  assert.deepEqual(container.readinessProbe.httpGet, { path: "/ready", port: "http" });
  // Same path as the Dockerfile's CMD.
  assert.deepEqual(container.args, ["--config", "/etc/kubemq-s3/config.yaml"]);
  const mount = container.volumeMounts.find((m: Doc) => m.name === "config");
  assert.deepEqual(mount, { name: "config", mountPath: "/etc/kubemq-s3", readOnly: true });
  const volume = pod.volumes.find((v: Doc) => v.name === "config");
  assert.equal(volume.configMap.name, configMap.metadata.name);
  assert.ok(pod.terminationGracePeriodSeconds > config.drainTimeoutSeconds);
});

Deno.test("Deployment runs non-root with a read-only root, no privilege escalation, no capabilities, and resource requests", () => {
  assert.equal(pod.securityContext.runAsNonRoot, true);
  assert.equal(pod.securityContext.runAsUser, 65532);
  assert.equal(pod.automountServiceAccountToken, false);
  assert.deepEqual(container.securityContext, {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    privileged: false,
    capabilities: { drop: ["ALL"] },
  });
  assert.match(container.resources.requests.cpu, /^\d+m$/);
  assert.match(container.resources.requests.memory, /^\d+Mi$/);
  assert.match(container.resources.limits.memory, /^\d+Mi$/);
  // The image's USER is the same non-root user.
  const dockerfile = Deno.readTextFileSync(new URL("../../Dockerfile", import.meta.url));
  assert.match(dockerfile, /^USER 65532:65532$/m);
});

Deno.test("the example config's allow-list is the KubeMQ service, AWS S3 in eu-west-1 and the API port", async () => {
  const { config } = parseConfigText(configText, { env: secretEnv, kinds: kindRegistry });
  const allow = await deriveAllowList(config, {
    resolve: (host) =>
      Promise.resolve(
        host === "kubemq-cluster-grpc.kubemq.svc.cluster.local" ? ["10.96.0.50"] : [],
      ),
    env: (name) => ({ HOME: "/home/nonroot" } as Record<string, string>)[name],
  });
  assert.deepEqual(allow.net, [
    "*.s3.eu-west-1.amazonaws.com:443",
    "0.0.0.0:8080",
    // The service's host:port only: the KubeMQ client connects by name (not by its address).
    "kubemq-cluster-grpc.kubemq.svc.cluster.local:50000",
    "s3.eu-west-1.amazonaws.com:443",
  ]);
  // Keys come from the Secret: no credential endpoints, no ~/.aws.
  assert.deepEqual(allow.read, []);
});

/**
 * The worst peak of two large objects at once through any source kind, scaled to the largest
 * object (74 MiB), from the probe's output in bench/results/kinds_memory.txt: a section
 * `== kind K [size S] parallel N`, its `kubemq.K: idle RSS X MiB` and `upload ...: peak P MiB` lines.
 */
function _worstTwoAtOnce(text: string): { kind: string; mib: number } {
  let worst = { kind: "", mib: 0 };
  let section: { kind: string; size: number; parallel: number; idle: number } | null = null;
  for (const line of text.split("\n")) {
    const head = /^== kind (\S+)(?: size (\d+))? parallel (\d+)$/.exec(line);
    if (head) {
      section = { kind: head[1]!, size: Number(head[2] ?? 64), parallel: Number(head[3]), idle: 0 };
      continue;
    }
    const idle = /^kubemq\.\S+: idle RSS (\d+) MiB$/.exec(line);
    if (idle && section) section.idle = Number(idle[1]);
    const peak = /^upload .*, peak (\d+) MiB,/.exec(line);
    if (peak && section?.parallel === 2) {
      const mib = section.idle + (Number(peak[1]) - section.idle) * 74 / section.size;
      if (mib > worst.mib) worst = { kind: section.kind, mib };
    }
  }
  return worst;
}

Deno.test("the memory limit is derived from the worst kind's measured peak for two 74 MiB objects at once", () => {
  const results = Deno.readTextFileSync(
    new URL("../../bench/results/kinds_memory.txt", import.meta.url),
  );
  const worst = _worstTwoAtOnce(results);
  // Every kind was measured two at once.
  for (const kind of ["query", "command", "queue", "events"]) {
    assert.match(results, new RegExp(`^== kind ${kind}( size \\d+)? parallel 2$`, "m"), kind);
  }
  // docs/reliability.md, "Known limits": the worst peak plus 20 %, rounded up to 128 MiB.
  const derived = Math.ceil(worst.mib * 1.2 / 128) * 128;
  assert.equal(
    container.resources.limits.memory,
    `${derived}Mi`,
    `worst: ${JSON.stringify(worst)}`,
  );
});
