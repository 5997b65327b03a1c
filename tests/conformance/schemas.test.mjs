// Every object opsdeck-sim returns validates against the Kubernetes schemas (kubernetes-models), as do its
// lists, discovery documents, Status errors, Scale and SelfSubjectAccessReview answers.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as core from "kubernetes-models/v1";
import * as apps from "kubernetes-models/apps/v1";
import * as autoscalingV1 from "kubernetes-models/autoscaling/v1";
import * as autoscaling from "kubernetes-models/autoscaling/v2";
import * as networking from "kubernetes-models/networking.k8s.io/v1";
import * as meta from "@kubernetes-models/apimachinery/apis/meta/v1";
import { HTTPRoute } from "@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1";
import { startSim, rawGet } from "./sim.mjs";

const NS = "microservices";
const kinds = [
  ["/api/v1/namespaces", core.NamespaceList, core.Namespace],
  [`/api/v1/namespaces/${NS}/pods`, core.PodList, core.Pod],
  [`/api/v1/namespaces/${NS}/services`, core.ServiceList, core.Service],
  [`/api/v1/namespaces/${NS}/events`, core.EventList, core.Event],
  [`/api/v1/namespaces/${NS}/secrets`, core.SecretList, core.Secret],
  [`/api/v1/namespaces/${NS}/configmaps`, core.ConfigMapList, core.ConfigMap],
  [`/apis/apps/v1/namespaces/${NS}/deployments`, apps.DeploymentList, apps.Deployment],
  [`/apis/apps/v1/namespaces/${NS}/replicasets`, apps.ReplicaSetList, apps.ReplicaSet],
  [`/apis/autoscaling/v2/namespaces/${NS}/horizontalpodautoscalers`, autoscaling.HorizontalPodAutoscalerList, autoscaling.HorizontalPodAutoscaler],
  [`/apis/networking.k8s.io/v1/namespaces/${NS}/ingresses`, networking.IngressList, networking.Ingress],
  [`/apis/gateway.networking.k8s.io/v1/namespaces/${NS}/httproutes`, null, HTTPRoute],
];

const validate = (Model, obj, where) => {
  try { new Model(obj).validate(); }
  catch (e) { assert.fail(`${where}: ${e.message}\n${JSON.stringify(obj).slice(0, 400)}`); }
};

test("every served object and list validates against the Kubernetes schemas", async () => {
  const sim = await startSim();
  try {
    for (const [path, ListModel, Model] of kinds) {
      const { status, body } = await rawGet(sim.kc, path);
      assert.equal(status, 200, path);
      // The gateway-api models ship no list type: check a list's envelope by the item's kind.
      assert.equal(body.kind, ListModel ? ListModel.kind : `${Model.kind}List`, `${path} list kind`);
      assert.equal(body.apiVersion, Model.apiVersion, `${path} list apiVersion`);
      assert.ok(body.items.length > 0, `${path} has items`);
      assert.match(body.metadata.resourceVersion, /^\d+$/, `${path} list resourceVersion`);
      if (ListModel) validate(ListModel, body, path);
      for (const item of body.items) {
        // Items in a list carry no kind/apiVersion on the wire; the model needs them.
        validate(Model, { ...item, kind: Model.kind, apiVersion: Model.apiVersion }, `${path} ${item.metadata?.name}`);
      }
      const one = body.items[0];
      const single = await rawGet(sim.kc, `${path}/${one.metadata.name}`);
      assert.equal(single.status, 200, `${path}/${one.metadata.name}`);
      assert.equal(single.body.kind, Model.kind);
      validate(Model, single.body, `${path}/${one.metadata.name}`);
    }
  } finally {
    await sim.stop();
  }
});

test("discovery, Status errors and the scale subresource validate", async () => {
  const sim = await startSim();
  try {
    const api = await rawGet(sim.kc, "/api");
    validate(meta.APIVersions, api.body, "/api");
    const apis = await rawGet(sim.kc, "/apis");
    validate(meta.APIGroupList, apis.body, "/apis");
    for (const gv of ["/api/v1", "/apis/apps/v1", "/apis/autoscaling/v2", "/apis/networking.k8s.io/v1",
                      "/apis/gateway.networking.k8s.io/v1", "/apis/metrics.k8s.io/v1beta1", "/apis/authorization.k8s.io/v1"]) {
      const r = await rawGet(sim.kc, gv);
      assert.equal(r.status, 200, gv);
      validate(meta.APIResourceList, r.body, gv);
    }
    const missing = await rawGet(sim.kc, `/api/v1/namespaces/${NS}/pods/no-such-pod`);
    assert.equal(missing.status, 404);
    validate(meta.Status, missing.body, "404 Status");
    assert.equal(missing.body.reason, "NotFound");
    assert.equal(missing.body.code, 404);
    const scale = await rawGet(sim.kc, `/apis/apps/v1/namespaces/${NS}/deployments/productservice-stable/scale`);
    assert.equal(scale.status, 200);
    validate(autoscalingV1.Scale, scale.body, "deployments/scale");
    assert.ok(scale.body.spec.replicas >= 1);
  } finally {
    await sim.stop();
  }
});
