// @kubernetes/client-node's informer (list + watch) sees ADDED, MODIFIED and DELETED while a deployment
// scales up and down in opsdeck-sim.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as k8s from "@kubernetes/client-node";
import { startSim } from "./sim.mjs";

const NS = "microservices";
const until = async (what, pred, ms = 60000) => {
  const end = Date.now() + ms;
  while (Date.now() < end) { if (pred()) return; await new Promise((r) => setTimeout(r, 200)); }
  assert.fail(`timed out waiting for ${what}`);
};

test("informer sees pods added, modified and deleted while a deployment scales", async () => {
  const sim = await startSim();
  try {
    const core = sim.kc.makeApiClient(k8s.CoreV1Api);
    const apps = sim.kc.makeApiClient(k8s.AppsV1Api);
    const selector = "app=orderservice,version=canary";
    const informer = k8s.makeInformer(sim.kc, `/api/v1/namespaces/${NS}/pods`,
      () => core.listNamespacedPod({ namespace: NS, labelSelector: selector }), selector);
    const seen = { add: new Set(), update: new Set(), delete: new Set() };
    const errors = [];
    informer.on("add", (p) => seen.add.add(p.metadata.name));
    informer.on("update", (p) => seen.update.add(p.metadata.name));
    informer.on("delete", (p) => seen.delete.add(p.metadata.name));
    informer.on("error", (e) => errors.push(e));
    await informer.start();
    const initial = informer.list().length;
    assert.ok(initial >= 1, "the informer's first list holds the canary pods");

    const dep = await apps.readNamespacedDeployment({ name: "orderservice-canary", namespace: NS });
    dep.spec.replicas = initial + 3;
    await apps.replaceNamespacedDeployment({ name: "orderservice-canary", namespace: NS, body: dep });
    await until("three new pods", () => seen.add.size >= initial + 3);
    await until("a new pod to be modified (becoming ready)", () => [...seen.update].some((n) => seen.add.has(n)));

    const again = await apps.readNamespacedDeployment({ name: "orderservice-canary", namespace: NS });
    again.spec.replicas = 1;
    await apps.replaceNamespacedDeployment({ name: "orderservice-canary", namespace: NS, body: again });
    await until("pods deleted on scale-down", () => seen.delete.size >= initial + 2);
    await until("the cache to settle at one pod", () => informer.list().length === 1);
    const errorsWhileRunning = [...errors];
    await informer.stop(); // stopping aborts the watch request, which the informer reports as an error
    assert.deepEqual(errorsWhileRunning, [], "no watch errors");
  } finally {
    await sim.stop();
  }
});

test("a stale resourceVersion on update is a 409 Conflict", async () => {
  const sim = await startSim();
  try {
    const apps = sim.kc.makeApiClient(k8s.AppsV1Api);
    const dep = await apps.readNamespacedDeployment({ name: "productservice-canary", namespace: NS });
    const stale = structuredClone(dep);
    dep.metadata.labels = { ...dep.metadata.labels, touched: "yes" };
    await apps.replaceNamespacedDeployment({ name: "productservice-canary", namespace: NS, body: dep });
    stale.metadata.labels = { ...stale.metadata.labels, touched: "stale" };
    await assert.rejects(apps.replaceNamespacedDeployment({ name: "productservice-canary", namespace: NS, body: stale }),
      (e) => e.code === 409 || /409|Conflict/.test(String(e)));
  } finally {
    await sim.stop();
  }
});
