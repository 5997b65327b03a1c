// The services' resilience on the seed estate and a manual clock: the health report's shape, breakers
// that follow their dependency (error rate, latency, no endpoints, database down) and close again
// through a half-open probe, the Polly events they record, and every chaos action's visible effects
// on pods, readiness, events, HPA and queues.

#include "simfixture.h"

#include "controllers/resiliencecontroller.h"

#include <QRegularExpression>
#include <QTest>

using sim::Json;
using State = sim::CircuitBreaker::State;
namespace kube = sim::kube;
using namespace std::chrono_literals;

namespace {

std::string seedPath()
{
    return std::string(OPSDECK_SIM_SCENARIO_DIR) + "/seed.yaml";
}

bool hasNull(const Json &j)
{
    if (j.is_null())
        return true;
    if (j.is_structured())
        for (const auto &item : j)
            if (hasNull(item))
                return true;
    return false;
}

bool isTimeSpan(const Json &j)
{
    static const QRegularExpression re(QStringLiteral("^\\d\\d:\\d\\d:\\d\\d\\.\\d{7}$"));
    return j.is_string() && re.match(QString::fromStdString(j.get<std::string>())).hasMatch();
}

std::vector<sim::PollyEvent> events(const SimFixture &f, const std::string &pipeline, const std::string &name = {})
{
    sim::PollyEventQuery q;
    q.pipelineName = pipeline;
    q.eventName = name;
    return f.simulation->telemetry().query(q);
}

bool hasEvent(const SimFixture &f, const std::string &reason, const std::string &messagePart,
              const std::string &objectPrefix = {})
{
    for (const auto &e : f.list("events"))
        if (e.value("reason", std::string()) == reason
            && e.value("message", std::string()).find(messagePart) != std::string::npos
            && kube::str(e, "involvedObject", "name").rfind(objectPrefix, 0) == 0)
            return true;
    return false;
}

} // namespace

class tst_Resilience : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void healthReportShape()
    {
        SimFixture f({}, 1, seedPath());
        f.run(3);
        const auto report = f.simulation->healthReport("orderservice", "stable", "/health");
        QVERIFY(report);
        QCOMPARE(report->httpStatus, 200);
        const Json &body = report->body;
        QCOMPARE(body["status"].get<std::string>(), std::string("Healthy"));
        QVERIFY(isTimeSpan(body["totalDuration"]));
        QVERIFY(!hasNull(body));
        std::set<std::string> names;
        for (const auto &[name, entry] : body["entries"].items()) {
            names.insert(name);
            QVERIFY2(entry["status"] == "Healthy", name.c_str());
            QVERIFY(entry["description"].is_string());
            QVERIFY(isTimeSpan(entry["duration"]));
            QVERIFY(entry["data"].is_object());
            QVERIFY(entry["tags"].is_array());
            QVERIFY(!entry.contains("exception"));
        }
        QCOMPARE(names, (std::set<std::string>{"self", "productservice", "order-events", "orders-db"}));
        const Json &breaker = body["entries"]["productservice"];
        QCOMPARE(breaker["description"].get<std::string>(), std::string("ProductService circuit breaker is closed"));
        QCOMPARE(breaker["data"]["circuitState"].get<std::string>(), std::string("Closed"));
        QCOMPARE(body["entries"]["orders-db"]["data"]["circuitState"].get<std::string>(), std::string("Closed"));
        // Readiness and liveness run the self check only; a canary-less or unknown track has no report.
        const auto ready = f.simulation->healthReport("orderservice", "stable", "/health/ready");
        QCOMPARE(ready->body["entries"].size(), std::size_t(1));
        QVERIFY(!f.simulation->healthReport("nosuch", "stable", "/health"));
        // A healthy estate emits nothing now (the telemetry history before the start has a few retries).
        sim::PollyEventQuery sinceStart;
        sinceStart.since = std::chrono::sys_days{std::chrono::year{2026} / 11 / 26} + std::chrono::hours{9};
        QVERIFY(f.simulation->telemetry().query(sinceStart).empty());
    }

    void failingDependencyOpensTheBreakerAndRecoveryClosesIt()
    {
        SimFixture f({}, 1, seedPath());
        f.run(2);
        QVERIFY(f.simulation->setErrorRate("productservice", "", 0.4));
        QVERIFY(f.runUntil(
            [&] { return f.simulation->breakerState("orderservice", "stable", "productservice") == State::Open; }, 30));
        const auto report = f.simulation->healthReport("orderservice", "stable", "/health");
        const Json &entry = report->body["entries"]["productservice"];
        QCOMPARE(entry["description"].get<std::string>(), std::string("ProductService circuit breaker is open"));
        QCOMPARE(entry["data"]["circuitState"].get<std::string>(), std::string("Open"));
        QCOMPARE(entry["status"].get<std::string>(), std::string("Degraded")); // it has a fallback
        QVERIFY(entry["exception"].get<std::string>().find("500") != std::string::npos);
        QCOMPARE(report->body["status"].get<std::string>(), std::string("Degraded"));
        QCOMPARE(report->httpStatus, 200);
        // productservice itself: degraded, still ready (40% < the 50% that fails its readiness).
        QCOMPARE(f.simulation->healthReport("productservice", "stable", "/health")->body["entries"]["self"]["status"]
                     .get<std::string>(),
                 std::string("Degraded"));
        QCOMPARE(f.readyActive("productservice", "stable"), 3);

        const std::string pipeline = "orderservice-productservice";
        QVERIFY(!events(f, pipeline, "OnRetry").empty());
        QVERIFY(!events(f, pipeline, "OnFallback").empty());
        const auto opened = events(f, pipeline, "OnCircuitOpened");
        QVERIFY(!opened.empty());
        QCOMPARE(opened.back().strategyName, std::string("CircuitBreaker"));
        QCOMPARE(opened.back().severity, std::string("Error"));
        QCOMPARE(opened.back().exceptionType, std::string("System.Net.Http.HttpRequestException"));
        QVERIFY(opened.back().pipelineInstance == "stable" || opened.back().pipelineInstance == "canary");

        QVERIFY(f.simulation->clearChaos("productservice", "fail"));
        const auto cleared = f.clock.now();
        QVERIFY(f.runUntil(
            [&] { return f.simulation->breakerState("orderservice", "stable", "productservice") == State::Closed; }, 40));
        // Still open until the break ends, then one probe closes it.
        QVERIFY(f.clock.now() - cleared <= 31s);
        sim::PollyEventQuery q;
        q.pipelineName = pipeline;
        q.track = "stable";
        q.strategyName = "CircuitBreaker";
        const auto transitions = f.simulation->telemetry().query(q);
        QVERIFY(transitions.size() >= 3);
        const auto &last = transitions[transitions.size() - 1];
        const auto &probe = transitions[transitions.size() - 2];
        const auto &open = transitions[transitions.size() - 3];
        QCOMPARE(last.eventName, std::string("OnCircuitClosed"));
        QCOMPARE(probe.eventName, std::string("OnCircuitHalfOpened"));
        QCOMPARE(open.eventName, std::string("OnCircuitOpened"));
        QVERIFY(probe.time - open.time >= 30s);
        QVERIFY(last.time >= probe.time);
        QCOMPARE(f.simulation->healthReport("orderservice", "stable", "/health")->body["status"].get<std::string>(),
                 std::string("Healthy"));
        // The query's limit keeps the newest.
        q.limit = 1;
        QCOMPARE(f.simulation->telemetry().query(q).front().eventName, std::string("OnCircuitClosed"));
    }

    void latencyMakesCallsTimeOut()
    {
        SimFixture f({}, 1, seedPath());
        f.run(2);
        QVERIFY(f.simulation->setLatency("productservice", "", 800)); // orderservice waits 500 ms per attempt
        QVERIFY(f.runUntil(
            [&] { return f.simulation->breakerState("orderservice", "stable", "productservice") == State::Open; }, 30));
        const auto timeouts = events(f, "orderservice-productservice", "OnTimeout");
        QVERIFY(!timeouts.empty());
        QCOMPARE(timeouts.back().exceptionType, std::string("Polly.Timeout.TimeoutRejectedException"));
        const Json self = f.simulation->healthReport("productservice", "stable", "/health")->body["entries"]["self"];
        QCOMPARE(self["data"]["latencyMs"].get<int>(), 825);
        QVERIFY(self["description"].get<std::string>().find("825 ms") != std::string::npos);
        QCOMPARE(f.readyActive("productservice", "stable"), 3); // under the probe's 1 s timeout
        // Past the probe's timeout the pods fail readiness.
        QVERIFY(f.simulation->setLatency("productservice", "stable", 1500));
        QVERIFY(f.runUntil([&] { return f.readyActive("productservice", "stable") == 0; }, 60));
        QVERIFY(hasEvent(f, "Unhealthy", "context deadline exceeded", "productservice-stable"));
    }

    void failedServiceLosesReadinessAndItsEndpoints()
    {
        SimFixture f({}, 1, seedPath());
        f.run(2);
        QVERIFY(f.simulation->setErrorRate("productservice", "", 1.0));
        QVERIFY(f.runUntil([&] { return f.readyActive("productservice", "stable") == 0; }, 60));
        QVERIFY(hasEvent(f, "Unhealthy", "Readiness probe failed: HTTP probe failed with statuscode: 503",
                         "productservice-stable"));
        // It opened on the 500s already; its next half-open probe finds no endpoint at all.
        QVERIFY(f.runUntil(
            [&] {
                const Json entry =
                    f.simulation->healthReport("orderservice", "stable", "/health")->body["entries"]["productservice"];
                return entry["data"]["circuitState"] == "Open"
                    && entry.value("exception", std::string()).find("Connection refused") != std::string::npos;
            },
            40));
        QVERIFY(f.simulation->clearChaos("productservice"));
        QVERIFY(f.runUntil([&] { return f.readyActive("productservice", "stable") == 3; }, 30));
    }

    void databaseDownMakesTheServiceUnhealthy()
    {
        SimFixture f({}, 1, seedPath());
        f.run(2);
        QVERIFY(f.simulation->setDatabaseDown("productservice", true));
        QVERIFY(f.runUntil(
            [&] { return f.simulation->breakerState("productservice", "stable", "products-db") == State::Open; }, 10));
        const auto report = f.simulation->healthReport("productservice", "stable", "/health");
        QCOMPARE(report->httpStatus, 503);
        QCOMPARE(report->body["status"].get<std::string>(), std::string("Unhealthy"));
        const Json &db = report->body["entries"]["products-db"];
        QCOMPARE(db["status"].get<std::string>(), std::string("Unhealthy"));
        QCOMPARE(db["description"].get<std::string>(), std::string("Products database circuit breaker is open"));
        QCOMPARE(db["data"]["circuitState"].get<std::string>(), std::string("Open"));
        QVERIFY(db["exception"].get<std::string>().find("SQL Server") != std::string::npos);
        // Readiness runs only the self check: the pods keep serving (and failing) requests...
        QCOMPARE(f.simulation->healthReport("productservice", "stable", "/health/ready")->httpStatus, 200);
        f.run(30);
        QCOMPARE(f.readyActive("productservice", "stable"), 3);
        // ...so its callers see 500s and open their breakers.
        QCOMPARE(f.simulation->breakerState("orderservice", "stable", "productservice"), State::Open);
        QCOMPARE(events(f, "productservice-products-db", "OnCircuitOpened").back().exceptionType,
                 std::string("Microsoft.Data.SqlClient.SqlException"));
    }

    void killedPodsAreReplaced()
    {
        SimFixture f({}, 1, seedPath());
        f.run(2);
        const auto killed = f.simulation->killPods("orderservice", "stable", 2);
        QVERIFY(killed);
        QCOMPARE(killed->size(), std::size_t(2));
        for (const auto &name : *killed)
            QVERIFY(kube::podTerminating(f.get("pods", name)));
        QVERIFY(!f.simulation->killPods("nosuch", "", 1));
        QVERIFY(f.runUntil(
            [&] {
                for (const auto &name : *killed)
                    if (!f.get("pods", name).is_null())
                        return false;
                return f.readyActive("orderservice", "stable") == 4;
            },
            60));
        for (const auto &name : *killed)
            QVERIFY(hasEvent(f, "Killing", "Stopping container", name));
    }

    void brokenCanaryCrashLoops()
    {
        SimFixture f({}, 1, seedPath());
        f.run(2);
        QVERIFY(f.simulation->setTrackBroken("productservice", "canary", true));
        QVERIFY(f.runUntil(
            [&] {
                for (const auto &pod : f.podsOf("productservice", "canary"))
                    if (kube::str(pod["status"]["containerStatuses"][0], "state", "waiting", "reason") == "CrashLoopBackOff")
                        return true;
                return false;
            },
            30));
        QVERIFY(hasEvent(f, "BackOff", "Back-off restarting failed container", "productservice-canary"));
        QCOMPARE(f.simulation->readyPods("productservice", "canary"), 0);
        QCOMPARE(f.simulation->readyPods("productservice", "stable"), 3);
        QCOMPARE(f.simulation->chaosStatus()[0]["kind"].get<std::string>(), std::string("break-canary"));
        QVERIFY(f.simulation->clearChaos("productservice", "break-canary"));
        QVERIFY(f.simulation->chaosStatus().empty());
    }

    void spikeScalesUp()
    {
        SimFixture f({}, 1, seedPath());
        f.run(2);
        const int before = f.get("deployments.apps", "productservice-stable")["spec"].value("replicas", 0);
        QVERIFY(f.simulation->setTrafficSpike("productservice", 5));
        QVERIFY(f.runUntil(
            [&] { return f.get("deployments.apps", "productservice-stable")["spec"].value("replicas", 0) > before; }, 90,
            500ms));
        QVERIFY(hasEvent(f, "SuccessfulRescale", "above target"));
    }

    void failingConsumerGrowsTheQueueNotTheBreaker()
    {
        SimFixture f({}, 1, seedPath());
        f.run(2);
        QVERIFY(f.simulation->setErrorRate("notificationservice", "", 1.0));
        QVERIFY(f.runUntil(
            [&] {
                const Json e = f.simulation->healthReport("orderservice", "stable", "/health")->body["entries"]["order-events"];
                return e["data"]["queueLength"].get<long long>() > 1000 && e["status"] == "Degraded";
            },
            60));
        QCOMPARE(f.simulation->breakerState("orderservice", "stable", "order-events"), State::Closed);
        QVERIFY(f.simulation->clearChaos("notificationservice"));
        QVERIFY(f.runUntil(
            [&] {
                const Json e = f.simulation->healthReport("orderservice", "stable", "/health")->body["entries"]["order-events"];
                return e["data"]["queueLength"].get<long long>() == 0;
            },
            120));
    }
};

QTEST_GUILESS_MAIN(tst_Resilience)
#include "tst_resilience.moc"
