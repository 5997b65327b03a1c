// Drives the simulated control plane on a manual clock: scaling, rollouts, rollbacks, restarts,
// pod replacement, crash loops, canary weights, metrics and determinism.

#include "simfixture.h"

#include "controllers/deploymentcontroller.h"
#include "scenario.h"

#include <QElapsedTimer>
#include <QTest>

#include <set>

using sim::Json;
namespace kube = sim::kube;

namespace {

const char *kShop = R"(
name: test
nodes: 2
traffic: {dailyAmplitude: 0, noise: 0}
services:
  - name: shop
    routing: ingress
    canaryWeight: 20
    traffic: {baseRps: 10, cpuPerRequest: 1, idleCpu: 5}
    stable: {version: 1.0.2, replicas: 2, history: [0.9.0, 1.0.0]}
    canary: {version: 1.1.0-rc1, replicas: 1}
  - name: mail
    routing: httproute
    canaryWeight: 30
    traffic: {baseRps: 10, cpuPerRequest: 1, idleCpu: 5}
    stable: {version: 3.0.0, replicas: 1}
    canary: {version: 3.1.0, replicas: 1}
)";

std::string image(const Json &object)
{
    return object["spec"]["template"]["spec"]["containers"][0].value("image", std::string());
}

std::vector<std::string> names(const std::vector<Json> &objects)
{
    std::vector<std::string> out;
    for (const auto &o : objects)
        out.push_back(kube::name(o));
    return out;
}

} // namespace

class tst_Simulation : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void seedScenarioBuildsTheEstate();
    void steadyEstateIsNotTouched();
    void scaleUpCreatesReadyPods();
    void scaleDownTerminatesPods();
    void templateChangeRollsOutNewRevision();
    void rollbackReusesOldReplicaSet();
    void restartMakesNewReplicaSet();
    void pausedDeploymentDoesNotRollOut();
    void deletedPodIsReplaced();
    void deploymentCreatedThroughTheApiRollsOut();
    void brokenTrackCrashLoops();
    void canaryWeightIsReadFromTheStore();
    void metricsFollowRunningPods();
    void sameSeedSameNames();
    void largeScenarioLoadsQuickly();
};

void tst_Simulation::seedScenarioBuildsTheEstate()
{
    SimFixture f({}, 1, std::string(OPSDECK_SIM_SCENARIO_DIR) + "/seed.yaml");
    QCOMPARE(f.ns(), std::string("microservices"));
    QCOMPARE(f.simulation->serviceNames(),
             (std::vector<std::string>{"productservice", "orderservice", "notificationservice"}));
    QCOMPARE(f.list("deployments.apps").size(), std::size_t(6));
    QCOMPARE(f.list("pods").size(), std::size_t(3 + 1 + 4 + 1 + 2 + 1));
    QCOMPARE(f.list("horizontalpodautoscalers.autoscaling").size(), std::size_t(3));
    QCOMPARE(f.list("ingresses.networking.k8s.io").size(), std::size_t(4));
    QCOMPARE(f.list("httproutes.gateway.networking.k8s.io").size(), std::size_t(1));
    QCOMPARE(f.list("secrets").size(), std::size_t(3));
    QCOMPARE(f.list("configmaps").size(), std::size_t(1));
    QVERIFY(!f.list("events").empty());

    // Stable history: revisions 1..4, only the newest scaled up, hashes as the controller computes them.
    const Json deployment = f.get("deployments.apps", "productservice-stable");
    QCOMPARE(kube::annotation(deployment, kube::kRevision), std::string("4"));
    QCOMPARE(image(deployment), std::string("opsdeckdemo.azurecr.io/productservice:1.4.2"));
    auto sets = f.replicaSetsOf("productservice-stable");
    QCOMPARE(sets.size(), std::size_t(4));
    std::set<std::int64_t> revisions;
    for (const auto &rs : sets) {
        revisions.insert(kube::revision(rs));
        QCOMPARE(kube::controllerUid(rs), kube::uid(deployment));
        QCOMPARE(kube::label(rs, kube::kTemplateHash), kube::templateHash(rs["spec"]["template"], 0));
        QCOMPARE(kube::name(rs), "productservice-stable-" + kube::label(rs, kube::kTemplateHash));
        const bool current = kube::revision(rs) == 4;
        QCOMPARE(rs["spec"].value("replicas", -1), current ? 3 : 0);
        QCOMPARE(sim::DeploymentController::sameTemplate(rs["spec"]["template"], deployment["spec"]["template"]),
                 current);
    }
    QCOMPARE(revisions, (std::set<std::int64_t>{1, 2, 3, 4}));
    QVERIFY(f.rolloutDone("productservice-stable"));

    // Pods: running and ready on the node pool, owned by their ReplicaSet.
    for (const auto &pod : f.list("pods")) {
        QVERIFY(kube::podReady(pod));
        QCOMPARE(kube::str(pod, "status", "phase"), std::string("Running"));
        QVERIFY(kube::str(pod, "spec", "nodeName").rfind("aks-nodepool1-", 0) == 0);
        QVERIFY(!kube::str(pod, "status", "podIP").empty());
        QCOMPARE(kube::str(pod, "status", "qosClass"), std::string("Burstable"));
        QVERIFY(kube::parseTime(kube::str(pod, "status", "startTime")).has_value());
        QCOMPARE(pod["metadata"]["ownerReferences"][0].value("kind", std::string()), std::string("ReplicaSet"));
    }
    const Json canary = f.get("ingresses.networking.k8s.io", "productservice-canary");
    QCOMPARE(kube::annotation(canary, "nginx.ingress.kubernetes.io/canary"), std::string("true"));
    QCOMPARE(kube::annotation(canary, "nginx.ingress.kubernetes.io/canary-weight"), std::string("10"));
    const Json route = f.get("httproutes.gateway.networking.k8s.io", "notificationservice");
    QCOMPARE(route["spec"]["rules"][0]["backendRefs"][1].value("weight", 0), 10);
    const Json hpa = f.get("horizontalpodautoscalers.autoscaling", "orderservice");
    QCOMPARE(hpa["spec"].value("minReplicas", 0), 3);
    QCOMPARE(hpa["spec"].value("maxReplicas", 0), 20);
    QCOMPARE(hpa["spec"]["behavior"]["scaleDown"].value("stabilizationWindowSeconds", 0), 300);
}

void tst_Simulation::steadyEstateIsNotTouched()
{
    SimFixture f(kShop);
    f.run(2);
    const auto before = f.store.list("pods", f.ns());
    const auto rsBefore = f.store.list("replicasets.apps", f.ns());
    const auto dBefore = f.store.list("deployments.apps", f.ns());
    f.run(20);
    QCOMPARE(f.store.list("pods", f.ns()), before);
    QCOMPARE(f.store.list("replicasets.apps", f.ns()), rsBefore);
    QCOMPARE(f.store.list("deployments.apps", f.ns()), dBefore);
}

void tst_Simulation::scaleUpCreatesReadyPods()
{
    SimFixture f(kShop);
    f.modify("deployments.apps", "shop-stable", [](Json &d) { d["spec"]["replicas"] = 5; });
    QVERIFY(f.runUntil([&] { return f.rolloutDone("shop-stable"); }, 60));
    QCOMPARE(f.readyActive("shop", "stable"), 5);
    const auto current = f.get("deployments.apps", "shop-stable");
    QCOMPARE(current["status"].value("readyReplicas", 0), 5);
    for (const auto &pod : f.podsOf("shop", "stable"))
        QVERIFY(kube::name(pod).rfind("shop-stable-" + kube::label(pod, kube::kTemplateHash) + "-", 0) == 0);
    bool scaledEvent = false;
    for (const auto &e : f.list("events"))
        scaledEvent = scaledEvent
            || (e.value("reason", std::string()) == "ScalingReplicaSet"
                && e.value("message", std::string()).find("from 2 to 5") != std::string::npos);
    QVERIFY(scaledEvent);
}

void tst_Simulation::scaleDownTerminatesPods()
{
    SimFixture f(kShop);
    f.modify("deployments.apps", "shop-stable", [](Json &d) { d["spec"]["replicas"] = 1; });
    f.run(1);
    int terminating = 0;
    for (const auto &pod : f.podsOf("shop", "stable"))
        terminating += kube::podTerminating(pod) ? 1 : 0;
    QCOMPARE(terminating, 1);
    QVERIFY(f.runUntil([&] { return f.podsOf("shop", "stable").size() == 1 && f.rolloutDone("shop-stable"); }, 30));
}

void tst_Simulation::templateChangeRollsOutNewRevision()
{
    SimFixture f(kShop);
    const auto before = f.replicaSetsOf("shop-stable");
    QCOMPARE(before.size(), std::size_t(3));
    f.modify("deployments.apps", "shop-stable", [](Json &d) {
        d["spec"]["template"]["spec"]["containers"][0]["image"] = "opsdeckdemo.azurecr.io/shop:1.0.3";
    });
    // maxUnavailable 0: never fewer ready pods than desired during the rollout.
    int minReady = 99;
    QVERIFY(f.runUntil(
        [&] {
            minReady = std::min(minReady, f.readyActive("shop", "stable"));
            return f.rolloutDone("shop-stable");
        },
        120));
    QCOMPARE(minReady, 2);
    const auto after = f.replicaSetsOf("shop-stable");
    QCOMPARE(after.size(), std::size_t(4));
    const Json d = f.get("deployments.apps", "shop-stable");
    QCOMPARE(kube::annotation(d, kube::kRevision), std::string("4"));
    for (const auto &rs : after) {
        const bool isNew = image(rs) == "opsdeckdemo.azurecr.io/shop:1.0.3";
        QCOMPARE(kube::revision(rs), isNew ? 4 : kube::revision(rs));
        QCOMPARE(rs["spec"].value("replicas", -1), isNew ? 2 : 0);
    }
    f.run(5); // terminating pods of the old revision go
    const auto pods = f.podsOf("shop", "stable");
    QCOMPARE(pods.size(), std::size_t(2));
    for (const auto &pod : pods)
        QCOMPARE(pod["spec"]["containers"][0].value("image", std::string()), std::string("opsdeckdemo.azurecr.io/shop:1.0.3"));
    QCOMPARE(d["status"]["conditions"][1].value("reason", std::string()), std::string("NewReplicaSetAvailable"));
}

void tst_Simulation::rollbackReusesOldReplicaSet()
{
    SimFixture f(kShop);
    // What kubectl rollout undo --to-revision=2 does: the old ReplicaSet's template without its hash.
    Json revision2;
    for (const auto &rs : f.replicaSetsOf("shop-stable"))
        if (kube::revision(rs) == 2)
            revision2 = rs;
    QVERIFY(!revision2.is_null());
    const Json tmpl = kube::withoutTemplateHash(revision2["spec"]["template"]);
    f.modify("deployments.apps", "shop-stable", [&](Json &d) { d["spec"]["template"] = tmpl; });
    QVERIFY(f.runUntil([&] { return f.rolloutDone("shop-stable"); }, 120));
    const auto sets = f.replicaSetsOf("shop-stable");
    QCOMPARE(sets.size(), std::size_t(3)); // no new ReplicaSet
    const Json reused = f.get("replicasets.apps", kube::name(revision2));
    QCOMPARE(kube::revision(reused), std::int64_t(4));
    QCOMPARE(kube::annotation(reused, kube::kRevisionHistory), std::string("2"));
    QCOMPARE(reused["spec"].value("replicas", 0), 2);
    QCOMPARE(kube::annotation(f.get("deployments.apps", "shop-stable"), kube::kRevision), std::string("4"));
    f.run(5);
    for (const auto &pod : f.podsOf("shop", "stable"))
        QCOMPARE(kube::label(pod, kube::kTemplateHash), kube::label(reused, kube::kTemplateHash));
}

void tst_Simulation::restartMakesNewReplicaSet()
{
    SimFixture f(kShop);
    f.modify("deployments.apps", "shop-canary", [](Json &d) {
        d["spec"]["template"]["metadata"]["annotations"]["kubectl.kubernetes.io/restartedAt"] = "2026-11-26T09:00:05Z";
    });
    QVERIFY(f.runUntil([&] { return f.rolloutDone("shop-canary") && f.podsOf("shop", "canary").size() == 1; }, 120));
    const auto sets = f.replicaSetsOf("shop-canary");
    QCOMPARE(sets.size(), std::size_t(2));
    const Json d = f.get("deployments.apps", "shop-canary");
    QCOMPARE(kube::annotation(d, kube::kRevision), std::string("2"));
    const auto pod = f.podsOf("shop", "canary").front();
    QCOMPARE(kube::annotation(pod, "kubectl.kubernetes.io/restartedAt"), std::string("2026-11-26T09:00:05Z"));
}

void tst_Simulation::pausedDeploymentDoesNotRollOut()
{
    SimFixture f(kShop);
    f.modify("deployments.apps", "shop-stable", [](Json &d) {
        d["spec"]["paused"] = true;
        d["spec"]["template"]["spec"]["containers"][0]["image"] = "opsdeckdemo.azurecr.io/shop:9.9.9";
    });
    f.run(20);
    QCOMPARE(f.replicaSetsOf("shop-stable").size(), std::size_t(3));
    const Json d = f.get("deployments.apps", "shop-stable");
    QCOMPARE(d["status"]["conditions"][1].value("reason", std::string()), std::string("DeploymentPaused"));
    f.modify("deployments.apps", "shop-stable", [](Json &d) { d["spec"]["paused"] = false; });
    QVERIFY(f.runUntil([&] { return f.rolloutDone("shop-stable"); }, 120));
    QCOMPARE(f.replicaSetsOf("shop-stable").size(), std::size_t(4));
}

void tst_Simulation::deletedPodIsReplaced()
{
    SimFixture f(kShop);
    const auto pods = f.podsOf("shop", "stable");
    QCOMPARE(pods.size(), std::size_t(2));
    const std::string victim = kube::name(pods[0]);
    QVERIFY(f.store.remove("pods", f.ns(), victim));
    f.run(0.5);
    auto now = names(f.podsOf("shop", "stable"));
    QCOMPARE(now.size(), std::size_t(2));
    QVERIFY(std::find(now.begin(), now.end(), victim) == now.end());
    QVERIFY(f.runUntil([&] { return f.readyActive("shop", "stable") == 2; }, 30));
    bool created = false;
    for (const auto &e : f.list("events"))
        created = created || e.value("reason", std::string()) == "SuccessfulCreate";
    QVERIFY(created);
}

// A client-created Deployment arrives with no status at all; the controller must not choke on it
// (it once threw nlohmann type_error 306 and took the whole sim down).
void tst_Simulation::deploymentCreatedThroughTheApiRollsOut()
{
    SimFixture f(kShop);
    const sim::Json deployment = {
        {"apiVersion", "apps/v1"},
        {"kind", "Deployment"},
        {"metadata", {{"name", "extra"}, {"namespace", f.ns()}, {"labels", {{"app", "extra"}}}}},
        {"spec",
         {{"replicas", 2},
          {"selector", {{"matchLabels", {{"app", "extra"}}}}},
          {"template",
           {{"metadata", {{"labels", {{"app", "extra"}, {"version", "stable"}}}}},
            {"spec", {{"containers", sim::Json::array({{{"name", "extra"}, {"image", "example/extra:1"}}})}}}}}}}};
    QVERIFY(f.store.create("deployments.apps", deployment));
    QVERIFY(f.runUntil([&] { return f.readyActive("extra", "stable") == 2; }, 30));
    QCOMPARE(f.get("deployments.apps", "extra")["status"].value("readyReplicas", 0), 2);
}

void tst_Simulation::brokenTrackCrashLoops()
{
    SimFixture f(kShop);
    QVERIFY(f.simulation->setTrackBroken("shop", "canary", true));
    QVERIFY(!f.simulation->setTrackBroken("nosuch", "canary", true));
    QVERIFY(!f.simulation->setTrackBroken("shop", "blue", true));
    const auto crashing = [&] {
        const auto pods = f.podsOf("shop", "canary");
        return !pods.empty()
            && kube::str(pods[0]["status"]["containerStatuses"][0], "state", "waiting", "reason") == "CrashLoopBackOff";
    };
    QVERIFY(f.runUntil(crashing, 30));
    QVERIFY(f.readyActive("shop", "canary") == 0);
    QVERIFY(f.runUntil([&] { return f.podsOf("shop", "canary")[0]["status"]["containerStatuses"][0].value("restartCount", 0) >= 2; }, 120));
    QCOMPARE(f.readyActive("shop", "stable"), 2); // the other track is unaffected
    const auto deployment = f.get("deployments.apps", "shop-canary");
    QVERIFY(!deployment["status"].contains("availableReplicas"));
    QVERIFY(f.simulation->setTrackBroken("shop", "canary", false));
    QVERIFY(f.runUntil([&] { return f.readyActive("shop", "canary") == 1; }, 400));
}

void tst_Simulation::canaryWeightIsReadFromTheStore()
{
    SimFixture f(kShop);
    f.run(2);
    const double total = f.simulation->trackRps("shop", "stable") + f.simulation->trackRps("shop", "canary");
    QVERIFY(total > 0);
    QVERIFY(qAbs(f.simulation->trackRps("shop", "canary") / total - 0.2) < 1e-6);
    f.modify("ingresses.networking.k8s.io", "shop-canary",
             [](Json &i) { i["metadata"]["annotations"]["nginx.ingress.kubernetes.io/canary-weight"] = "50"; });
    f.run(2);
    QVERIFY(qAbs(f.simulation->trackRps("shop", "canary") / total - 0.5) < 0.05);
    // HTTPRoute weights: 70/30 from the scenario, then 0 to the canary.
    const double mail = f.simulation->trackRps("mail", "stable") + f.simulation->trackRps("mail", "canary");
    QVERIFY(qAbs(f.simulation->trackRps("mail", "canary") / mail - 0.3) < 1e-6);
    f.modify("httproutes.gateway.networking.k8s.io", "mail", [](Json &r) {
        r["spec"]["rules"][0]["backendRefs"][0]["weight"] = 100;
        r["spec"]["rules"][0]["backendRefs"][1]["weight"] = 0;
    });
    f.run(2);
    QCOMPARE(f.simulation->trackRps("mail", "canary"), 0.0);
}

void tst_Simulation::metricsFollowRunningPods()
{
    SimFixture f(kShop);
    f.run(16);
    const auto pods = f.list("pods");
    const auto metrics = f.list("pods.metrics.k8s.io");
    QCOMPARE(metrics.size(), pods.size());
    for (const auto &m : metrics) {
        QCOMPARE(m.value("window", std::string()), std::string("15s"));
        const std::string cpu = m["containers"][0]["usage"].value("cpu", std::string());
        const std::string memory = m["containers"][0]["usage"].value("memory", std::string());
        QVERIFY(cpu.size() > 1 && cpu.back() == 'n');
        QVERIFY(memory.size() > 2 && memory.substr(memory.size() - 2) == "Ki");
        QVERIFY(kube::cpuMillis(cpu) > 1);
        QVERIFY(kube::parseTime(m.value("timestamp", std::string())).has_value());
    }
    const std::string victim = kube::name(pods[0]);
    const std::string before = f.get("pods.metrics.k8s.io", kube::name(pods[1])).value("timestamp", std::string());
    QVERIFY(f.store.remove("pods", f.ns(), victim));
    f.run(16);
    QVERIFY(f.get("pods.metrics.k8s.io", victim).is_null());
    QVERIFY(f.get("pods.metrics.k8s.io", kube::name(pods[1])).value("timestamp", std::string()) != before);
}

void tst_Simulation::sameSeedSameNames()
{
    const auto podNames = [](std::uint64_t seed) {
        SimFixture f(kShop, seed);
        f.modify("deployments.apps", "shop-stable", [](Json &d) { d["spec"]["replicas"] = 4; });
        f.run(20);
        return names(f.list("pods"));
    };
    const auto a = podNames(42);
    QCOMPARE(a.size(), std::size_t(2 + 2 + 1 + 2));
    QCOMPARE(podNames(42), a);
    QVERIFY(podNames(43) != a);
}

void tst_Simulation::largeScenarioLoadsQuickly()
{
    QElapsedTimer timer;
    timer.start();
    SimFixture f({}, 1, std::string(OPSDECK_SIM_SCENARIO_DIR) + "/large.yaml");
    const qint64 loadMs = timer.elapsed();
    QCOMPARE(f.list("pods").size(), std::size_t(10000));
    QCOMPARE(f.list("deployments.apps").size(), std::size_t(1000));
    timer.restart();
    f.run(3, std::chrono::milliseconds(100));
    const qint64 stepMs = timer.elapsed() / 30;
    qInfo("large.yaml: load %lld ms, step %lld ms", static_cast<long long>(loadMs), static_cast<long long>(stepMs));
    // Generous for Debug + sanitizer builds; a Release build loads in about a second.
    QVERIFY2(loadMs < 60000, "loading 10,000 pods took over a minute");
    QCOMPARE(f.list("pods").size(), std::size_t(10000));
}

QTEST_GUILESS_MAIN(tst_Simulation)
#include "tst_simulation.moc"
