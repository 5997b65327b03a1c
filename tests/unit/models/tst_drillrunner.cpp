// DrillRunner on a FakeClock: a real AlertEngine fed synthetic service states, a fake chaos API that
// records what was sent. Phases, detection by the matching alert only (own rules and callers' breakers),
// recovery when Healthy and the alert ended, timeouts, refusals, failures, and the runs in a DrillStore.

#include "alertengine.h"
#include "drillrunner.h"
#include "drillstore.h"
#include "fakeclock.h"
#include "journal.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Opsdeck;
using namespace std::chrono_literals;

namespace {

ServiceKey key(const QString &name)
{
    return ServiceKey{QStringLiteral("sim"), QStringLiteral("microservices"), name};
}

ServiceSummary healthy(const QString &name)
{
    ServiceSummary s;
    s.key = key(name);
    s.health = Health::Healthy;
    s.pods = 4;
    s.readyPods = 4;
    s.stable.present = true;
    s.stable.pods = 3;
    s.stable.readyPods = 3;
    s.canary.present = true;
    s.canary.pods = 1;
    s.canary.readyPods = 1;
    return s;
}

BreakerSummary openBreaker(const QString &name)
{
    BreakerSummary b;
    b.name = name;
    b.track = Track::Stable;
    b.state = BreakerState::State::Open;
    return b;
}

// The estate, the engine and the runner wired as the app wires them.
struct Rig
{
    FakeClock clock;
    AlertEngine engine{clock};
    DrillRunner runner{clock};
    QHash<ServiceKey, ServiceSummary> services;
    QList<ChaosCall> sent;
    std::optional<Error> failNext; // the next chaos call answers this error

    Rig()
    {
        AlertSettings settings;
        settings.holdDownSeconds = 60;
        settings.podsDownSeconds = 15;
        engine.setSettings(settings);
        for (const QString &name : {QStringLiteral("productservice"), QStringLiteral("orderservice")})
            services.insert(key(name), healthy(name));
        publish();
        runner.setAlertEngine(&engine);
        runner.setServiceLookup([this](const ServiceKey &k) -> std::optional<ServiceSummary> {
            const auto it = services.constFind(k);
            return it == services.cend() ? std::nullopt : std::optional(*it);
        });
        runner.setChaosSender([this](const ChaosCall &call, QObject *, SimChaos::Done done) {
            sent << call;
            if (failNext) {
                const Error error = *std::exchange(failNext, std::nullopt);
                done(tl::unexpected(error));
                return;
            }
            done(QJsonObject{{QStringLiteral("service"), QStringLiteral("x")}});
        });
    }

    void publish()
    {
        engine.setServices(services.values());
        engine.evaluate();
        runner.check();
    }

    // Time passes with the estate as it is.
    void advance(std::chrono::seconds step)
    {
        clock.advance(step);
        publish();
    }

    ServiceSummary &s(const QString &name) { return services[key(name)]; }
};

} // namespace

class TestDrillRunner : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void databaseFailurePhases()
    {
        Rig rig;
        QSignalSpy phases(&rig.runner, &DrillRunner::phaseChanged);
        QSignalSpy finished(&rig.runner, &DrillRunner::finished);
        const QDateTime start = rig.clock.wallNow();

        QVERIFY(rig.runner.start(QStringLiteral("database-failure"), key(QStringLiteral("productservice"))));
        QCOMPARE(rig.runner.phase(), DrillRunner::Phase::Detecting);
        QCOMPARE(rig.sent.size(), 1);
        QCOMPARE(rig.sent[0].method, QByteArray("POST"));
        QCOMPARE(rig.sent[0].path, QStringLiteral("/_opsdeck/chaos/services/productservice/database-down"));
        QCOMPARE(rig.runner.run().faultAt, start);
        QCOMPARE(rig.runner.run().status, QStringLiteral("running"));

        // An unrelated alert (another service's own breaker) does not count.
        rig.s(QStringLiteral("orderservice")).breakers = {openBreaker(QStringLiteral("orders-db"))};
        rig.advance(2s);
        QCOMPARE(rig.engine.active().size(), 1);
        QCOMPARE(rig.runner.phase(), DrillRunner::Phase::Detecting);
        rig.s(QStringLiteral("orderservice")).breakers.clear();

        // The database breaker opens 5 s after the fault: detected, cleared at once.
        rig.clock.advance(3s);
        rig.s(QStringLiteral("productservice")).health = Health::Unhealthy;
        rig.s(QStringLiteral("productservice")).breakers = {openBreaker(QStringLiteral("products-db"))};
        rig.publish();
        QCOMPARE(rig.runner.run().detectedAt, start.addSecs(5));
        QCOMPARE(rig.runner.run().detectedSeconds(), std::optional<qint64>(5));
        QVERIFY(rig.runner.run().alertId.startsWith(QStringLiteral("breaker-open:sim/microservices/productservice:products-db")));
        QCOMPARE(rig.sent.size(), 2);
        QCOMPARE(rig.sent[1].path, QStringLiteral("/_opsdeck/chaos/services/productservice/database-up"));
        QCOMPARE(rig.runner.run().clearedAt, start.addSecs(5));
        QCOMPARE(rig.runner.phase(), DrillRunner::Phase::Recovering);

        // Healthy again 4 s after the clear; the alert ends once its hold-down ran out, dated when it cleared.
        rig.advance(4s); // still Unhealthy during these 4 s
        rig.s(QStringLiteral("productservice")) = healthy(QStringLiteral("productservice"));
        rig.publish();
        QCOMPARE(rig.runner.phase(), DrillRunner::Phase::Recovering);
        QVERIFY(rig.runner.missingForRecovery().contains(QStringLiteral("still active")));
        rig.advance(30s);
        QCOMPARE(finished.size(), 0);
        rig.advance(31s);
        QCOMPARE(finished.size(), 1);
        const DrillRun run = rig.runner.run();
        QCOMPARE(run.status, QStringLiteral("recovered"));
        QCOMPARE(run.recoveredAt, start.addSecs(9));
        QCOMPARE(run.recoveredSeconds(), std::optional<qint64>(9));
        QCOMPARE(run.healSeconds(), std::optional<qint64>(4));
        QVERIFY(run.error.isEmpty());

        QList<DrillRunner::Phase> seen;
        for (const QList<QVariant> &args : phases)
            seen << args.at(0).value<DrillRunner::Phase>();
        QCOMPARE(seen, (QList<DrillRunner::Phase>{DrillRunner::Phase::Injecting, DrillRunner::Phase::Detecting, DrillRunner::Phase::Clearing,
                                                  DrillRunner::Phase::Recovering, DrillRunner::Phase::Finished}));
    }

    void highLatencyIsDetectedOnTheCaller()
    {
        Rig rig;
        QVERIFY(rig.runner.start(QStringLiteral("high-latency"), key(QStringLiteral("productservice"))));
        QCOMPARE(rig.sent[0].path, QStringLiteral("/_opsdeck/chaos/services/productservice/latency"));
        QCOMPARE(rig.sent[0].body.value(QLatin1String("ms")).toInt(), 800);

        // A caller's breaker to another dependency is not this drill's.
        rig.s(QStringLiteral("orderservice")).breakers = {openBreaker(QStringLiteral("order-events"))};
        rig.advance(3s);
        QCOMPARE(rig.runner.phase(), DrillRunner::Phase::Detecting);
        // orderservice's productservice breaker is.
        rig.s(QStringLiteral("orderservice")).breakers = {openBreaker(QStringLiteral("productservice"))};
        rig.advance(4s);
        QCOMPARE(rig.runner.phase(), DrillRunner::Phase::Recovering);
        QCOMPARE(rig.runner.run().detectedSeconds(), std::optional<qint64>(7));
        QVERIFY(rig.runner.run().alertId.contains(QStringLiteral("/orderservice:productservice@stable")));
        QCOMPARE(rig.sent.last().method, QByteArray("DELETE"));
        QCOMPARE(rig.sent.last().path, QStringLiteral("/_opsdeck/chaos/services/productservice/latency"));

        rig.s(QStringLiteral("orderservice")).breakers.clear();
        rig.publish();
        rig.advance(61s);
        QCOMPARE(rig.runner.run().status, QStringLiteral("recovered"));
        // productservice stayed Healthy: recovery is when the caller's breaker closed (right at the clear).
        QCOMPARE(rig.runner.run().recoveredSeconds(), std::optional<qint64>(7));
    }

    void podFailureDeletesThePodsOnClear()
    {
        Rig rig;
        QVERIFY(rig.runner.start(QStringLiteral("pod-failure"), key(QStringLiteral("productservice"))));
        QCOMPARE(rig.sent[0].path, QStringLiteral("/_opsdeck/chaos/services/productservice/fail"));
        QCOMPARE(rig.sent[0].body.value(QLatin1String("errorRate")).toDouble(), 100.0);
        ServiceSummary &p = rig.s(QStringLiteral("productservice"));
        p.readyPods = 0;
        p.health = Health::Unhealthy;
        rig.publish();
        rig.advance(10s);
        QCOMPARE(rig.runner.phase(), DrillRunner::Phase::Detecting); // pods-not-ready holds 15 s
        rig.advance(6s);
        QCOMPARE(rig.runner.phase(), DrillRunner::Phase::Recovering);
        QVERIFY(rig.runner.run().alertId.startsWith(QStringLiteral("pods-not-ready:")));
        QCOMPARE(rig.sent.size(), 3);
        QCOMPARE(rig.sent[1].path, QStringLiteral("/_opsdeck/chaos/services/productservice/fail"));
        QCOMPARE(rig.sent[1].method, QByteArray("DELETE"));
        QCOMPARE(rig.sent[2].path, QStringLiteral("/_opsdeck/chaos/services/productservice/kill-pods"));
        QCOMPARE(rig.sent[2].body.value(QLatin1String("count")).toInt(), 4);
        QVERIFY(!rig.sent[2].body.contains(QLatin1String("track")));
    }

    void badCanaryDeletesTheCanaryPods()
    {
        Rig rig;
        QVERIFY(rig.runner.start(QStringLiteral("bad-canary"), key(QStringLiteral("productservice"))));
        QCOMPARE(rig.sent[0].path, QStringLiteral("/_opsdeck/chaos/services/productservice/break-canary"));
        ServiceSummary &p = rig.s(QStringLiteral("productservice"));
        p.readyPods = 3;
        p.crashLooping = 1;
        rig.publish();
        rig.advance(16s);
        QCOMPARE(rig.runner.phase(), DrillRunner::Phase::Recovering);
        QVERIFY(rig.engine.alert(rig.runner.run().alertId)->severity == Alert::Severity::Critical);
        QCOMPARE(rig.sent[2].body.value(QLatin1String("track")).toString(), QStringLiteral("canary"));
        QCOMPARE(rig.sent[2].body.value(QLatin1String("count")).toInt(), 1);
        // Still crash-looping: not recovered, and the timeout says why.
        rig.runner.setTimeouts(300s, 20s);
        rig.advance(21s);
        QCOMPARE(rig.runner.run().status, QStringLiteral("timedOut"));
        QVERIFY2(rig.runner.run().error.contains(QStringLiteral("3 of 4 pods ready")), qPrintable(rig.runner.run().error));
        QVERIFY(rig.runner.run().error.contains(QStringLiteral("CrashLoopBackOff")));
        QVERIFY(rig.runner.run().error.contains(QStringLiteral("pods-not-ready:sim/microservices/productservice still active")));
    }

    void detectionTimeoutClearsTheFault()
    {
        Rig rig;
        rig.runner.setTimeouts(30s, 60s);
        QSignalSpy finished(&rig.runner, &DrillRunner::finished);
        QVERIFY(rig.runner.start(QStringLiteral("database-failure"), key(QStringLiteral("productservice"))));
        rig.advance(29s);
        QCOMPARE(finished.size(), 0);
        rig.advance(1s);
        QCOMPARE(finished.size(), 1);
        QCOMPARE(rig.runner.run().status, QStringLiteral("timedOut"));
        QVERIFY(!rig.runner.run().detectedAt.isValid());
        QVERIFY(rig.runner.run().clearedAt.isValid());
        QVERIFY2(rig.runner.run().error.contains(QStringLiteral("no alert raised within 30 s")), qPrintable(rig.runner.run().error));
        QVERIFY(rig.runner.run().error.contains(QStringLiteral("breaker-open, health-unhealthy, error-rate-high on productservice")));
        QCOMPARE(rig.sent.last().path, QStringLiteral("/_opsdeck/chaos/services/productservice/database-up"));
    }

    void refusals()
    {
        Rig rig;
        QVERIFY(rig.runner.start(QStringLiteral("meteor-strike"), key(QStringLiteral("productservice"))).error().kind == ErrorKind::Invalid);
        QVERIFY(rig.runner.start(QStringLiteral("bad-canary"), key(QStringLiteral("nosuchservice"))).error().kind == ErrorKind::NotFound);
        rig.s(QStringLiteral("productservice")).health = Health::Degraded;
        rig.publish();
        const auto degraded = rig.runner.start(QStringLiteral("bad-canary"), key(QStringLiteral("productservice")));
        QVERIFY(degraded.error().kind == ErrorKind::Conflict);
        QVERIFY(degraded.error().message.contains(QStringLiteral("Degraded")));
        // A matching alert already active: the drill could not tell its own.
        rig.s(QStringLiteral("productservice")) = healthy(QStringLiteral("productservice"));
        rig.s(QStringLiteral("orderservice")).breakers = {openBreaker(QStringLiteral("productservice"))};
        rig.publish();
        const auto busy = rig.runner.start(QStringLiteral("high-latency"), key(QStringLiteral("productservice")));
        QVERIFY(busy.error().kind == ErrorKind::Conflict);
        QVERIFY(busy.error().message.contains(QStringLiteral("already active")));
        QVERIFY(rig.sent.isEmpty());
        // …but it does not matter for a scenario it does not detect.
        QVERIFY(rig.runner.start(QStringLiteral("database-failure"), key(QStringLiteral("productservice"))));
        QVERIFY(rig.runner.start(QStringLiteral("bad-canary"), key(QStringLiteral("orderservice"))).error().kind == ErrorKind::Conflict);
    }

    void injectFailureFails()
    {
        Rig rig;
        rig.failNext = Error{ErrorKind::NotFound, QStringLiteral("GET /_opsdeck/chaos answered 404"), {}, std::nullopt};
        QVERIFY(rig.runner.start(QStringLiteral("bad-canary"), key(QStringLiteral("productservice"))));
        QCOMPARE(rig.runner.phase(), DrillRunner::Phase::Finished);
        QCOMPARE(rig.runner.run().status, QStringLiteral("failed"));
        QVERIFY(rig.runner.run().error.startsWith(QStringLiteral("could not inject the fault")));
        QCOMPARE(rig.sent.size(), 1); // nothing to clear
    }

    void clearFailureSaysHowToClear()
    {
        Rig rig;
        QVERIFY(rig.runner.start(QStringLiteral("database-failure"), key(QStringLiteral("productservice"))));
        rig.failNext = Error{ErrorKind::Network, QStringLiteral("connection refused"), {}, std::nullopt};
        rig.s(QStringLiteral("productservice")).breakers = {openBreaker(QStringLiteral("products-db"))};
        rig.advance(1s);
        QCOMPARE(rig.runner.run().status, QStringLiteral("failed"));
        QVERIFY(rig.runner.run().detectedAt.isValid());
        QVERIFY(rig.runner.run().error.contains(QStringLiteral("opsdeck-sim chaos clear productservice")));
    }

    void cancelClears()
    {
        Rig rig;
        QVERIFY(rig.runner.start(QStringLiteral("pod-failure"), key(QStringLiteral("productservice"))));
        rig.runner.cancel();
        QCOMPARE(rig.runner.run().status, QStringLiteral("failed"));
        QCOMPARE(rig.runner.run().error, QStringLiteral("cancelled"));
        QCOMPARE(rig.sent.size(), 3); // inject, clear fail, delete pods
        QVERIFY(!rig.runner.isRunning());
    }

    void runsAreStored()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("journal.sqlite"));
        Journal journal;
        QVERIFY(journal.open(path));
        DrillStore store;
        QVERIFY(store.open(path));
        Rig rig;
        rig.runner.setStore(&store);
        QVERIFY(rig.runner.start(QStringLiteral("database-failure"), key(QStringLiteral("productservice"))));
        const qint64 id = rig.runner.run().id;
        QVERIFY(id > 0);
        auto stored = store.latest(key(QStringLiteral("productservice")), 5);
        QVERIFY(stored);
        QCOMPARE(stored->size(), 1);
        QCOMPARE(stored->at(0).status, QStringLiteral("running"));
        rig.s(QStringLiteral("productservice")).breakers = {openBreaker(QStringLiteral("products-db"))};
        rig.advance(6s);
        rig.s(QStringLiteral("productservice")).breakers.clear();
        rig.publish();
        rig.advance(61s);
        QCOMPARE(rig.runner.run().status, QStringLiteral("recovered"));
        stored = store.latest(key(QStringLiteral("productservice")), 5);
        QCOMPARE(stored->at(0), rig.runner.run());
    }
};

QTEST_GUILESS_MAIN(TestDrillRunner)
#include "tst_drillrunner.moc"
