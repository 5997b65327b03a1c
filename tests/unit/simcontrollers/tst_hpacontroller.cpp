// The autoscaler against the autoscaling/v2 algorithm: rate limits of the policies, max clamp with
// ScalingLimited, the scale-down stabilisation window, status and events.

#include "simfixture.h"

#include "controllers/hpacontroller.h"

#include <QTest>

using sim::Json;
using sim::HpaController;
namespace kube = sim::kube;

namespace {

const char *kApi = R"(
name: hpa
nodes: 3
traffic: {dailyAmplitude: 0, noise: 0}
services:
  - name: api
    traffic: {baseRps: 400, cpuPerRequest: 1, idleCpu: 5}
    hpa: {min: 2, max: 5, targetCpu: 70}
    stable: {version: 1.0.0, replicas: 2}
  - name: big
    traffic: {baseRps: 4000, cpuPerRequest: 1, idleCpu: 5}
    hpa: {min: 2, max: 20, targetCpu: 70}
    stable: {version: 1.0.0, replicas: 2}
)";

int replicas(const SimFixture &f, const std::string &deployment)
{
    return f.get("deployments.apps", deployment)["spec"].value("replicas", -1);
}

Json condition(const Json &hpa, const std::string &type)
{
    for (const auto &c : hpa["status"]["conditions"])
        if (c.value("type", std::string()) == type)
            return c;
    return {};
}

} // namespace

class tst_HpaController : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void scaleUpLimit_data();
    void scaleUpLimit();
    void scaleDownLimit();
    void scalesUpToMaxAndReportsLimit();
    void scaleUpIsRateLimited();
    void scaleDownWaitsForStabilisationWindow();
};

void tst_HpaController::scaleUpLimit_data()
{
    QTest::addColumn<int>("current");
    QTest::addColumn<int>("addedRecently");
    QTest::addColumn<QString>("select");
    QTest::addColumn<int>("expected");
    // Defaults: Pods 4 / 15s and Percent 100 / 15s, the larger wins.
    QTest::newRow("2 replicas: +4 pods beats +100%") << 2 << 0 << QStringLiteral("Max") << 6;
    QTest::newRow("10 replicas: +100% beats +4") << 10 << 0 << QStringLiteral("Max") << 20;
    QTest::newRow("Min picks the smaller") << 10 << 0 << QStringLiteral("Min") << 14;
    QTest::newRow("period start excludes recent scale-up") << 6 << 4 << QStringLiteral("Max") << 6;
    QTest::newRow("Disabled keeps current") << 6 << 0 << QStringLiteral("Disabled") << 6;
}

void tst_HpaController::scaleUpLimit()
{
    QFETCH(int, current);
    QFETCH(int, addedRecently);
    QFETCH(QString, select);
    QFETCH(int, expected);
    const Json spec = {{"behavior", {{"scaleUp", {{"selectPolicy", select.toStdString()}}}}}};
    auto rules = HpaController::scaleUpRules(spec);
    QCOMPARE(rules.policies.size(), std::size_t(2));
    const auto now = std::chrono::system_clock::now();
    std::vector<HpaController::ScaleEvent> events;
    if (addedRecently)
        events.push_back({now - std::chrono::seconds(5), addedRecently});
    events.push_back({now - std::chrono::seconds(60), 50}); // outside every period
    QCOMPARE(HpaController::scaleUpLimit(current, events, rules, now), expected);
}

void tst_HpaController::scaleDownLimit()
{
    const auto now = std::chrono::system_clock::now();
    const auto defaults = HpaController::scaleDownRules(Json::object());
    QCOMPARE(defaults.stabilizationWindowSeconds, 300);
    QCOMPARE(HpaController::scaleDownLimit(8, {}, defaults, now), 0); // 100% may remove everything
    const Json spec = {{"behavior",
                        {{"scaleDown",
                          {{"policies", Json::array({{{"type", "Pods"}, {"value", 1}, {"periodSeconds", 60}},
                                                     {{"type", "Percent"}, {"value", 10}, {"periodSeconds", 60}}})}}}}}};
    const auto rules = HpaController::scaleDownRules(spec);
    QCOMPARE(rules.stabilizationWindowSeconds, 300);
    QCOMPARE(HpaController::scaleDownLimit(30, {}, rules, now), 27); // 10% of 30 beats 1 pod
    // One pod already removed in the period: the period started at 31.
    QCOMPARE(HpaController::scaleDownLimit(30, {{now - std::chrono::seconds(10), 1}}, rules, now), 27);
}

void tst_HpaController::scalesUpToMaxAndReportsLimit()
{
    SimFixture f(kApi);
    QVERIFY(f.runUntil([&] { return replicas(f, "api-stable") == 5; }, 40));
    int highest = 0;
    f.run(120, std::chrono::milliseconds(500), [&] { highest = std::max(highest, replicas(f, "api-stable")); });
    QCOMPARE(highest, 5);
    const Json hpa = f.get("horizontalpodautoscalers.autoscaling", "api");
    QCOMPARE(condition(hpa, "ScalingLimited").value("status", std::string()), std::string("True"));
    QCOMPARE(condition(hpa, "ScalingLimited").value("reason", std::string()), std::string("TooManyReplicas"));
    QCOMPARE(condition(hpa, "ScalingActive").value("reason", std::string()), std::string("ValidMetricFound"));
    QCOMPARE(hpa["status"].value("desiredReplicas", 0), 5);
    QCOMPARE(hpa["status"].value("currentReplicas", 0), 5);
    const Json current = hpa["status"]["currentMetrics"][0]["resource"]["current"];
    QVERIFY(current.value("averageUtilization", 0) > 70);
    QVERIFY(kube::cpuMillis(current.value("averageValue", std::string())) > 70);
    QVERIFY(kube::parseTime(hpa["status"].value("lastScaleTime", std::string())).has_value());
    bool rescaled = false;
    for (const auto &e : f.list("events"))
        rescaled = rescaled
            || e.value("message", std::string())
                == "New size: 5; reason: cpu resource utilization (percentage of request) above target";
    QVERIFY(rescaled);
    QVERIFY(f.rolloutDone("api-stable"));
}

void tst_HpaController::scaleUpIsRateLimited()
{
    SimFixture f(kApi);
    std::vector<int> sizes{replicas(f, "big-stable")};
    f.run(50, std::chrono::milliseconds(500), [&] {
        const int r = replicas(f, "big-stable");
        if (sizes.empty() || sizes.back() != r)
            sizes.push_back(r);
    });
    // 2 -> 6 (4 pods beat 100%) -> 12 (100% beats 4 pods) -> 20 (max), one step per 15 s sync.
    QVERIFY2(sizes.size() >= 4, "expected several rescales");
    QCOMPARE(sizes[0], 2);
    QCOMPARE(sizes[1], 6);
    QCOMPARE(sizes[2], 12);
    QCOMPARE(sizes[3], 20);
    const Json hpa = f.get("horizontalpodautoscalers.autoscaling", "big");
    QVERIFY(hpa["status"].value("desiredReplicas", 0) >= 12);
}

void tst_HpaController::scaleDownWaitsForStabilisationWindow()
{
    SimFixture f(kApi);
    QVERIFY(f.runUntil([&] { return replicas(f, "api-stable") == 5; }, 40));
    QVERIFY(f.simulation->setTrafficSpike("api", 0.02));
    const auto quiet = f.clock.now();
    // For 300 s the highest recent recommendation (5) holds.
    QVERIFY(!f.runUntil([&] { return replicas(f, "api-stable") < 5; }, 270, std::chrono::milliseconds(500)));
    const Json hpa = f.get("horizontalpodautoscalers.autoscaling", "api");
    QCOMPARE(condition(hpa, "AbleToScale").value("reason", std::string()), std::string("ScaleDownStabilized"));
    QVERIFY(f.runUntil([&] { return replicas(f, "api-stable") == 2; }, 90, std::chrono::milliseconds(500)));
    const auto waited = std::chrono::duration_cast<std::chrono::seconds>(f.clock.now() - quiet).count();
    QVERIFY2(waited >= 285 && waited <= 340, qPrintable(QString::number(waited)));
    // Once the window no longer holds a recommendation of 2, the next sync wants fewer than the minimum.
    QVERIFY(f.runUntil(
        [&] {
            return condition(f.get("horizontalpodautoscalers.autoscaling", "api"), "ScalingLimited")
                       .value("reason", std::string())
                == "TooFewReplicas";
        },
        45, std::chrono::milliseconds(500)));
    QCOMPARE(replicas(f, "api-stable"), 2);
}

QTEST_GUILESS_MAIN(tst_HpaController)
#include "tst_hpacontroller.moc"
