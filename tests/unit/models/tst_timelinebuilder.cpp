// TimelineBuilder: each converter (journal, alerts, events, breakers, service diffs, budget crossings) and
// the merge order with de-duplication, on synthetic values.

#include "timelinebuilder.h"

#include <QTest>

using namespace Opsdeck;

namespace {

const QDateTime T0(QDate(2026, 1, 1), QTime(12, 0), Qt::UTC);
const ServiceKey Products { QStringLiteral("ctx"), QStringLiteral("microservices"),
                            QStringLiteral("productservice") };

TimelineEntry entry(int second, TimelineEntry::Kind kind, const QString &reference, const QString &title = {})
{
    TimelineEntry e;
    e.at = T0.addSecs(second);
    e.kind = kind;
    e.reference = reference;
    e.title = title.isEmpty() ? reference : title;
    return e;
}

QStringList references(const QList<TimelineEntry> &entries)
{
    QStringList out;
    for (const TimelineEntry &e : entries)
        out << e.reference;
    return out;
}

ServiceSummary summary()
{
    ServiceSummary s;
    s.key = Products;
    s.health = Health::Healthy;
    s.stable.present = true;
    s.stable.deployment = QStringLiteral("productservice-stable");
    s.stable.desired = 2;
    s.stable.ready = 2;
    s.stable.revision = 4;
    s.stable.image = QStringLiteral("registry/productservice:1.4.2");
    s.canary.present = true;
    s.canary.deployment = QStringLiteral("productservice-canary");
    s.canary.desired = 1;
    s.canary.ready = 1;
    s.canary.revision = 2;
    s.canary.image = QStringLiteral("registry/productservice:1.5.0");
    s.hpa.present = true;
    s.hpa.desired = 2;
    s.hpa.min = 2;
    s.hpa.max = 6;
    s.canaryWeight = 10.0;
    s.pods = 3;
    s.readyPods = 3;
    return s;
}

} // namespace

class tst_TimelineBuilder : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QTest::failOnWarning(QRegularExpression(QStringLiteral(".*"))); }

    void journalStartedAndFinished()
    {
        JournalEntry done;
        done.id = 7;
        done.service = Products;
        done.track = Track::Canary;
        done.action = QStringLiteral("canary-weight");
        done.user = QStringLiteral("aks-admin");
        done.parameters = { { QStringLiteral("weight"), 50 } };
        done.startedAt = T0;
        done.finishedAt = T0.addSecs(3);
        done.status = JournalStatus::Succeeded;
        done.message = QStringLiteral("weight is 50");

        JournalEntry running = done;
        running.id = 8;
        running.finishedAt = {};
        running.status = JournalStatus::Started;

        JournalEntry failed = done;
        failed.id = 9;
        failed.status = JournalStatus::Failed;
        failed.error = Error { ErrorKind::Conflict, QStringLiteral("the Ingress changed"), {}, {} };

        JournalEntry refused = done;
        refused.id = 10;
        refused.status = JournalStatus::Refused;
        refused.message = QStringLiteral("read-only");

        const QList<TimelineEntry> out = TimelineBuilder::fromJournal({ done, running, failed, refused });
        QCOMPARE(references(out),
                 QStringList({ QStringLiteral("7:started"), QStringLiteral("7:succeeded"),
                               QStringLiteral("8:started"), QStringLiteral("9:started"),
                               QStringLiteral("9:failed"), QStringLiteral("10:refused") }));
        QCOMPARE(out[0].at, T0);
        QCOMPARE(toString(out[0].kind), toString(TimelineEntry::Kind::Action));
        QCOMPARE(out[0].service, Products);
        QCOMPARE(out[0].title, QStringLiteral("canary-weight on productservice (canary) started"));
        QVERIFY(out[0].detail.contains(QStringLiteral("weight=50")));
        QVERIFY(out[0].detail.contains(QStringLiteral("aks-admin")));
        QCOMPARE(out[1].at, T0.addSecs(3));
        QCOMPARE(toString(out[1].severity), toString(TimelineEntry::Severity::Info));
        QCOMPARE(out[1].detail, QStringLiteral("weight is 50"));
        QCOMPARE(toString(out[4].severity), toString(TimelineEntry::Severity::Warning));
        QVERIFY(out[4].detail.contains(QStringLiteral("the Ingress changed")));
        QCOMPARE(toString(out[5].severity), toString(TimelineEntry::Severity::Warning));
        QCOMPARE(out[5].detail, QStringLiteral("read-only"));
        for (const TimelineEntry &e : out)
            QCOMPARE(e.source, QStringLiteral("journal"));
    }

    void alertsRaisedAndEnded()
    {
        Alert active;
        active.id = QStringLiteral("breaker-open:ctx/microservices/productservice:products-db");
        active.rule = QStringLiteral("breaker-open");
        active.service = Products;
        active.severity = Alert::Severity::Critical;
        active.since = T0;
        active.summary = QStringLiteral("Breaker products-db is Open");

        Alert ended = active;
        ended.id = QStringLiteral("health-degraded:ctx/microservices/productservice");
        ended.rule = QStringLiteral("health-degraded");
        ended.severity = Alert::Severity::Warning;
        ended.since = T0.addSecs(10);
        ended.ended = T0.addSecs(70);
        ended.acknowledgedBy = QStringLiteral("alice");

        const QList<TimelineEntry> out = TimelineBuilder::fromAlerts({ active, ended });
        QCOMPARE(out.size(), 3);
        QCOMPARE(toString(out[0].kind), toString(TimelineEntry::Kind::Alert));
        QCOMPARE(toString(out[0].severity), toString(TimelineEntry::Severity::Critical));
        QCOMPARE(out[0].at, T0);
        QCOMPARE(out[0].detail, active.summary);
        QCOMPARE(out[0].reference, active.id + QStringLiteral("@%1:raised").arg(T0.toMSecsSinceEpoch()));
        QCOMPARE(toString(out[1].severity), toString(TimelineEntry::Severity::Warning));
        QCOMPARE(out[2].at, T0.addSecs(70));
        QCOMPARE(toString(out[2].severity), toString(TimelineEntry::Severity::Info));
        QVERIFY(out[2].title.contains(QStringLiteral("ended")));
        QVERIFY(out[2].detail.contains(QStringLiteral("alice")));
        // The same alert raised again later is another moment, not a duplicate.
        Alert again = active;
        again.since = T0.addSecs(600);
        QVERIFY(TimelineBuilder::raised(again).reference != out[0].reference);
    }

    void eventsServiceFromInvolvedObject_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("service");
        QTest::newRow("pod") << "Pod"
                             << "productservice-stable-7d9c8b6f5-x2x9z"
                             << "productservice";
        QTest::newRow("canary pod") << "Pod"
                                    << "productservice-canary-5f6d7c8d9-abcde"
                                    << "productservice";
        QTest::newRow("replicaset") << "ReplicaSet"
                                    << "orderservice-stable-7d9c8b6f5"
                                    << "orderservice";
        QTest::newRow("deployment") << "Deployment"
                                    << "orderservice-canary"
                                    << "orderservice";
        QTest::newRow("hpa") << "HorizontalPodAutoscaler"
                             << "productservice"
                             << "productservice";
    }
    void eventsServiceFromInvolvedObject()
    {
        QFETCH(QString, kind);
        QFETCH(QString, name);
        QFETCH(QString, service);
        QCOMPARE(TimelineBuilder::serviceNameOf(kind, name), service);
    }

    void events()
    {
        EventInfo backoff;
        backoff.name = QStringLiteral("productservice-stable-7d9c8b6f5-x2x9z.17a");
        backoff.ns = QStringLiteral("microservices");
        backoff.involvedKind = QStringLiteral("Pod");
        backoff.involvedName = QStringLiteral("productservice-stable-7d9c8b6f5-x2x9z");
        backoff.reason = QStringLiteral("BackOff");
        backoff.message = QStringLiteral("Back-off restarting failed container");
        backoff.warning = true;
        backoff.count = 4;
        backoff.lastTime = T0;
        EventInfo noTime = backoff;
        noTime.name = QStringLiteral("x");
        noTime.lastTime = {};

        const QList<TimelineEntry> out
            = TimelineBuilder::fromEvents({ backoff, noTime }, QStringLiteral("ctx"));
        QCOMPARE(out.size(), 1); // an event without a time cannot be placed
        QCOMPARE(out[0].service, Products);
        QCOMPARE(toString(out[0].kind), toString(TimelineEntry::Kind::Event));
        QCOMPARE(toString(out[0].severity), toString(TimelineEntry::Severity::Warning));
        QCOMPARE(out[0].title, QStringLiteral("BackOff Pod/productservice-stable-7d9c8b6f5-x2x9z (×4)"));
        QCOMPARE(out[0].detail, backoff.message);
        QCOMPARE(out[0].source, QStringLiteral("kubernetes:ctx"));

        // The store's key wins over the guess; a repeat (later lastTime) is a new moment.
        const ServiceKey other { QStringLiteral("ctx"), QStringLiteral("microservices"),
                                 QStringLiteral("basket") };
        EventInfo repeat = backoff;
        repeat.count = 5;
        repeat.lastTime = T0.addSecs(30);
        const QList<TimelineEntry> keyed = TimelineBuilder::fromEvents({ backoff, repeat }, other);
        QCOMPARE(keyed[0].service, other);
        QVERIFY(keyed[0].reference != keyed[1].reference);
        QCOMPARE(keyed[0].reference, out[0].reference);
        QCOMPARE(TimelineBuilder::merged(keyed).size(), 2);
    }

    void breakers()
    {
        const QList<BreakerTransition> history = {
            { QStringLiteral("products-db"), Track::Stable, BreakerState::State::Closed, T0 },
            { QStringLiteral("products-db"), Track::Canary, BreakerState::State::Open, T0.addSecs(1) },
            { QStringLiteral("products-db"), Track::Stable, BreakerState::State::Open, T0.addSecs(5) },
            { QStringLiteral("products-db"), Track::Stable, BreakerState::State::HalfOpen, T0.addSecs(35) },
        };
        const QList<TimelineEntry> out = TimelineBuilder::fromBreakerHistory(Products, history);
        QCOMPARE(out.size(), 4);
        QCOMPARE(out[0].title, QStringLiteral("Breaker products-db (stable) Closed"));
        QCOMPARE(toString(out[0].severity), toString(TimelineEntry::Severity::Info));
        QCOMPARE(out[1].title, QStringLiteral("Breaker products-db (canary) Open"));
        QCOMPARE(out[2].title, QStringLiteral("Breaker products-db (stable) Closed → Open"));
        QCOMPARE(toString(out[2].severity), toString(TimelineEntry::Severity::Critical));
        QCOMPARE(out[3].title, QStringLiteral("Breaker products-db (stable) Open → HalfOpen"));
        QCOMPARE(toString(out[3].severity), toString(TimelineEntry::Severity::Warning));
        QCOMPARE(out[3].at, T0.addSecs(35));
        QCOMPARE(toString(out[2].kind), toString(TimelineEntry::Kind::Breaker));
        QCOMPARE(TimelineBuilder::merged(out).size(), 4);
    }

    void diffNothingForNewOrUnchanged()
    {
        const ServiceSummary s = summary();
        QVERIFY(TimelineBuilder::diff(nullptr, s, T0).isEmpty());
        QVERIFY(TimelineBuilder::diff(&s, s, T0).isEmpty());
    }

    void diffs_data()
    {
        QTest::addColumn<int>("change");
        QTest::addColumn<int>("kind");
        QTest::addColumn<int>("severity");
        QTest::addColumn<QString>("title");
        QTest::newRow("scale stable")
            << 0 << int(TimelineEntry::Kind::Scaling) << int(TimelineEntry::Severity::Info)
            << "productservice stable scaled 2 → 4 replicas";
        QTest::newRow("hpa at max") << 1 << int(TimelineEntry::Kind::Scaling)
                                    << int(TimelineEntry::Severity::Warning)
                                    << "productservice HPA desired 2 → 6 replicas (at max)";
        QTest::newRow("rollout") << 2 << int(TimelineEntry::Kind::Rollout)
                                 << int(TimelineEntry::Severity::Info)
                                 << "productservice canary rollout revision 2 → 3";
        QTest::newRow("canary weight")
            << 3 << int(TimelineEntry::Kind::CanaryWeight) << int(TimelineEntry::Severity::Info)
            << "productservice canary weight 10 % → 50 %";
        QTest::newRow("unhealthy") << 4 << int(TimelineEntry::Kind::Health)
                                   << int(TimelineEntry::Severity::Critical)
                                   << "productservice Healthy → Unhealthy";
        QTest::newRow("stuck") << 5 << int(TimelineEntry::Kind::Rollout)
                               << int(TimelineEntry::Severity::Warning)
                               << "productservice stable rollout stuck";
        QTest::newRow("canary removed")
            << 6 << int(TimelineEntry::Kind::Rollout) << int(TimelineEntry::Severity::Info)
            << "productservice canary deployment removed";
    }
    void diffs()
    {
        QFETCH(int, change);
        QFETCH(int, kind);
        QFETCH(int, severity);
        QFETCH(QString, title);
        const ServiceSummary before = summary();
        ServiceSummary after = before;
        switch (change) {
        case 0:
            after.stable.desired = 4;
            break;
        case 1:
            after.hpa.desired = 6;
            break;
        case 2:
            after.canary.revision = 3;
            after.canary.image = QStringLiteral("registry/productservice:1.5.1");
            break;
        case 3:
            after.canaryWeight = 50.0;
            break;
        case 4:
            after.health = Health::Unhealthy;
            break;
        case 5:
            after.stable.rolloutStuck = true;
            break;
        case 6:
            after.canary = TrackSummary {};
            break;
        }
        const QList<TimelineEntry> out = TimelineBuilder::diff(&before, after, T0);
        QCOMPARE(out.size(), 1);
        QCOMPARE(int(out[0].kind), kind);
        QCOMPARE(int(out[0].severity), severity);
        QCOMPARE(out[0].title, title);
        QCOMPARE(out[0].at, T0);
        QCOMPARE(out[0].service, Products);
        QVERIFY(out[0].reference.endsWith(QStringLiteral("@%1").arg(T0.toMSecsSinceEpoch())));
        if (change == 2)
            QCOMPARE(out[0].detail,
                     QStringLiteral("registry/productservice:1.5.0 → registry/productservice:1.5.1"));
    }

    void diffFirstSyncIsNoHealthChange()
    {
        ServiceSummary before = summary();
        before.health = Health::Unknown;
        const ServiceSummary after = summary();
        QVERIFY(TimelineBuilder::diff(&before, after, T0).isEmpty());
        // Several changes at once: several entries, distinct references.
        ServiceSummary more = after;
        more.stable.desired = 3;
        more.canary.desired = 2;
        more.health = Health::Degraded;
        const QList<TimelineEntry> out = TimelineBuilder::diff(&after, more, T0);
        QCOMPARE(out.size(), 3);
        QCOMPARE(TimelineBuilder::merged(out).size(), 3);
    }

    void budgets()
    {
        CostAlert eighty;
        eighty.id = QStringLiteral("budget-threshold:rg:productservice-monthly:actual:80");
        eighty.scope = QStringLiteral("rg");
        eighty.service = QStringLiteral("productservice");
        eighty.budget = QStringLiteral("productservice-monthly");
        eighty.thresholdPercent = 80;
        eighty.percent = 83.5;
        eighty.since = T0;
        CostAlert forecast = eighty;
        forecast.id = QStringLiteral("budget-threshold:rg:productservice-monthly:forecast:100");
        forecast.thresholdPercent = 100;
        forecast.forecasted = true;
        forecast.severity = CostAlert::Severity::Critical;
        forecast.since = T0.addSecs(60);

        const QList<TimelineEntry> crossed
            = TimelineBuilder::budgetCrossings({}, { eighty, forecast }, T0.addSecs(90));
        QCOMPARE(crossed.size(), 2);
        QCOMPARE(toString(crossed[0].kind), toString(TimelineEntry::Kind::Budget));
        QCOMPARE(crossed[0].title, QStringLiteral("Budget productservice-monthly crossed 80 %"));
        QCOMPARE(crossed[0].at, T0);
        QCOMPARE(crossed[0].service.name, QStringLiteral("productservice"));
        QCOMPARE(crossed[1].title, QStringLiteral("Budget productservice-monthly forecast crosses 100 %"));
        QCOMPARE(toString(crossed[1].severity), toString(TimelineEntry::Severity::Critical));

        QVERIFY(TimelineBuilder::budgetCrossings({ eighty, forecast }, { eighty, forecast }, T0).isEmpty());

        const QList<TimelineEntry> cleared
            = TimelineBuilder::budgetCrossings({ eighty, forecast }, { eighty }, T0.addSecs(900));
        QCOMPARE(cleared.size(), 1);
        QCOMPARE(cleared[0].at, T0.addSecs(900));
        QCOMPARE(toString(cleared[0].severity), toString(TimelineEntry::Severity::Info));
        QVERIFY(cleared[0].title.contains(QStringLiteral("back under 100 %")));
        QVERIFY(cleared[0].reference != crossed[1].reference);
    }

    void mergeOrderAndDeduplication()
    {
        // Equal timestamps: by kind (enum order), then reference; out of order input; a duplicate key.
        const QList<TimelineEntry> input = {
            entry(5, TimelineEntry::Kind::Alert, QStringLiteral("a2")),
            entry(5, TimelineEntry::Kind::Event, QStringLiteral("e2")),
            entry(1, TimelineEntry::Kind::Health, QStringLiteral("h1")),
            entry(5, TimelineEntry::Kind::Event, QStringLiteral("e1")),
            entry(5, TimelineEntry::Kind::Scaling, QStringLiteral("s1")),
            entry(9, TimelineEntry::Kind::Alert, QStringLiteral("a2"),
                  QStringLiteral("moved later")), // replaces a2
            entry(5, TimelineEntry::Kind::Event, QStringLiteral("a2")), // same reference, other kind: kept
            entry(3, TimelineEntry::Kind::Drill, {}),
            entry(3, TimelineEntry::Kind::Drill, {}), // no reference: never merged away
        };
        QList<TimelineEntry> anonymous = input;
        anonymous[7].title = QStringLiteral("x");
        anonymous[8].title = QStringLiteral("y");
        const QList<TimelineEntry> out = TimelineBuilder::merged(anonymous);
        QCOMPARE(references(out),
                 QStringList({ QStringLiteral("h1"), QString(), QString(), QStringLiteral("a2"),
                               QStringLiteral("e1"), QStringLiteral("e2"), QStringLiteral("s1"),
                               QStringLiteral("a2") }));
        QCOMPARE(out.last().title, QStringLiteral("moved later"));
        QCOMPARE(toString(out.last().kind), toString(TimelineEntry::Kind::Alert));
        // Deterministic: any permutation merges the same.
        QList<TimelineEntry> reversed(anonymous.crbegin(), anonymous.crend());
        // (reversed, the first a2 given last wins: only its title differs)
        QList<TimelineEntry> again = TimelineBuilder::merged(reversed);
        QCOMPARE(references(again), references(out));
        QVERIFY(std::is_sorted(out.cbegin(), out.cend(), timelineLess));

        QCOMPARE(TimelineBuilder::between(out, T0.addSecs(3), T0.addSecs(5)).size(), 6);
        QCOMPARE(TimelineBuilder::between(out, {}, T0.addSecs(2)).size(), 1);
    }
};

QTEST_GUILESS_MAIN(tst_TimelineBuilder)
#include "tst_timelinebuilder.moc"
