// TimelineModel (merge order, de-duplication, coalesced publishing, the bound), TimelineFilterProxyModel
// (kind, service, severity, text, time range) and TimelineFeed (ServiceStore diffs and events, journal,
// alert engine, budgets) on synthetic data.

#include "alertengine.h"
#include "coststore.h"
#include "drillstore.h"
#include "estatebuilder.h"
#include "fakeclock.h"
#include "journal.h"
#include "servicestore.h"
#include "timelinebuilder.h"
#include "timelinefeed.h"
#include "timelinefilterproxymodel.h"
#include "timelinemodel.h"

#include <QAbstractItemModelTester>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace Opsdeck;
using namespace Opsdeck::Test;

namespace {

const QDateTime T0(QDate(2026, 1, 1), QTime(12, 0), Qt::UTC);

TimelineEntry entry(qint64 ms, TimelineEntry::Kind kind, const QString &reference,
                    TimelineEntry::Severity severity = TimelineEntry::Severity::Info,
                    const QString &service = {})
{
    TimelineEntry e;
    e.at = T0.addMSecs(ms);
    e.kind = kind;
    e.severity = severity;
    e.reference = reference;
    e.title = QStringLiteral("title of ") + reference;
    if (!service.isEmpty())
        e.service = ServiceKey { Ctx, Ns, service };
    return e;
}

QStringList references(const QAbstractItemModel &model)
{
    QStringList out;
    for (int row = 0; row < model.rowCount(); ++row)
        out << model.index(row, 0).data(TimelineModel::ReferenceRole).toString();
    return out;
}

} // namespace

class tst_TimelineModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QTest::failOnWarning(QRegularExpression(QStringLiteral(".*")));
    }

    void mergeOrderWithEqualTimes()
    {
        TimelineModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.add(entry(5, TimelineEntry::Kind::Alert, QStringLiteral("a")));
        model.add(entry(5, TimelineEntry::Kind::Event, QStringLiteral("e2")));
        model.add(entry(1, TimelineEntry::Kind::Health, QStringLiteral("h")));
        model.add(entry(5, TimelineEntry::Kind::Event, QStringLiteral("e1")));
        QCOMPARE(model.rowCount(), 0); // queued until the flush
        QSignalSpy flushed(&model, &TimelineModel::flushed);
        QVERIFY(flushed.wait(2000)); // the timer publishes on its own
        QCOMPARE(references(model),
                 QStringList({ QStringLiteral("h"), QStringLiteral("e1"), QStringLiteral("e2"),
                               QStringLiteral("a") }));
        // Later entries land between the earlier ones in order.
        model.add(entry(3, TimelineEntry::Kind::Scaling, QStringLiteral("s")));
        model.add(entry(5, TimelineEntry::Kind::Scaling, QStringLiteral("s5")));
        model.add(entry(0, TimelineEntry::Kind::Scaling, QStringLiteral("s0")));
        model.flush();
        QCOMPARE(references(model),
                 QStringList({ QStringLiteral("s0"), QStringLiteral("h"), QStringLiteral("s"),
                               QStringLiteral("e1"), QStringLiteral("e2"), QStringLiteral("s5"),
                               QStringLiteral("a") }));
        QCOMPARE(model.rowOf(TimelineEntry::Kind::Event, QStringLiteral("e2")), 4);
        QCOMPARE(model.rowOf(TimelineEntry::Kind::Alert, QStringLiteral("e2")), -1);
        QCOMPARE(model.index(0, TimelineModel::KindColumn).data().toString(), QStringLiteral("Scaling"));
        QCOMPARE(model.index(6, TimelineModel::TitleColumn).data().toString(), QStringLiteral("title of a"));
        QCOMPARE(model.index(0, TimelineModel::TimeColumn).data(TimelineModel::AtRole).toDateTime(), T0);
    }

    void deduplication()
    {
        TimelineModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.add({ entry(1, TimelineEntry::Kind::Action, QStringLiteral("1:started")),
                    entry(2, TimelineEntry::Kind::Action, QStringLiteral("2:started")),
                    entry(3, TimelineEntry::Kind::Action, QStringLiteral("3:started")) });
        model.flush();
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);

        // The same entry again: nothing at all.
        model.add(entry(2, TimelineEntry::Kind::Action, QStringLiteral("2:started")));
        model.flush();
        QCOMPARE(changed.count() + inserted.count() + removed.count(), 0);

        // Same key, same place, new detail: replaced in place.
        TimelineEntry detailed = entry(2, TimelineEntry::Kind::Action, QStringLiteral("2:started"));
        detailed.detail = QStringLiteral("by alice");
        model.add(detailed);
        model.flush();
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(model.index(1, TimelineModel::DetailColumn).data().toString(), QStringLiteral("by alice"));

        // Same key, later time: it moves.
        model.add(entry(10, TimelineEntry::Kind::Action, QStringLiteral("1:started")));
        model.flush();
        QCOMPARE(references(model),
                 QStringList({ QStringLiteral("2:started"), QStringLiteral("3:started"),
                               QStringLiteral("1:started") }));
        // Within one batch the last one queued wins.
        TimelineEntry first = entry(20, TimelineEntry::Kind::Alert, QStringLiteral("x"));
        TimelineEntry second = first;
        second.detail = QStringLiteral("second");
        model.add({ first, second });
        model.flush();
        QCOMPARE(model.rowCount(), 4);
        QCOMPARE(model.entryAt(3).detail, QStringLiteral("second"));
    }

    void boundedNewestKept()
    {
        TimelineModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setLimit(100);
        for (int i = 0; i < 250; ++i)
            model.add(entry(i * 1000, TimelineEntry::Kind::Event, QString::number(i)));
        model.flush();
        QCOMPARE(model.rowCount(), 100);
        QCOMPARE(model.entryAt(0).reference, QStringLiteral("150"));
        QCOMPARE(model.entryAt(99).reference, QStringLiteral("249"));
        // The oldest are gone from the index too: adding one again makes it a row again (then trimmed).
        QCOMPARE(model.rowOf(TimelineEntry::Kind::Event, QStringLiteral("10")), -1);
        // An old entry read again (a feed re-reading history) is not inserted only to be trimmed.
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        model.add(entry(10 * 1000, TimelineEntry::Kind::Event, QStringLiteral("10")));
        model.flush();
        QCOMPARE(inserted.count() + removed.count(), 0);
        QCOMPARE(model.rowCount(), 100);
        model.add(entry(300 * 1000, TimelineEntry::Kind::Event, QStringLiteral("300")));
        model.flush();
        QCOMPARE(model.rowCount(), 100);
        QCOMPARE(model.entryAt(0).reference, QStringLiteral("151"));
    }

    void stormIsCoalesced()
    {
        TimelineModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.add(entry(0, TimelineEntry::Kind::Event, QStringLiteral("seed")));
        model.flush();
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        // 5,000 live observations, newest last: one insertion.
        for (int i = 1; i <= 5000; ++i)
            model.add(entry(i, TimelineEntry::Kind::Event, QString::number(i)));
        model.flush();
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(model.rowCount(), TimelineModel::DefaultLimit);
        // 2,000 in random order across the whole range: a handful of signals, still in order.
        inserted.clear();
        QRandomGenerator random(42);
        for (int i = 0; i < 2000; ++i)
            model.add(
                entry(random.bounded(5000), TimelineEntry::Kind::Scaling, QStringLiteral("r%1").arg(i)));
        model.flush();
        QVERIFY(inserted.count() + reset.count() <= TimelineModel::MaxInsertRuns);
        const QList<TimelineEntry> all = model.entries();
        QVERIFY(std::is_sorted(all.cbegin(), all.cend(), timelineLess));
        QCOMPARE(model.rowCount(), TimelineModel::DefaultLimit);
    }

    void filterProxy()
    {
        TimelineModel model;
        model.add({ entry(0, TimelineEntry::Kind::Event, QStringLiteral("e"),
                          TimelineEntry::Severity::Warning, QStringLiteral("productservice")),
                    entry(1000, TimelineEntry::Kind::Alert, QStringLiteral("a"),
                          TimelineEntry::Severity::Critical, QStringLiteral("productservice")),
                    entry(2000, TimelineEntry::Kind::Scaling, QStringLiteral("s"),
                          TimelineEntry::Severity::Info, QStringLiteral("orderservice")),
                    entry(3000, TimelineEntry::Kind::Budget, QStringLiteral("b"),
                          TimelineEntry::Severity::Warning) });
        TimelineEntry budget = entry(4000, TimelineEntry::Kind::Budget, QStringLiteral("b2"));
        budget.service
            = ServiceKey { {}, {}, QStringLiteral("productservice") }; // a budget knows only the tag
        budget.detail = QStringLiteral("Monthly spend at 83 %");
        model.add(budget);
        model.flush();

        TimelineFilterProxyModel proxy;
        QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        proxy.setSourceModel(&model);
        QSignalSpy filterChanged(&proxy, &TimelineFilterProxyModel::filterChanged);
        QCOMPARE(proxy.rowCount(), 5);

        proxy.setKinds({ TimelineEntry::Kind::Alert, TimelineEntry::Kind::Scaling });
        QCOMPARE(references(proxy), QStringList({ QStringLiteral("a"), QStringLiteral("s") }));
        proxy.setKinds({});

        proxy.setService(ServiceKey { Ctx, Ns, QStringLiteral("productservice") });
        QCOMPARE(references(proxy),
                 QStringList({ QStringLiteral("e"), QStringLiteral("a"), QStringLiteral("b"),
                               QStringLiteral("b2") }));
        proxy.setService(ServiceKey { Ctx, Ns, QStringLiteral("productservice") }, false);
        QCOMPARE(references(proxy),
                 QStringList({ QStringLiteral("e"), QStringLiteral("a"), QStringLiteral("b2") }));
        proxy.setService(ServiceKey { QStringLiteral("other"), Ns, QStringLiteral("productservice") }, false);
        QCOMPARE(references(proxy), QStringList({ QStringLiteral("b2") }));
        proxy.setService({});

        proxy.setMinimumSeverity(TimelineEntry::Severity::Warning);
        QCOMPARE(references(proxy),
                 QStringList({ QStringLiteral("e"), QStringLiteral("a"), QStringLiteral("b") }));
        proxy.setMinimumSeverity(TimelineEntry::Severity::Critical);
        QCOMPARE(references(proxy), QStringList({ QStringLiteral("a") }));
        proxy.setMinimumSeverity(TimelineEntry::Severity::Info);

        proxy.setFilterText(QStringLiteral("  MONTHLY 83 "));
        QCOMPARE(references(proxy), QStringList({ QStringLiteral("b2") }));
        proxy.setFilterText(QStringLiteral("orderservice"));
        QCOMPARE(references(proxy), QStringList({ QStringLiteral("s") }));
        proxy.setFilterText(QStringLiteral("budget")); // the kind's word
        QCOMPARE(references(proxy), QStringList({ QStringLiteral("b"), QStringLiteral("b2") }));
        proxy.setFilterText({});

        proxy.setTimeRange(T0.addSecs(1), T0.addSecs(3));
        QCOMPARE(references(proxy),
                 QStringList({ QStringLiteral("a"), QStringLiteral("s"), QStringLiteral("b") }));
        proxy.setTimeRange(T0.addSecs(3), {});
        QCOMPARE(references(proxy), QStringList({ QStringLiteral("b"), QStringLiteral("b2") }));
        QVERIFY(proxy.acceptsIgnoringTime(model.entryAt(0)));
        QCOMPARE(filterChanged.count(), 15);

        // Live: a new entry inside the range appears in the proxy.
        model.add(entry(5000, TimelineEntry::Kind::Health, QStringLiteral("h")));
        model.flush();
        QCOMPARE(references(proxy),
                 QStringList({ QStringLiteral("b"), QStringLiteral("b2"), QStringLiteral("h") }));
    }

    void feedFromServiceStore()
    {
        FakeClock clock;
        ServiceStore store;
        TimelineModel model;
        TimelineFeed feed(&model, clock);
        std::vector<Observation> first = allSynced();
        append(first, service(QStringLiteral("productservice"), 2, 1));
        first.push_back(
            added(ResourceKind::Event, QStringLiteral("ev1"),
                  eventInfo(QStringLiteral("ev1"), QStringLiteral("Pod"),
                            QStringLiteral("productservice-stable-0"), true, QStringLiteral("BackOff"), 5)));
        store.apply(batch(first));
        store.flush();
        feed.attachServices(&store); // after the first sync: a baseline, events already known
        model.flush();
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(toString(model.entryAt(0).kind), toString(TimelineEntry::Kind::Event));
        QCOMPARE(model.entryAt(0).service.name, QStringLiteral("productservice"));

        // Scale the stable track and set a canary weight: two entries, stamped with the clock.
        clock.advance(std::chrono::seconds(30));
        store.apply(batch({ added(ResourceKind::Deployment, QStringLiteral("productservice-stable"),
                                  deployment(QStringLiteral("productservice"), Track::Stable, 4, 2), Ns, Ctx,
                                  ResourceDelta::Type::Modified),
                            added(ResourceKind::Ingress, QStringLiteral("productservice-canary"),
                                  canaryIngress(QStringLiteral("productservice"), 25), Ns, Ctx) }));
        store.flush(); // the feed diffs on flushed()
        model.flush();
        QList<TimelineEntry::Kind> kinds;
        for (const TimelineEntry &e : model.entries())
            kinds << e.kind;
        QVERIFY2(kinds.contains(TimelineEntry::Kind::Scaling),
                 qPrintable(model.entryAt(model.rowCount() - 1).title));
        QVERIFY(kinds.contains(TimelineEntry::Kind::CanaryWeight));
        const int scaling = int(kinds.indexOf(TimelineEntry::Kind::Scaling));
        QCOMPARE(model.entryAt(scaling).title, QStringLiteral("productservice stable scaled 2 → 4 replicas"));
        QCOMPARE(model.entryAt(scaling).at, clock.wallNow());

        // A later event arrives through detailsChanged; the same store state again adds nothing.
        store.apply(batch({ added(ResourceKind::Event, QStringLiteral("ev2"),
                                  eventInfo(QStringLiteral("ev2"), QStringLiteral("Deployment"),
                                            QStringLiteral("productservice-stable"), false,
                                            QStringLiteral("ScalingReplicaSet"), 6)) }));
        store.flush();
        model.flush();
        const int rows = model.rowCount();
        QVERIFY(model.rowOf(TimelineEntry::Kind::Event,
                            QStringLiteral("ctx/microservices/ev2@%1")
                                .arg(QDateTime(QDate(2026, 1, 1), QTime(12, 6), Qt::UTC).toMSecsSinceEpoch()))
                >= 0);
        feed.processServices();
        store.flush();
        model.flush();
        QCOMPARE(model.rowCount(), rows);
    }

    void feedFromBreakers()
    {
        FakeClock clock;
        ServiceStore store;
        TimelineModel model;
        TimelineFeed feed(&model, clock);
        feed.attachServices(&store);
        std::vector<Observation> first = allSynced();
        append(first, service(QStringLiteral("productservice"), 1, 0));
        store.apply(batch(first));
        store.flush();
        const ServiceKey key { Ctx, Ns, QStringLiteral("productservice") };
        BreakerState open;
        open.service = key;
        open.pipeline = QStringLiteral("products-db");
        open.strategy = QStringLiteral("cb");
        open.state = BreakerState::State::Open;
        open.since = T0.addSecs(100);
        open.track = Track::Stable;
        store.apply(batch({ open }));
        store.flush();
        model.flush();
        bool found = false;
        for (const TimelineEntry &e : model.entries()) {
            if (e.kind == TimelineEntry::Kind::Breaker && e.title.contains(QStringLiteral("Open"))) {
                found = true;
                QCOMPARE(e.service, key);
                QCOMPARE(toString(e.severity), toString(TimelineEntry::Severity::Critical));
            }
        }
        QVERIFY2(found, "no breaker entry on the timeline");
    }

    void feedFromJournalAndAlerts()
    {
        QTemporaryDir dir;
        Journal journal;
        QVERIFY(journal.open(dir.filePath(QStringLiteral("journal.sqlite"))).has_value());
        JournalEntry old;
        old.requestId = QUuid::createUuid();
        old.startedAt = QDateTime::currentDateTimeUtc().addSecs(-60);
        old.updatedAt = old.startedAt;
        old.service = ServiceKey { Ctx, Ns, QStringLiteral("productservice") };
        old.action = QStringLiteral("scale");
        old.user = QStringLiteral("admin");
        const auto oldId = journal.add(old);
        QVERIFY(oldId.has_value());

        FakeClock clock;
        TimelineModel model;
        TimelineFeed feed(&model, Clock::system());
        feed.attachJournal(&journal);
        model.flush();
        QCOMPARE(model.rowOf(TimelineEntry::Kind::Action, QStringLiteral("%1:started").arg(*oldId)), 0);

        // Live: the action finishes.
        OperationStatus done;
        done.state = OperationStatus::State::Succeeded;
        done.message = QStringLiteral("scaled to 3");
        QVERIFY(journal.record(*oldId, done).has_value());
        model.flush();
        const int finished
            = model.rowOf(TimelineEntry::Kind::Action, QStringLiteral("%1:succeeded").arg(*oldId));
        QVERIFY(finished >= 0);
        QCOMPARE(model.entryAt(finished).detail, QStringLiteral("scaled to 3"));

        // Alerts: the engine's raised and ended signals.
        AlertEngine alerts(clock);
        feed.attachAlerts(&alerts);
        Alert alert;
        alert.id = QStringLiteral("breaker-open:ctx/microservices/productservice");
        alert.rule = QStringLiteral("breaker-open");
        alert.service = old.service;
        alert.severity = Alert::Severity::Critical;
        alert.since = T0;
        Q_EMIT alerts.alertRaised(alert);
        alert.ended = T0.addSecs(120);
        Q_EMIT alerts.alertEnded(alert);
        model.flush();
        QVERIFY(model.rowOf(TimelineEntry::Kind::Alert, TimelineBuilder::raised(alert).reference) >= 0);
        QVERIFY(model.rowOf(TimelineEntry::Kind::Alert, TimelineBuilder::ended(alert).reference) >= 0);
        feed.attachAlerts(nullptr);

        // Drill runs kept in the same journal file.
        DrillStore drills;
        QVERIFY(drills.open(journal.path()).has_value());
        DrillRun run;
        run.scenario = QStringLiteral("bad-canary");
        run.service = old.service;
        run.status = QStringLiteral("recovered");
        run.faultAt = QDateTime::currentDateTimeUtc().addSecs(-120);
        run.detectedAt = run.faultAt.addSecs(12);
        run.clearedAt = run.faultAt.addSecs(30);
        run.recoveredAt = run.faultAt.addSecs(41);
        QVERIFY(drills.add(run).has_value());
        const int before = model.rowCount();
        feed.attachDrills(nullptr, &drills);
        model.flush();
        QVERIFY(model.rowCount() > before);
        bool drill = false;
        for (const TimelineEntry &e : model.entries())
            drill |= e.kind == TimelineEntry::Kind::Drill && e.service == old.service;
        QVERIFY(drill);
    }

    void feedFromBudgets()
    {
        auto series = [](double spent) {
            CostSeries s;
            s.serviceTag = QStringLiteral("cart");
            s.scope = QStringLiteral("/subscriptions/sub");
            s.currency = QStringLiteral("USD");
            s.points = { CostPoint { QDate(2026, 11, 5), spent, false } };
            s.asOf = QDate(2026, 11, 10);
            s.fetchedAt = QDateTime(s.asOf, QTime(9, 0), Qt::UTC);
            return s;
        };
        CostBudget budget;
        budget.scope = QStringLiteral("/subscriptions/sub");
        budget.name = QStringLiteral("cart-monthly");
        budget.serviceTag = QStringLiteral("cart");
        budget.amount = 100;
        budget.currency = QStringLiteral("USD");
        budget.timeGrain = QStringLiteral("Monthly");
        budget.notifications = { CostBudget::Notification { QStringLiteral("n80"), 80, false, true,
                                                            QStringLiteral("GreaterThanOrEqualTo") } };
        auto batchOf = [&](double spent) {
            return ObservationBatch { QStringLiteral("costmanagement"),
                                      QDateTime::currentDateTimeUtc(),
                                      { series(spent), budget } };
        };

        CostStore costs; // stamps crossings with the wall clock: so does the feed here
        TimelineModel model;
        TimelineFeed feed(&model, Clock::system());
        costs.apply(batchOf(40));
        feed.attachCosts(&costs);
        model.flush();
        QCOMPARE(model.rowCount(), 0); // under every threshold

        costs.apply(batchOf(85)); // crosses 80 %
        model.flush();
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(toString(model.entryAt(0).kind), toString(TimelineEntry::Kind::Budget));
        QCOMPARE(model.entryAt(0).title, QStringLiteral("Budget cart-monthly crossed 80 %"));
        QCOMPARE(model.entryAt(0).service.name, QStringLiteral("cart"));

        costs.apply(batchOf(85)); // the same figures again: nothing new
        model.flush();
        QCOMPARE(model.rowCount(), 1);

        const QDateTime before = QDateTime::currentDateTimeUtc();
        costs.apply(batchOf(50)); // back under
        model.flush();
        QCOMPARE(model.rowCount(), 2);
        // (Within one millisecond of the crossing the two may share a time stamp: found by title.)
        const int cleared = model.entryAt(0).title.contains(QStringLiteral("back under")) ? 0 : 1;
        QVERIFY2(model.entryAt(cleared).title.contains(QStringLiteral("back under 80 %")),
                 qPrintable(model.entryAt(cleared).title));
        QVERIFY(model.entryAt(cleared).at >= before);
        QCOMPARE(toString(model.entryAt(cleared).severity), toString(TimelineEntry::Severity::Info));
    }
};

QTEST_GUILESS_MAIN(tst_TimelineModel)
#include "tst_timelinemodel.moc"
