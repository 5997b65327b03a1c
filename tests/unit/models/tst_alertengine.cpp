// AlertEngine: every rule raises and ends on a FakeClock, durations at their boundaries, de-duplication,
// acknowledgement and the hold-down against flapping.

#include "alertengine.h"
#include "alertsettings.h"
#include "fakeclock.h"
#include "servicestore.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Opsdeck;
using namespace std::chrono_literals;

namespace {

ServiceKey key(const QString &name = QStringLiteral("orders"))
{
    return ServiceKey{QStringLiteral("sim"), QStringLiteral("shop"), name};
}

ServiceSummary healthy(const QString &name = QStringLiteral("orders"))
{
    ServiceSummary s;
    s.key = key(name);
    s.health = Health::Healthy;
    s.pods = 3;
    s.readyPods = 3;
    return s;
}

BreakerSummary openBreaker(const QString &name = QStringLiteral("productservice"))
{
    BreakerSummary b;
    b.name = name;
    b.track = Track::Stable;
    b.state = BreakerState::State::Open;
    return b;
}

// No hold-down unless a test wants one: ends are then immediate and easy to see.
AlertSettings plain()
{
    AlertSettings s;
    s.holdDownSeconds = 0;
    return s;
}

} // namespace

class TestAlertEngine : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void breakerOpenRaisesAndEnds()
    {
        FakeClock clock;
        AlertEngine engine(clock);
        engine.setSettings(plain());
        QSignalSpy raised(&engine, &AlertEngine::alertRaised);
        QSignalSpy ended(&engine, &AlertEngine::alertEnded);

        ServiceSummary s = healthy();
        s.breakers << openBreaker();
        engine.setServices({s});
        engine.evaluate();
        QCOMPARE(engine.active().size(), 1);
        const Alert a = engine.active().constFirst();
        QCOMPARE(a.rule, QStringLiteral("breaker-open"));
        QCOMPARE(a.id, QStringLiteral("breaker-open:sim/shop/orders:productservice@stable"));
        QCOMPARE(toString(a.severity), toString(Alert::Severity::Critical));
        QCOMPARE(a.service, key());
        QCOMPARE(a.since, clock.wallNow());
        QVERIFY(a.isActive());
        QVERIFY(a.summary.contains(QStringLiteral("productservice")));
        QCOMPARE(raised.size(), 1);

        // The same condition again: still one alert, no second raise.
        clock.advance(30s);
        engine.evaluate();
        QCOMPARE(engine.active().size(), 1);
        QCOMPARE(raised.size(), 1);
        QCOMPARE(engine.active().constFirst().since, a.since);

        clock.advance(10s);
        s.breakers.first().state = BreakerState::State::Closed;
        engine.setServices({s});
        engine.evaluate();
        QVERIFY(engine.active().isEmpty());
        QCOMPARE(ended.size(), 1);
        const Alert done = ended.constFirst().constFirst().value<Alert>();
        QCOMPARE(done.ended, clock.wallNow());
        QVERIFY(!done.isActive());
        QCOMPARE(engine.history().size(), 1);
        QCOMPARE(engine.history().constFirst().ended, clock.wallNow());

        // Isolated counts as open; HalfOpen does not.
        s.breakers.first().state = BreakerState::State::HalfOpen;
        engine.setServices({s});
        engine.evaluate();
        QVERIFY(engine.active().isEmpty());
        s.breakers.first().state = BreakerState::State::Isolated;
        engine.setServices({s});
        engine.evaluate();
        QCOMPARE(engine.active().size(), 1);
    }

    void duplicateConditionsKeepOneAlert()
    {
        FakeClock clock;
        AlertEngine engine(clock);
        engine.setSettings(plain());
        ServiceSummary s = healthy();
        s.breakers << openBreaker() << openBreaker(); // reported twice
        engine.setServices({s, s});                   // and the service twice
        engine.evaluate();
        QCOMPARE(engine.active().size(), 1);
        QCOMPARE(engine.history().size(), 1);

        // Two different breakers are two conditions.
        s.breakers = {openBreaker(), openBreaker(QStringLiteral("paymentservice"))};
        engine.setServices({s});
        engine.evaluate();
        QCOMPARE(engine.active().size(), 2);
    }

    void hpaAtMaxNeedsItsDuration()
    {
        FakeClock clock;
        AlertEngine engine(clock);
        AlertSettings settings = plain();
        settings.hpaAtMaxSeconds = 300;
        engine.setSettings(settings);

        ServiceSummary s = healthy();
        s.hpa.present = true;
        s.hpa.name = QStringLiteral("orders");
        s.hpa.max = 10;
        s.hpa.current = 9;
        engine.setServices({s});
        engine.evaluate();
        QVERIFY(engine.active().isEmpty());

        s.hpa.current = 10;
        engine.setServices({s});
        engine.evaluate();
        const QDateTime atMax = clock.wallNow();
        clock.advance(299s);
        engine.evaluate();
        QVERIFY(engine.active().isEmpty()); // one second short
        clock.advance(1s);
        engine.evaluate();
        QCOMPARE(engine.active().size(), 1);
        QCOMPARE(engine.active().constFirst().rule, QStringLiteral("hpa-at-max"));
        QCOMPARE(toString(engine.active().constFirst().severity), toString(Alert::Severity::Warning));
        QCOMPARE(engine.active().constFirst().since, atMax); // since the condition began

        s.hpa.current = 8;
        engine.setServices({s});
        engine.evaluate();
        QVERIFY(engine.active().isEmpty());

        // A dip below max restarts the duration.
        s.hpa.current = 10;
        engine.setServices({s});
        engine.evaluate();
        clock.advance(200s);
        s.hpa.current = 9;
        engine.setServices({s});
        engine.evaluate();
        s.hpa.current = 10;
        engine.setServices({s});
        engine.evaluate();
        clock.advance(200s);
        engine.evaluate();
        QVERIFY(engine.active().isEmpty());
    }

    void podsNotReadyAndCrashLoop()
    {
        FakeClock clock;
        AlertEngine engine(clock);
        AlertSettings settings = plain();
        settings.podsNotReadySeconds = 180;
        engine.setSettings(settings);

        ServiceSummary s = healthy();
        s.readyPods = 2;
        engine.setServices({s});
        engine.evaluate();
        clock.advance(179s);
        engine.evaluate();
        QVERIFY(engine.active().isEmpty());
        clock.advance(1s);
        engine.evaluate();
        QCOMPARE(engine.active().size(), 1);
        QCOMPARE(engine.active().constFirst().rule, QStringLiteral("pods-not-ready"));
        QCOMPARE(toString(engine.active().constFirst().severity), toString(Alert::Severity::Warning));

        // CrashLoopBackOff escalates the same alert to critical.
        QSignalSpy raised(&engine, &AlertEngine::alertRaised);
        s.crashLooping = 1;
        engine.setServices({s});
        engine.evaluate();
        QCOMPARE(engine.active().size(), 1);
        QCOMPARE(toString(engine.active().constFirst().severity), toString(Alert::Severity::Critical));
        QVERIFY(engine.active().constFirst().summary.contains(QStringLiteral("CrashLoopBackOff")));
        QCOMPARE(raised.size(), 0);

        engine.setServices({healthy()});
        engine.evaluate();
        QVERIFY(engine.active().isEmpty());
    }

    // A crash loop, or a service with no pod ready, raises after podsDownSeconds, long before a plain
    // not-Ready pod would (a rolling update's new pods start NotReady and must not page anyone).
    void crashLoopRaisesBeforeNotReady()
    {
        FakeClock clock;
        AlertEngine engine(clock);
        AlertSettings settings = plain();
        settings.podsNotReadySeconds = 180;
        settings.podsDownSeconds = 15;
        engine.setSettings(settings);

        ServiceSummary starting = healthy();
        starting.readyPods = 2;
        ServiceSummary looping = healthy(QStringLiteral("orderservice"));
        looping.readyPods = 2;
        looping.crashLooping = 1;
        ServiceSummary down = healthy(QStringLiteral("notificationservice"));
        down.readyPods = 0; // no pod ready at all: the service is down
        engine.setServices({starting, looping, down});
        engine.evaluate();
        clock.advance(15s);
        engine.evaluate();
        QCOMPARE(engine.active().size(), 2);
        QStringList raised;
        for (const Alert &alert : engine.active()) {
            QCOMPARE(toString(alert.severity), toString(Alert::Severity::Critical));
            raised << alert.service.name;
        }
        raised.sort();
        QCOMPARE(raised, QStringList({QStringLiteral("notificationservice"), QStringLiteral("orderservice")}));
        clock.advance(165s);
        engine.evaluate();
        QCOMPARE(engine.active().size(), 3);
    }

    void healthRules()
    {
        FakeClock clock;
        AlertEngine engine(clock);
        AlertSettings settings = plain();
        settings.healthSeconds = 60;
        engine.setSettings(settings);

        ServiceSummary s = healthy();
        s.health = Health::Degraded;
        engine.setServices({s});
        engine.evaluate();
        clock.advance(59s);
        engine.evaluate();
        QVERIFY(engine.active().isEmpty());
        clock.advance(1s);
        engine.evaluate();
        QCOMPARE(engine.active().size(), 1);
        QCOMPARE(engine.active().constFirst().rule, QStringLiteral("health-degraded"));
        QCOMPARE(toString(engine.active().constFirst().severity), toString(Alert::Severity::Warning));

        s.health = Health::Unhealthy;
        engine.setServices({s});
        engine.evaluate();
        QVERIFY(engine.active().isEmpty()); // degraded ended, unhealthy still pending
        clock.advance(60s);
        engine.evaluate();
        QCOMPARE(engine.active().size(), 1);
        QCOMPARE(engine.active().constFirst().rule, QStringLiteral("health-unhealthy"));
        QCOMPARE(toString(engine.active().constFirst().severity), toString(Alert::Severity::Critical));

        // Unknown and Stale are no alerts of their own (source-down speaks for them).
        s.health = Health::Stale;
        engine.setServices({s});
        clock.advance(600s);
        engine.evaluate();
        QVERIFY(engine.active().isEmpty());
    }

    void errorRateAtTheThreshold()
    {
        FakeClock clock;
        AlertEngine engine(clock);
        AlertSettings settings = plain();
        settings.errorRatePercent = 5.0;
        settings.errorRateMinRequests = 100;
        engine.setSettings(settings);
        engine.setServices({healthy()});

        ServiceTelemetry t;
        t.stable.requests = 1000;
        t.stable.failedRequests = 50; // exactly 5 %: not above
        engine.setTelemetry({{key(), t}});
        engine.evaluate();
        QVERIFY(engine.active().isEmpty());

        t.stable.failedRequests = 51;
        engine.setTelemetry({{key(), t}});
        engine.evaluate();
        QCOMPARE(engine.active().size(), 1);
        QCOMPARE(engine.active().constFirst().rule, QStringLiteral("error-rate-high"));
        QCOMPARE(toString(engine.active().constFirst().severity), toString(Alert::Severity::Warning));

        // Too few requests to judge.
        t.stable.requests = 99;
        t.stable.failedRequests = 50;
        engine.setTelemetry({{key(), t}});
        engine.evaluate();
        QVERIFY(engine.active().isEmpty());
    }

    void canaryWorseThanStable()
    {
        FakeClock clock;
        AlertEngine engine(clock);
        engine.setSettings(plain());
        engine.setServices({healthy()});

        ServiceTelemetry t;
        t.verdict = CanaryVerdict{CanaryVerdict::Result::Hold, QStringLiteral("not sure"), std::nullopt};
        engine.setTelemetry({{key(), t}});
        engine.evaluate();
        QVERIFY(engine.active().isEmpty());

        t.verdict = CanaryVerdict{CanaryVerdict::Result::Rollback, QStringLiteral("canary p95 2.0× stable"), std::nullopt};
        engine.setTelemetry({{key(), t}});
        engine.evaluate();
        QCOMPARE(engine.active().size(), 1);
        const Alert a = engine.active().constFirst();
        QCOMPARE(a.rule, QStringLiteral("canary-worse-than-stable"));
        QCOMPARE(a.id, QStringLiteral("canary-worse-than-stable:sim/shop/orders"));
        QVERIFY(a.summary.contains(QStringLiteral("p95 2.0")));

        // The verdict from real figures: the canary fails 10 % against stable's 1 %.
        CanaryInput input;
        input.stable.requests = 5000;
        input.stable.failedRequests = 50;
        input.canary.requests = 1000;
        input.canary.failedRequests = 100;
        t.verdict = CanaryAnalysis::analyse(input, CanaryAnalysisSettings{});
        QCOMPARE(t.verdict->result, CanaryVerdict::Result::Rollback);

        t.verdict = CanaryVerdict{CanaryVerdict::Result::Healthy, QStringLiteral("fine"), std::nullopt};
        engine.setTelemetry({{key(), t}});
        engine.evaluate();
        QVERIFY(engine.active().isEmpty());
    }

    void budgetThreshold()
    {
        FakeClock clock;
        AlertEngine engine(clock);
        engine.setSettings(plain());

        CostAlert c;
        c.scope = QStringLiteral("/subscriptions/x");
        c.service = QStringLiteral("orders");
        c.budget = QStringLiteral("orders-monthly");
        c.thresholdPercent = 80;
        c.percent = 85;
        c.summary = QStringLiteral("orders-monthly: 85 % of the budget spent");
        engine.setCostAlerts({c});
        engine.evaluate();
        QCOMPARE(engine.active().size(), 1);
        Alert a = engine.active().constFirst();
        QCOMPARE(a.rule, QStringLiteral("budget-threshold"));
        QCOMPARE(a.id, QStringLiteral("budget-threshold:/subscriptions/x:orders-monthly:actual"));
        QCOMPARE(toString(a.severity), toString(Alert::Severity::Warning));
        QCOMPARE(a.service.name, QStringLiteral("orders"));
        QCOMPARE(a.summary, c.summary);

        // Crossing 100 % escalates the same alert to critical; a forecast crossing stays a warning.
        c.thresholdPercent = 100;
        c.percent = 101;
        CostAlert f = c;
        f.forecasted = true;
        engine.setCostAlerts({c, f});
        engine.evaluate();
        QCOMPARE(engine.active().size(), 2);
        QCOMPARE(toString(engine.alert(a.id)->severity), toString(Alert::Severity::Critical));
        QCOMPARE(engine.alert(a.id)->since, a.since);
        QCOMPARE(toString(engine.alert(QStringLiteral("budget-threshold:/subscriptions/x:orders-monthly:forecast"))->severity), toString(Alert::Severity::Warning));

        engine.setCostAlerts({});
        engine.evaluate();
        QVERIFY(engine.active().isEmpty());
    }

    void sourceDownIsEstateWide()
    {
        FakeClock clock;
        AlertEngine engine(clock);
        AlertSettings settings = plain();
        settings.staleFactor = 3.0;
        engine.setSettings(settings);
        engine.setServices({healthy(), healthy(QStringLiteral("payments"))});

        SourceStatus ok{SourceStatus::State::Ok, clock.wallNow(), std::nullopt};
        engine.setSourceStatus(QStringLiteral("kubernetes:sim"), ok);
        engine.evaluate();
        QVERIFY(engine.active().isEmpty());

        SourceStatus down{SourceStatus::State::Down, clock.wallNow(), std::nullopt};
        engine.setSourceStatus(QStringLiteral("kubernetes:sim"), down);
        engine.evaluate();
        QCOMPARE(engine.active().size(), 1); // one for the estate, not one per service
        const Alert a = engine.active().constFirst();
        QCOMPARE(a.rule, QStringLiteral("source-down"));
        QCOMPARE(a.id, QStringLiteral("source-down:kubernetes:sim"));
        QVERIFY(a.service.name.isEmpty());
        QCOMPARE(toString(a.severity), toString(Alert::Severity::Warning));
        QVERIFY(toJson(a).value(QStringLiteral("service")).isNull());

        engine.setSourceStatus(QStringLiteral("kubernetes:sim"), ok);
        engine.evaluate();
        QVERIFY(engine.active().isEmpty());

        // Stale: Ok in name, but no success for more than 3 × its 60 s interval.
        engine.setSourceStatus(QStringLiteral("appinsights"), ok, 60);
        clock.advance(180s);
        engine.evaluate();
        QVERIFY(engine.active().isEmpty());
        clock.advance(1s);
        engine.evaluate();
        QCOMPARE(engine.active().size(), 1);
        QCOMPARE(engine.active().constFirst().id, QStringLiteral("source-down:appinsights"));

        engine.removeSource(QStringLiteral("appinsights"));
        engine.evaluate();
        QVERIFY(engine.active().isEmpty());
    }

    void acknowledge()
    {
        FakeClock clock;
        AlertEngine engine(clock);
        engine.setSettings(plain());
        ServiceSummary s = healthy();
        s.breakers << openBreaker();
        engine.setServices({s});
        engine.evaluate();
        const QString id = engine.active().constFirst().id;

        QSignalSpy changed(&engine, &AlertEngine::alertsChanged);
        clock.advance(5s);
        engine.acknowledge(id, QStringLiteral("alice"));
        QCOMPARE(changed.size(), 1);
        QCOMPARE(engine.alert(id)->acknowledgedBy, QStringLiteral("alice"));
        QCOMPARE(engine.alert(id)->acknowledgedAt, clock.wallNow());
        QCOMPARE(toJson(*engine.alert(id)).value(QStringLiteral("acknowledgedBy")).toString(), QStringLiteral("alice"));
        QCOMPARE(engine.history().constFirst().acknowledgedBy, QStringLiteral("alice"));

        engine.acknowledge(QStringLiteral("no-such-alert"), QStringLiteral("bob"));
        QCOMPARE(changed.size(), 1);

        // The acknowledgement belongs to that alert: after it ended, a new one starts unacknowledged.
        engine.setServices({healthy()});
        engine.evaluate();
        engine.setServices({s});
        engine.evaluate();
        QVERIFY(engine.alert(id)->acknowledgedBy.isEmpty());
        QCOMPARE(engine.history().size(), 2);
    }

    void holdDownStopsFlapping()
    {
        FakeClock clock;
        AlertEngine engine(clock);
        AlertSettings settings = plain();
        settings.holdDownSeconds = 60;
        engine.setSettings(settings);
        QSignalSpy raised(&engine, &AlertEngine::alertRaised);
        QSignalSpy ended(&engine, &AlertEngine::alertEnded);

        ServiceSummary open = healthy();
        open.breakers << openBreaker();
        engine.setServices({open});
        engine.evaluate();
        const QDateTime since = clock.wallNow();

        // Flaps: closed for 30 s, open again — the same alert goes on.
        clock.advance(10s);
        engine.setServices({healthy()});
        engine.evaluate();
        clock.advance(30s);
        engine.evaluate();
        QCOMPARE(engine.active().size(), 1);
        engine.setServices({open});
        engine.evaluate();
        QCOMPARE(raised.size(), 1);
        QCOMPARE(ended.size(), 0);
        QCOMPARE(engine.active().constFirst().since, since);

        // Clear for the whole hold-down: it ends, dated when it cleared.
        clock.advance(10s);
        engine.setServices({healthy()});
        engine.evaluate();
        const QDateTime cleared = clock.wallNow();
        clock.advance(59s);
        engine.evaluate();
        QCOMPARE(engine.active().size(), 1);
        clock.advance(1s);
        engine.evaluate();
        QVERIFY(engine.active().isEmpty());
        QCOMPARE(ended.size(), 1);
        QCOMPARE(ended.constFirst().constFirst().value<Alert>().ended, cleared);
    }

    void activeIsWorstFirst()
    {
        FakeClock clock;
        AlertEngine engine(clock);
        engine.setSettings(plain());
        engine.setSourceStatus(QStringLiteral("appinsights"), SourceStatus{SourceStatus::State::Down, {}, std::nullopt});
        engine.evaluate();
        clock.advance(1s);
        ServiceSummary s = healthy();
        s.breakers << openBreaker();
        engine.setServices({s});
        engine.evaluate();
        const QList<Alert> alerts = engine.active();
        QCOMPARE(alerts.size(), 2);
        QCOMPARE(toString(alerts.at(0).severity), toString(Alert::Severity::Critical));
        QCOMPARE(alerts.at(1).rule, QStringLiteral("source-down"));
    }

    void jsonShape()
    {
        Alert a;
        a.id = QStringLiteral("breaker-open:sim/shop/orders:productservice");
        a.rule = QStringLiteral("breaker-open");
        a.service = key();
        a.severity = Alert::Severity::Critical;
        a.since = QDateTime(QDate(2026, 11, 24), QTime(5, 35, 31), QTimeZone::utc());
        a.summary = QStringLiteral("orders: circuit breaker productservice is Open");
        const QJsonObject o = toJson(a);
        QCOMPARE(o.value(QStringLiteral("id")).toString(), a.id);
        QCOMPARE(o.value(QStringLiteral("rule")).toString(), a.rule);
        QCOMPARE(o.value(QStringLiteral("service")).toString(), QStringLiteral("orders"));
        QCOMPARE(o.value(QStringLiteral("context")).toString(), QStringLiteral("sim"));
        QCOMPARE(o.value(QStringLiteral("namespace")).toString(), QStringLiteral("shop"));
        QCOMPARE(o.value(QStringLiteral("severity")).toString(), QStringLiteral("critical"));
        QCOMPARE(o.value(QStringLiteral("since")).toString(), QStringLiteral("2026-11-24T05:35:31Z"));
        QCOMPARE(o.value(QStringLiteral("summary")).toString(), a.summary);
        QVERIFY(!o.contains(QStringLiteral("acknowledgedBy")));
        QVERIFY(!o.contains(QStringLiteral("ended")));
        QCOMPARE(toString(Alert::Severity::Warning), QStringLiteral("warning"));
        QCOMPARE(toString(Alert::Severity::Info), QStringLiteral("info"));
    }

    void dataDatedConditionsCountFromTheirOwnStart()
    {
        FakeClock clock;
        AlertEngine engine(clock);
        engine.setSettings(plain()); // healthSeconds 60
        ServiceSummary s = healthy();
        BreakerSummary b = openBreaker();
        b.since = clock.wallNow().addSecs(-90); // the report says: open for 90 s already
        s.breakers << b;
        s.health = Health::Unhealthy;
        s.reportStatus = HealthStatus::Unhealthy;
        engine.setServices({s});
        engine.evaluate();
        // The breaker dates both: health-unhealthy has held 90 s > 60 s, so it raises at once, since then.
        const QList<Alert> alerts = engine.active();
        QCOMPARE(alerts.size(), 2);
        for (const Alert &a : alerts)
            QCOMPARE(a.since, b.since);

        // Resource health alone (no report) is not dated: it waits for its own 60 s.
        FakeClock clock2;
        AlertEngine engine2(clock2);
        engine2.setSettings(plain());
        ServiceSummary r = healthy();
        r.health = Health::Unhealthy;
        BreakerSummary closedLongAgo = openBreaker();
        closedLongAgo.since = clock2.wallNow().addSecs(-600);
        closedLongAgo.state = BreakerState::State::Closed;
        r.breakers << closedLongAgo;
        engine2.setServices({r});
        engine2.evaluate();
        QVERIFY(engine2.active().isEmpty());
        clock2.advance(61s);
        engine2.evaluate();
        QCOMPARE(engine2.active().size(), 1);
        QCOMPARE(engine2.active().constFirst().rule, QStringLiteral("health-unhealthy"));
    }

    void dataSinceInTheFutureCountsFromNow()
    {
        FakeClock clock;
        AlertEngine engine(clock);
        engine.setSettings(plain());
        ServiceSummary s = healthy();
        s.health = Health::Unhealthy;
        s.reportStatus = HealthStatus::Unhealthy;
        BreakerSummary b = openBreaker();
        b.since = clock.wallNow().addSecs(300); // a simulator's clock running ahead
        s.breakers << b;
        engine.setServices({s});
        engine.evaluate();
        QCOMPARE(engine.active().size(), 1); // the breaker only; health waits its 60 s from now
        QCOMPARE(engine.active().constFirst().since, clock.wallNow());
        clock.advance(61s);
        engine.evaluate();
        QCOMPARE(engine.active().size(), 2);
    }

    void staleSourceThroughTheStore()
    {
        FakeClock clock;
        AlertEngine engine(clock);
        engine.setSettings(plain()); // staleFactor 3
        ServiceStore store;
        const QString id = QStringLiteral("appinsights");
        store.setSourceStatus(id, SourceStatus{SourceStatus::State::Ok, clock.wallNow().addSecs(-100), std::nullopt});
        engine.attach(&store, nullptr, nullptr);
        QVERIFY(engine.active().isEmpty()); // no interval known: only its state counts
        engine.setSourceInterval(id, 30);
        engine.evaluate();
        QCOMPARE(engine.active().size(), 1);
        QCOMPARE(engine.active().constFirst().id, QStringLiteral("source-down:appinsights"));
        QVERIFY(engine.active().constFirst().summary.contains(QStringLiteral("interval 30 s")));
        QVERIFY(engine.worstActive() == std::optional(Alert::Severity::Warning));
    }

    void snapshotPerService()
    {
        Alert breaker;
        breaker.id = QStringLiteral("breaker-open:sim/shop/orders:db");
        breaker.rule = QStringLiteral("breaker-open");
        breaker.service = key();
        breaker.severity = Alert::Severity::Critical;
        breaker.since = QDateTime(QDate(2026, 11, 24), QTime(5, 0), QTimeZone::utc());
        Alert budget = breaker;
        budget.id = QStringLiteral("budget-threshold:/subscriptions/x:orders-monthly:actual");
        budget.rule = QStringLiteral("budget-threshold");
        budget.service = ServiceKey{QString(), QString(), QStringLiteral("orders")};
        Alert other = breaker;
        other.id = QStringLiteral("breaker-open:other/shop/orders:db");
        other.service.context = QStringLiteral("other");
        Alert source = breaker;
        source.id = QStringLiteral("source-down:appinsights");
        source.rule = QStringLiteral("source-down");
        source.service = ServiceKey{};

        QJsonObject root{{QStringLiteral("contexts"),
                          QJsonArray{QJsonObject{{QStringLiteral("name"), QStringLiteral("sim")},
                                                 {QStringLiteral("services"),
                                                  QJsonArray{QJsonObject{{QStringLiteral("name"), QStringLiteral("orders")},
                                                                         {QStringLiteral("namespace"), QStringLiteral("shop")}},
                                                             QJsonObject{{QStringLiteral("name"), QStringLiteral("cart")},
                                                                         {QStringLiteral("namespace"), QStringLiteral("shop")}}}}}}}};
        AlertEngine::addToSnapshot({breaker, budget, other, source}, root);
        const QJsonArray services = root[QStringLiteral("contexts")][0][QStringLiteral("services")].toArray();
        const QJsonArray orders = services.at(0)[QStringLiteral("alerts")].toArray();
        QCOMPARE(orders.size(), 2);
        QCOMPARE(orders.at(0)[QStringLiteral("id")].toString(), breaker.id);
        QCOMPARE(orders.at(1)[QStringLiteral("id")].toString(), budget.id);
        QCOMPARE(services.at(1)[QStringLiteral("alerts")].toArray().size(), 0);
        const QJsonArray estate = root[QStringLiteral("alerts")].toArray();
        QCOMPARE(estate.size(), 1);
        QCOMPARE(estate.at(0)[QStringLiteral("rule")].toString(), QStringLiteral("source-down"));
        QVERIFY(estate.at(0)[QStringLiteral("service")].isNull());
    }

    void settingsRoundTrip()
    {
        QTemporaryDir dir;
        QSettings settings(dir.filePath(QStringLiteral("opsdeck.ini")), QSettings::IniFormat);
        QCOMPARE(AlertSettings::load(settings), AlertSettings{});
        AlertSettings s;
        s.errorRatePercent = 2.5;
        s.hpaAtMaxSeconds = 600;
        s.podsNotReadySeconds = 90;
        s.podsDownSeconds = 20;
        s.holdDownSeconds = 30;
        s.save(settings);
        QCOMPARE(AlertSettings::load(settings), s);
        settings.setValue(QStringLiteral("alerts/healthSeconds"), QStringLiteral("soon"));
        QCOMPARE(AlertSettings::load(settings).healthSeconds, AlertSettings{}.healthSeconds);
    }
};

QTEST_GUILESS_MAIN(TestAlertEngine)
#include "tst_alertengine.moc"
