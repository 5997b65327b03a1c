// DrillStore on a real journal file (schema 3): add/update round trip with null times, windows (between),
// the newest runs per service, a second store (another process) reading the same file, and the timeline
// entries a run becomes.

#include "drillstore.h"
#include "journal.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>

using namespace Opsdeck;

namespace {

const QDateTime T0(QDate(2026, 11, 26), QTime(9, 0), QTimeZone::utc());

ServiceKey key(const QString &name)
{
    return ServiceKey{QStringLiteral("sim"), QStringLiteral("microservices"), name};
}

DrillRun run(const QString &scenario, const QString &service, const QDateTime &faultAt)
{
    DrillRun r;
    r.scenario = scenario;
    r.service = key(service);
    r.status = QStringLiteral("running");
    r.faultAt = faultAt;
    return r;
}

} // namespace

class TestDrillStore : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_path;
    Journal m_journal;

private Q_SLOTS:
    void initTestCase()
    {
        m_path = m_dir.filePath(QStringLiteral("journal.sqlite"));
        QVERIFY(m_journal.open(m_path));
    }

    void roundTrip()
    {
        DrillStore store;
        QVERIFY(store.open(m_path));
        QSignalSpy changed(&store, &DrillStore::runsChanged);
        DrillRun r = run(QStringLiteral("database-failure"), QStringLiteral("productservice"), T0);
        const Result<qint64> id = store.add(r);
        QVERIFY(id);
        r.id = *id;
        auto latest = store.latest(key(QStringLiteral("productservice")), 10);
        QVERIFY(latest);
        QCOMPARE(latest->size(), 1);
        QCOMPARE(latest->at(0), r); // invalid times stay invalid (NULL)
        QVERIFY(!latest->at(0).detectedAt.isValid());
        QCOMPARE(latest->at(0).detectedSeconds(), std::nullopt);

        r.detectedAt = T0.addMSecs(12400);
        r.clearedAt = T0.addSecs(13);
        r.recoveredAt = T0.addSecs(75);
        r.status = QStringLiteral("recovered");
        r.alertId = QStringLiteral("breaker-open:sim/microservices/productservice:products-db@stable");
        QVERIFY(store.update(r));
        QCOMPARE(changed.size(), 2);
        latest = store.latest(key(QStringLiteral("productservice")), 10);
        QCOMPARE(latest->at(0), r);
        QCOMPARE(latest->at(0).faultAt.timeSpec(), Qt::UTC);
        QCOMPARE(latest->at(0).detectedSeconds(), std::optional<qint64>(12));
        QCOMPARE(latest->at(0).recoveredSeconds(), std::optional<qint64>(75));
        QCOMPARE(latest->at(0).healSeconds(), std::optional<qint64>(62));

        DrillRun missing = r;
        missing.id = 999999;
        QVERIFY(store.update(missing).error().kind == ErrorKind::NotFound);

        // Another connection (the RCA export, another process) reads the same rows.
        DrillStore other;
        QVERIFY(other.open(m_path));
        QCOMPARE(other.latest(key(QStringLiteral("productservice")), 1)->at(0), r);
    }

    void windowsAndLatest()
    {
        DrillStore store;
        QVERIFY(store.open(m_path));
        const QDateTime base = T0.addDays(1);
        DrillRun a = run(QStringLiteral("bad-canary"), QStringLiteral("orderservice"), base);
        a.recoveredAt = base.addSecs(100);
        a.status = QStringLiteral("recovered");
        DrillRun b = run(QStringLiteral("high-latency"), QStringLiteral("orderservice"), base.addSecs(1000));
        b.clearedAt = base.addSecs(1300);
        b.status = QStringLiteral("timedOut");
        DrillRun c = run(QStringLiteral("pod-failure"), QStringLiteral("notificationservice"), base.addSecs(2000)); // still running
        for (DrillRun *r : {&a, &b, &c})
            r->id = *store.add(*r);

        auto ids = [](const Result<QList<DrillRun>> &runs) {
            QList<qint64> out;
            for (const DrillRun &r : *runs)
                out << r.id;
            return out;
        };
        QCOMPARE(ids(store.between(base.addSecs(50), base.addSecs(60))), QList<qint64>({a.id}));     // inside a
        QCOMPARE(ids(store.between(base.addSecs(101), base.addSecs(999))), QList<qint64>());          // between a and b
        QCOMPARE(ids(store.between(base.addSecs(1200), base.addSecs(2500))), QList<qint64>({b.id, c.id}));
        QCOMPARE(ids(store.between(base.addDays(5), base.addDays(6))), QList<qint64>({c.id}));         // running: until now
        QCOMPARE(ids(store.between(base.addSecs(-10), base.addSecs(5000))), QList<qint64>({a.id, b.id, c.id})); // oldest first

        QCOMPARE(ids(store.latest(key(QStringLiteral("orderservice")), 5)), QList<qint64>({b.id, a.id}));
        QCOMPARE(ids(store.latest(key(QStringLiteral("orderservice")), 1)), QList<qint64>({b.id}));
        QCOMPARE(store.latest(ServiceKey{}, 100)->first().id, c.id);
    }

    void closedAndUnmigrated()
    {
        DrillStore store;
        QVERIFY(store.add(run(QStringLiteral("bad-canary"), QStringLiteral("x"), T0)).error().kind == ErrorKind::Config);
        QTemporaryDir dir;
        QVERIFY(!store.open(dir.filePath(QStringLiteral("empty.sqlite"))));
        QVERIFY(!store.isOpen());
    }

    void timeline()
    {
        DrillRun r = run(QStringLiteral("database-failure"), QStringLiteral("productservice"), T0);
        r.id = 7;
        r.detectedAt = T0.addSecs(12);
        r.clearedAt = T0.addSecs(13);
        r.recoveredAt = T0.addSecs(75);
        r.status = QStringLiteral("recovered");
        r.alertId = QStringLiteral("breaker-open:sim/microservices/productservice:products-db@stable");
        DrillRun t = run(QStringLiteral("high-latency"), QStringLiteral("orderservice"), T0.addSecs(5));
        t.id = 8;
        t.clearedAt = T0.addSecs(305);
        t.status = QStringLiteral("timedOut");
        t.error = QStringLiteral("no alert raised within 300 s");

        const QList<TimelineEntry> entries = DrillStore::toTimeline({r, t});
        QStringList refs;
        for (const TimelineEntry &e : entries) {
            refs << e.reference;
            QVERIFY(e.kind == TimelineEntry::Kind::Drill);
            QCOMPARE(e.source, QStringLiteral("drills"));
        }
        QCOMPARE(refs, (QStringList{QStringLiteral("drill:7:fault"), QStringLiteral("drill:8:fault"), QStringLiteral("drill:7:detected"),
                                    QStringLiteral("drill:7:cleared"), QStringLiteral("drill:7:recovered"), QStringLiteral("drill:8:cleared"),
                                    QStringLiteral("drill:8:end")}));
        QCOMPARE(entries[0].service, key(QStringLiteral("productservice")));
        QCOMPARE(entries[0].at, T0);
        QVERIFY(entries[0].severity == TimelineEntry::Severity::Warning);
        QVERIFY(entries[2].title.contains(QStringLiteral("detected after 12 s")));
        QVERIFY(entries[2].detail.contains(r.alertId));
        QVERIFY(entries[4].title.contains(QStringLiteral("recovered after 75 s")));
        QVERIFY(entries[6].severity == TimelineEntry::Severity::Critical);
        QCOMPARE(entries[6].detail, t.error);
        QVERIFY(std::is_sorted(entries.begin(), entries.end(), timelineLess));
    }
};

QTEST_GUILESS_MAIN(TestDrillStore)
#include "tst_drillstore.moc"
