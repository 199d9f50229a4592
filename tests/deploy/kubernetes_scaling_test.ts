/**
 * The example's scaling and disruption manifests agree with the Deployment and the connector's
 * config: the PodDisruptionBudget and the HorizontalPodAutoscaler select the Deployment's pods,
 * one eviction never takes the group's last subscribed member, a removed pod's drain fits in its
 * termination grace period, each query's deadline fits in the drain, the readiness probe sees a
 * draining pod before it is gone, and scale-down removes one pod at a time. Each rule is also
 * shown failing on a manifest that breaks it.
 */
import assert from "node:assert/strict";
import { parseAllDocuments } from "yaml";
import { parseConfigText } from "../../lib/config/config.ts";
import { kindRegistry } from "../../lib/kind_registry.ts";

const dir = decodeURIComponent(new URL("../../deploy/kubernetes/", import.meta.url).pathname);

// deno-lint-ignore no-explicit-any
type Doc = Record<string, any>;

/** The folder's manifests by kind (one of each). */
function manifests(): Record<string, Doc> {
  const byKind: Record<string, Doc> = {};
  for (const entry of Deno.readDirSync(dir)) {
    if (!entry.name.endsWith(".yaml") || entry.name === "kustomization.yaml") continue;
    for (const d of parseAllDocuments(Deno.readTextFileSync(dir + entry.name))) {
      const doc = d.toJS() as Doc;
      assert.equal(byKind[doc.kind], undefined, `one ${doc.kind}`);
      byKind[doc.kind] = doc;
    }
  }
  return byKind;
}

/** Seconds the connector may still need after its drain ends: close streams, flush, exit. */
const EXIT_MARGIN_SECONDS = 10;

/** Every way the manifests disagree, one sentence each; empty when they agree. */
function disagreements(m: Record<string, Doc>): string[] {
  const out: string[] = [];
  const check = (ok: boolean, why: string) => {
    if (!ok) out.push(why);
  };
  const deployment = m.Deployment!;
  const pdb = m.PodDisruptionBudget;
  const hpa = m.HorizontalPodAutoscaler;
  const pod = deployment.spec.template.spec;
  const container = pod.containers[0];
  const podLabels: Record<string, string> = deployment.spec.template.metadata.labels;
  const selects = (sel: Record<string, string> | undefined) =>
    sel !== undefined && Object.keys(sel).length > 0 &&
    Object.entries(sel).every(([k, v]) => podLabels[k] === v);
  const secret = m.Secret!.stringData as Record<string, string>;
  const { config } = parseConfigText(m.ConfigMap!.data["config.yaml"], {
    env: secret,
    kinds: kindRegistry,
  });
  const drain = config.drainTimeoutSeconds;
  const grace = pod.terminationGracePeriodSeconds;

  check(pdb !== undefined, "no PodDisruptionBudget");
  check(hpa !== undefined, "no HorizontalPodAutoscaler");
  if (!pdb || !hpa) return out;
  check(selects(pdb.spec.selector?.matchLabels), "the PodDisruptionBudget selects other pods");
  check(
    hpa.spec.scaleTargetRef.kind === "Deployment" &&
      hpa.spec.scaleTargetRef.name === deployment.metadata.name,
    "the autoscaler scales another workload",
  );
  check(
    hpa.spec.minReplicas === deployment.spec.replicas,
    `the autoscaler's minReplicas ${hpa.spec.minReplicas} is not the Deployment's ${deployment.spec.replicas}`,
  );
  // One eviction must leave a subscribed member, and must always be allowed.
  const away = pdb.spec.maxUnavailable ?? hpa.spec.minReplicas - pdb.spec.minAvailable;
  check(
    away >= 1 && hpa.spec.minReplicas - away >= 1,
    `the budget lets ${away} of ${hpa.spec.minReplicas} go at once`,
  );
  const cpu = hpa.spec.metrics.find((x: Doc) => x.resource?.name === "cpu");
  check(cpu !== undefined, "the autoscaler does not scale on CPU");
  check(
    /^\d+m$/.test(container.resources?.requests?.cpu ?? ""),
    "CPU utilization needs the container's CPU request",
  );
  // The drain: SIGTERM -> /ready 503 -> unsubscribe -> answer what is in flight -> exit.
  check(
    grace >= drain + EXIT_MARGIN_SECONDS,
    `terminationGracePeriodSeconds ${grace} < drainTimeoutSeconds ${drain} + ${EXIT_MARGIN_SECONDS}`,
  );
  for (const b of config.bindings) {
    const deadline = b.middleware.request_timeout_seconds;
    check(
      deadline > 0 && deadline <= drain,
      `binding ${b.name}: request_timeout_seconds ${deadline} does not fit the ${drain} s drain`,
    );
  }
  const ready = container.readinessProbe;
  check(
    ready.periodSeconds * ready.failureThreshold < drain,
    "the readiness probe would not see a draining pod before its drain ends",
  );
  const rolling = deployment.spec.strategy?.rollingUpdate;
  check(
    deployment.spec.strategy?.type === "RollingUpdate" && rolling?.maxUnavailable === 0,
    "a rolling update may stop a replica before its successor is ready (subscribed)",
  );
  const down = hpa.spec.behavior?.scaleDown?.policies ?? [];
  check(
    down.length > 0 &&
      down.every((p: Doc) => p.type === "Pods" && p.value === 1 && p.periodSeconds >= grace),
    "scale-down may remove a pod before the last one removed has drained",
  );
  return out;
}

Deno.test("the PodDisruptionBudget, the autoscaler, the drain and the readiness probe agree", () => {
  assert.deepEqual(disagreements(manifests()), []);
});

Deno.test("each agreement rule fails a manifest that breaks it", () => {
  const breaks: [string, (m: Record<string, Doc>) => void, RegExp][] = [
    ["no budget", (m) => delete m.PodDisruptionBudget, /no PodDisruptionBudget/],
    ["budget selector", (m) => {
      m.PodDisruptionBudget!.spec.selector.matchLabels = { app: "other" };
    }, /selects other pods/],
    ["autoscaler target", (m) => {
      m.HorizontalPodAutoscaler!.spec.scaleTargetRef.name = "other";
    }, /scales another workload/],
    ["minReplicas", (m) => {
      m.HorizontalPodAutoscaler!.spec.minReplicas = 1;
    }, /minReplicas 1/],
    ["budget too loose", (m) => {
      m.PodDisruptionBudget!.spec.maxUnavailable = 2;
    }, /lets 2 of 2 go/],
    ["no CPU request", (m) => {
      delete m.Deployment!.spec.template.spec.containers[0].resources.requests.cpu;
    }, /CPU request/],
    ["grace shorter than the drain", (m) => {
      m.Deployment!.spec.template.spec.terminationGracePeriodSeconds = 30;
    }, /terminationGracePeriodSeconds 30 < drainTimeoutSeconds 30/],
    ["query deadline longer than the drain", (m) => {
      m.ConfigMap!.data["config.yaml"] = m.ConfigMap!.data["config.yaml"]
        .replace('request_timeout_seconds: "25"', 'request_timeout_seconds: "60"');
    }, /request_timeout_seconds 60 does not fit/],
    ["slow readiness", (m) => {
      m.Deployment!.spec.template.spec.containers[0].readinessProbe.failureThreshold = 10;
    }, /readiness probe/],
    ["maxUnavailable 1", (m) => {
      m.Deployment!.spec.strategy.rollingUpdate.maxUnavailable = 1;
    }, /rolling update/],
    ["fast scale-down", (m) => {
      m.HorizontalPodAutoscaler!.spec.behavior.scaleDown.policies[0].value = 2;
    }, /scale-down/],
  ];
  for (const [name, breakIt, why] of breaks) {
    const m = manifests();
    breakIt(m);
    const found = disagreements(m);
    assert.ok(found.some((d) => why.test(d)), `${name}: ${JSON.stringify(found)}`);
  }
});
