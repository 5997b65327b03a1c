// RcaReport: what lands in the window, and the facts derived from it (first fault and alert, time to
// detect and resolve, actions with who/when/result, affected services, severity).

#include "rcafixture.h"
#include "rcareport.h"

#include <QTest>

using namespace Opsdeck;
using namespace RcaFixture;

class tst_RcaReport : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void derivedFactsFromADrill();
    void derivedFactsWithoutADrill();
    void drillDetectionWithoutTheAlertLog();
    void windowFiltering();
    void timelineIsOrderedAndDeduplicated();
    void actionsListed();
    void affectedServicesAndSeverity();
    void unresolvedIncident();
    void emptyWindow();
    void swappedBoundsAndTitle();
    void alertSecondsCountOverlapOnce();
    void durationLabel_data();
    void durationLabel();
    void timeLabels();
};

void tst_RcaReport::derivedFactsFromADrill()
{
    const RcaReport report = RcaReport::build(inputs(true));
    QCOMPARE(report.firstFaultAt, at(8, 12, 3));
    QVERIFY2(report.firstFault.contains(QStringLiteral("database-failure")), qPrintable(report.firstFault));
    QCOMPARE(report.firstAlertAt, at(8, 12, 41));
    QVERIFY(report.firstAlert.startsWith(QStringLiteral("breaker-open on productservice")));
    QCOMPARE(report.detectionSeconds(), std::optional<qint64>(38));
    QCOMPARE(report.resolvedAt, at(8, 16, 30));
    QCOMPARE(report.resolveSeconds(), std::optional<qint64>(4 * 60 + 27));
    QCOMPARE(report.startedAt(), at(8, 12, 3));
    QCOMPARE(report.resolution, QStringLiteral("Every alert ended"));
    QCOMPARE(report.drills.size(), 1);
}

void tst_RcaReport::derivedFactsWithoutADrill()
{
    // A real incident: the first warning on the timeline (the health change) is the first fault.
    const RcaReport report = RcaReport::build(inputs(false));
    QCOMPARE(report.firstFaultAt, at(8, 12, 20));
    QVERIFY(report.firstFault.contains(QStringLiteral("Healthy → Unhealthy")));
    QCOMPARE(report.detectionSeconds(), std::optional<qint64>(21));
    QCOMPARE(report.resolveSeconds(), std::optional<qint64>(4 * 60 + 10));
}

void tst_RcaReport::drillDetectionWithoutTheAlertLog()
{
    RcaReport::Inputs in = inputs(true);
    in.alerts.clear();
    const RcaReport report = RcaReport::build(in);
    QCOMPARE(report.firstAlertAt, at(8, 12, 41));
    QCOMPARE(report.firstAlert,
             QStringLiteral(
                 "breaker-open:sim/shop/productservice raised (detected by the database-failure drill)"));
    QCOMPARE(report.detectionSeconds(), std::optional<qint64>(38));
    QCOMPARE(report.resolvedAt, at(8, 16, 30)); // the drill recovered
    QCOMPARE(report.resolution, QStringLiteral("The service recovered"));
}

void tst_RcaReport::windowFiltering()
{
    const RcaReport report = RcaReport::build(inputs());
    // The alert of 07:10–07:20 and the journal entry of 07:30 are before the window.
    QCOMPARE(report.alerts.size(), 2);
    for (const Alert &a : report.alerts)
        QVERIFY(a.rule != QStringLiteral("source-down"));
    QCOMPARE(report.actions.size(), 2);
    for (const TimelineEntry &e : report.timeline) {
        QVERIFY2(e.at >= at(8, 0) && e.at <= at(9, 0), qPrintable(e.title));
    }

    // An alert raised before the window and ended inside it belongs to it; the report clips nothing of it.
    RcaReport::Inputs in = inputs();
    in.from = at(8, 14);
    const RcaReport late = RcaReport::build(in);
    QCOMPARE(late.alerts.size(), 2);
    QCOMPARE(late.alerts.constFirst().since, at(8, 12, 41));
    // Actions that started before it but finished inside it (restart 08:13:30–08:14:05, scale –08:14:20) too.
    QCOMPARE(late.actions.size(), 2);
    in.from = at(8, 14, 10);
    QCOMPARE(RcaReport::build(in).actions.size(), 1);
}

void tst_RcaReport::timelineIsOrderedAndDeduplicated()
{
    const RcaReport report = RcaReport::build(inputs());
    for (qsizetype i = 1; i < report.timeline.size(); ++i)
        QVERIFY(!timelineLess(report.timeline[i], report.timeline[i - 1]));
    int succeeded = 0;
    for (const TimelineEntry &e : report.timeline)
        succeeded += e.reference == QStringLiteral("41:succeeded");
    QCOMPARE(succeeded, 1);
    QCOMPARE(report.timeline.constFirst().title, QStringLiteral("cartservice stable replicas 2 → 3"));
    // Entries without a reference are never merged.
    RcaReport::Inputs in = inputs();
    in.timeline << entry(at(8, 30), TimelineEntry::Kind::Event, TimelineEntry::Severity::Info, product(),
                         QStringLiteral("a"), {}, {}, {})
                << entry(at(8, 30), TimelineEntry::Kind::Event, TimelineEntry::Severity::Info, product(),
                         QStringLiteral("a"), {}, {}, {});
    QCOMPARE(RcaReport::build(in).timeline.size(), report.timeline.size() + 2);
}

void tst_RcaReport::actionsListed()
{
    const RcaReport report = RcaReport::build(inputs());
    QCOMPARE(report.actions.size(), 2);
    const RcaAction &restart = report.actions[0];
    QCOMPARE(restart.action, QStringLiteral("restart"));
    QCOMPARE(restart.who, QStringLiteral("aks-admin"));
    QCOMPARE(restart.startedAt, at(8, 13, 30));
    QCOMPARE(restart.finishedAt, at(8, 14, 5));
    QCOMPARE(restart.result, QStringLiteral("succeeded"));
    QCOMPARE(restart.service, product());
    QCOMPARE(restart.track, QStringLiteral("stable"));
    const RcaAction &scale = report.actions[1];
    QCOMPARE(scale.journalId, 42);
    QCOMPARE(scale.parameters, QStringLiteral("replicas=4"));
    QCOMPARE(scale.changes, QStringList { QStringLiteral("Deployment/productservice spec.replicas: 2 → 4") });

    // A failed action reports its error as the detail.
    RcaReport::Inputs in = inputs();
    in.journal[1].status = JournalStatus::Failed;
    in.journal[1].error
        = Error { ErrorKind::Forbidden, QStringLiteral("deployments.apps is forbidden"), {}, {} };
    const RcaReport failed = RcaReport::build(in);
    QCOMPARE(failed.actions[0].result, QStringLiteral("failed"));
    QCOMPARE(failed.actions[0].detail, QStringLiteral("deployments.apps is forbidden"));
}

void tst_RcaReport::affectedServicesAndSeverity()
{
    const RcaReport report = RcaReport::build(inputs());
    // cartservice only scaled (Info) in the window, and its Degraded came after it: not affected.
    QCOMPARE(report.services, QList<ServiceKey> { product() });
    QCOMPARE(report.severity, std::optional<Alert::Severity>(Alert::Severity::Critical));
    QCOMPARE(report.severityLabel(), QStringLiteral("Critical"));

    RcaReport::Inputs in = inputs();
    in.services = { cart() };
    in.alerts.removeAt(1); // only the warning left
    const RcaReport named = RcaReport::build(in);
    QCOMPARE(named.services, (QList<ServiceKey> { cart(), product() }));
    QCOMPARE(named.severityLabel(), QStringLiteral("Warning"));
    QCOMPARE(named.title, QStringLiteral("Incident: cartservice, productservice — 2026-11-26 08:12 UTC"));
}

void tst_RcaReport::unresolvedIncident()
{
    RcaReport::Inputs in = inputs();
    in.alerts[1].ended = QDateTime(); // still active
    const RcaReport report = RcaReport::build(in);
    QVERIFY(!report.resolvedAt.isValid());
    QCOMPARE(report.resolveSeconds(), std::nullopt);
    QCOMPARE(report.resolution, QStringLiteral("Still active at the end of the window"));

    // An alert that ended after the window also means unresolved within it.
    in = inputs();
    in.to = at(8, 16);
    QVERIFY(!RcaReport::build(in).resolvedAt.isValid());
}

void tst_RcaReport::emptyWindow()
{
    RcaReport::Inputs in = inputs();
    in.from = at(10, 0);
    in.to = at(11, 0);
    const RcaReport report = RcaReport::build(in);
    QVERIFY(report.alerts.isEmpty());
    QVERIFY(report.actions.isEmpty());
    QVERIFY(report.timeline.isEmpty());
    QVERIFY(report.services.isEmpty());
    QVERIFY(!report.severity);
    QVERIFY(!report.firstFaultAt.isValid());
    QCOMPARE(report.detectionSeconds(), std::nullopt);
    QCOMPARE(report.resolution, QStringLiteral("No alert or drill in the window"));
    QCOMPARE(report.title, QStringLiteral("Incident — 2026-11-26 10:00 UTC"));
}

void tst_RcaReport::swappedBoundsAndTitle()
{
    RcaReport::Inputs in = inputs();
    std::swap(in.from, in.to);
    in.title = QStringLiteral("  Product catalogue down  ");
    const RcaReport report = RcaReport::build(in);
    QCOMPARE(report.from, at(8, 0));
    QCOMPARE(report.to, at(9, 0));
    QCOMPARE(report.title, QStringLiteral("Product catalogue down"));
    QCOMPARE(report.generatedAt, at(9, 2, 10));
    QCOMPARE(report.windowLabel(), QStringLiteral("2026-11-26 08:00 → 09:00 UTC (1 h 00 min)"));
    in.from = at(8, 0);
    in.to = at(8, 3, 36);
    QCOMPARE(RcaReport::build(in).windowLabel(),
             QStringLiteral("2026-11-26 08:00:00 → 08:03:36 UTC (3 min 36 s)"));

    // Times in another zone come out in UTC.
    RcaReport::Inputs local = inputs();
    local.from = at(8, 0).toTimeZone(QTimeZone("Europe/Berlin"));
    QCOMPARE(RcaReport::build(local).from.timeSpec(), Qt::UTC);
}

void tst_RcaReport::alertSecondsCountOverlapOnce()
{
    const RcaReport report = RcaReport::build(inputs());
    // breaker-open 08:12:41–08:16:30 contains pods-not-ready 08:13:40–08:15:50.
    QCOMPARE(report.alertSecondsFor(product()), 3 * 60 + 49);
    QCOMPARE(report.alertSecondsFor(cart()), 0);
}

void tst_RcaReport::durationLabel_data()
{
    QTest::addColumn<qint64>("seconds");
    QTest::addColumn<QString>("label");
    QTest::newRow("seconds") << qint64(38) << QStringLiteral("38 s");
    QTest::newRow("minutes") << qint64(267) << QStringLiteral("4 min 27 s");
    QTest::newRow("hours") << qint64(3 * 3600 + 5 * 60 + 9) << QStringLiteral("3 h 05 min");
    QTest::newRow("days") << qint64(2 * 86400 + 7200) << QStringLiteral("2 d 2 h");
    QTest::newRow("negative is zero") << qint64(-4) << QStringLiteral("0 s");
}

void tst_RcaReport::durationLabel()
{
    QFETCH(qint64, seconds);
    QFETCH(QString, label);
    QCOMPARE(RcaReport::durationLabel(seconds), label);
}

void tst_RcaReport::timeLabels()
{
    const RcaReport report = RcaReport::build(inputs());
    QCOMPARE(report.timeLabel(at(8, 12, 3)), QStringLiteral("08:12:03"));
    QCOMPARE(report.timeLabel(QDateTime()), QStringLiteral("—"));
    QCOMPARE(RcaReport::dateTimeLabel(at(8, 12, 3)), QStringLiteral("2026-11-26 08:12:03 UTC"));
    RcaReport::Inputs in = inputs();
    in.to = at(8, 0).addDays(1);
    QCOMPARE(RcaReport::build(in).timeLabel(at(8, 12, 3)), QStringLiteral("11-26 08:12:03"));
    QCOMPARE(RcaReport::serviceLabel(product()), QStringLiteral("productservice (sim/shop)"));
    QCOMPARE(RcaReport::serviceLabel({}), QStringLiteral("the whole estate"));
}

QTEST_GUILESS_MAIN(tst_RcaReport)
#include "tst_rcareport.moc"
