#include "health.h"
#include "servicesummary.h"

#include <QRegularExpression>
#include <QTest>

using namespace Opsdeck;

class tst_Health : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init() { QTest::failOnWarning(QRegularExpression(QStringLiteral(".*"))); }
    void rules_data();
    void rules();
    void words();
};

void tst_Health::rules_data()
{
    QTest::addColumn<int>("stableDesired");
    QTest::addColumn<int>("stableReady");
    QTest::addColumn<int>("canaryDesired"); // -1: no canary Deployment
    QTest::addColumn<int>("canaryReady");
    QTest::addColumn<int>("pods");
    QTest::addColumn<int>("crashLooping");
    QTest::addColumn<bool>("stuck");
    QTest::addColumn<bool>("synced");
    QTest::addColumn<bool>("sourceDown");
    QTest::addColumn<Health>("expected");

    QTest::newRow("all ready") << 3 << 3 << 1 << 1 << 4 << 0 << false << true << false << Health::Healthy;
    QTest::newRow("no canary, all ready") << 2 << 2 << -1 << 0 << 2 << 0 << false << true << false << Health::Healthy;
    QTest::newRow("one stable not ready") << 3 << 2 << 1 << 1 << 4 << 0 << false << true << false << Health::Degraded;
    QTest::newRow("canary not ready") << 3 << 3 << 1 << 0 << 4 << 0 << false << true << false << Health::Degraded;
    QTest::newRow("one pod crash-looping") << 3 << 3 << 1 << 1 << 4 << 1 << false << true << false << Health::Degraded;
    QTest::newRow("rollout stuck") << 3 << 3 << 1 << 1 << 4 << 0 << true << true << false << Health::Degraded;
    QTest::newRow("none ready") << 3 << 0 << 1 << 0 << 4 << 0 << false << true << false << Health::Unhealthy;
    QTest::newRow("crash-looping everywhere") << 3 << 1 << 1 << 0 << 4 << 4 << false << true << false << Health::Unhealthy;
    QTest::newRow("scaled to zero") << 0 << 0 << 0 << 0 << 0 << 0 << false << true << false << Health::Healthy;
    QTest::newRow("not synced") << 3 << 3 << 1 << 1 << 4 << 0 << false << false << false << Health::Unknown;
    QTest::newRow("source down keeps data, marks stale") << 3 << 3 << 1 << 1 << 4 << 0 << false << true << true << Health::Stale;
    QTest::newRow("source down wins over not synced") << 3 << 0 << 1 << 0 << 4 << 0 << false << false << true << Health::Stale;
}

void tst_Health::rules()
{
    QFETCH(int, stableDesired);
    QFETCH(int, stableReady);
    QFETCH(int, canaryDesired);
    QFETCH(int, canaryReady);
    QFETCH(int, pods);
    QFETCH(int, crashLooping);
    QFETCH(bool, stuck);
    QFETCH(bool, synced);
    QFETCH(bool, sourceDown);
    QFETCH(Health, expected);

    ServiceSummary s;
    s.stable.present = true;
    s.stable.desired = stableDesired;
    s.stable.ready = stableReady;
    s.stable.rolloutStuck = stuck;
    if (canaryDesired >= 0) {
        s.canary.present = true;
        s.canary.desired = canaryDesired;
        s.canary.ready = canaryReady;
    }
    s.pods = pods;
    s.crashLooping = crashLooping;
    QCOMPARE(toString(deriveHealth(s, synced, sourceDown)), toString(expected));
}

void tst_Health::words()
{
    QCOMPARE(toString(Health::Healthy), QStringLiteral("Healthy"));
    QCOMPARE(toString(Health::Degraded), QStringLiteral("Degraded"));
    QCOMPARE(toString(Health::Unhealthy), QStringLiteral("Unhealthy"));
    QCOMPARE(toString(Health::Unknown), QStringLiteral("Unknown"));
    QCOMPARE(toString(Health::Stale), QStringLiteral("Stale"));
    QVERIFY(severity(Health::Unhealthy) > severity(Health::Degraded));
    QVERIFY(severity(Health::Degraded) > severity(Health::Healthy));
}

QTEST_GUILESS_MAIN(tst_Health)
#include "tst_health.moc"
