// CanaryAnalysis: every threshold at its boundary, the significance test against hand-computed z values,
// the weight steps, and the settings round trip through QSettings.

#include "canaryanalysis.h"

#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

using namespace Opsdeck;
using R = CanaryVerdict::Result;

Q_DECLARE_METATYPE(Opsdeck::CanaryVerdict::Result)

namespace {

TrackFigures figures(double requests, double failed, std::optional<double> p95 = 100.0)
{
    return TrackFigures{requests, failed, p95};
}

CanaryInput input(TrackFigures canary, TrackFigures stable = figures(10000, 100), std::optional<double> weight = 10.0)
{
    CanaryInput in;
    in.canary = canary;
    in.stable = stable;
    in.canaryWeight = weight;
    return in;
}

} // namespace

class tst_CanaryAnalysis : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void verdict_data();
    void verdict();
    void rollbackReasonNamesTheFigures();
    void breakerOpenWinsOverMissingData();
    void halfOpenBreakerHolds();
    void incompleteFiguresHoldButStillRollBack();
    void significanceBoundary();
    void zScore();
    void nextWeightStep_data();
    void nextWeightStep();
    void healthyAtFullWeightIsReadyToPromote();
    void settingsRoundTrip();
    void errorRate();
};

void tst_CanaryAnalysis::verdict_data()
{
    QTest::addColumn<double>("canaryRequests");
    QTest::addColumn<double>("canaryFailed");
    QTest::addColumn<double>("canaryP95");
    QTest::addColumn<double>("stableRequests");
    QTest::addColumn<double>("stableFailed");
    QTest::addColumn<double>("stableP95");
    QTest::addColumn<R>("expected");

    // Stable baseline: 10,000 requests, 1 % failing, p95 100 ms.
    QTest::newRow("identical → healthy") << 1000.0 << 10.0 << 100.0 << 10000.0 << 100.0 << 100.0 << R::Healthy;
    QTest::newRow("delta exactly 1.0 pp → healthy") << 1000.0 << 20.0 << 100.0 << 10000.0 << 100.0 << 100.0 << R::Healthy;
    QTest::newRow("delta 1.1 pp, z 3.18 → rollback") << 1000.0 << 21.0 << 100.0 << 10000.0 << 100.0 << 100.0 << R::Rollback;
    QTest::newRow("canary better → healthy") << 1000.0 << 0.0 << 80.0 << 10000.0 << 100.0 << 100.0 << R::Healthy;
    QTest::newRow("p95 exactly 1.2× → healthy") << 1000.0 << 10.0 << 120.0 << 10000.0 << 100.0 << 100.0 << R::Healthy;
    QTest::newRow("p95 1.201× → rollback") << 1000.0 << 10.0 << 120.1 << 10000.0 << 100.0 << 100.0 << R::Rollback;
    QTest::newRow("199 canary requests → not enough") << 199.0 << 0.0 << 100.0 << 10000.0 << 100.0 << 100.0 << R::NotEnoughData;
    QTest::newRow("200 canary requests → judged") << 200.0 << 2.0 << 100.0 << 10000.0 << 100.0 << 100.0 << R::Healthy;
    QTest::newRow("199 stable requests → not enough") << 1000.0 << 10.0 << 100.0 << 199.0 << 2.0 << 100.0 << R::NotEnoughData;
    QTest::newRow("no canary requests → not enough") << 0.0 << 0.0 << 100.0 << 10000.0 << 100.0 << 100.0 << R::NotEnoughData;
    // 6.5 % vs 5 % is +1.5 pp, but with 200 canary requests z = 0.96: could be noise.
    QTest::newRow("delta 1.5 pp, z 0.96 → not enough") << 200.0 << 13.0 << 100.0 << 10000.0 << 500.0 << 100.0 << R::NotEnoughData;
    // 2.5 % vs 1 % with 200 requests: z = 2.08 ≥ 1.645.
    QTest::newRow("delta 1.5 pp, z 2.08 → rollback") << 200.0 << 5.0 << 100.0 << 10000.0 << 100.0 << 100.0 << R::Rollback;
    // Latency alone decides even when the error rates agree, and the error rate alone when latency agrees.
    QTest::newRow("p95 ×2 → rollback") << 1000.0 << 10.0 << 200.0 << 10000.0 << 100.0 << 100.0 << R::Rollback;
    QTest::newRow("canary all failing → rollback") << 1000.0 << 1000.0 << 100.0 << 10000.0 << 100.0 << 100.0 << R::Rollback;
}

void tst_CanaryAnalysis::verdict()
{
    QFETCH(double, canaryRequests);
    QFETCH(double, canaryFailed);
    QFETCH(double, canaryP95);
    QFETCH(double, stableRequests);
    QFETCH(double, stableFailed);
    QFETCH(double, stableP95);
    QFETCH(R, expected);
    const CanaryVerdict v = CanaryAnalysis::analyse(input(figures(canaryRequests, canaryFailed, canaryP95), figures(stableRequests, stableFailed, stableP95)),
                                                    CanaryAnalysisSettings{});
    QVERIFY2(v.result == expected, qPrintable(CanaryAnalysis::toString(v.result) + QStringLiteral(": ") + v.reason));
    QVERIFY(!v.reason.isEmpty());
    if (expected == R::Healthy) {
        QCOMPARE(v.nextWeight, std::optional<double>(25.0));
        QVERIFY2(v.reason.startsWith(QStringLiteral("can step up to 25 %")), qPrintable(v.reason));
    } else {
        QCOMPARE(v.nextWeight, std::nullopt);
    }
}

void tst_CanaryAnalysis::rollbackReasonNamesTheFigures()
{
    const CanaryVerdict v = CanaryAnalysis::analyse(input(figures(1000, 21, 150)), CanaryAnalysisSettings{});
    QCOMPARE(v.result, R::Rollback);
    // Both failures named, with their figures.
    QVERIFY2(v.reason.contains(QStringLiteral("canary error rate 2.10% vs stable 1.00% (+1.10 pp, 21 of 1000 vs 100 of 10000 requests)")), qPrintable(v.reason));
    QVERIFY2(v.reason.contains(QStringLiteral("canary p95 150 ms vs stable 100 ms (×1.50) exceeds ×1.2")), qPrintable(v.reason));
    QCOMPARE(CanaryAnalysis::toString(v.result), QStringLiteral("rollback"));
    QCOMPARE(CanaryAnalysis::word(v.result), QStringLiteral("Roll back"));
}

void tst_CanaryAnalysis::breakerOpenWinsOverMissingData()
{
    CanaryInput in = input(TrackFigures{});
    in.canaryBreakerOpen = true;
    in.openBreaker = QStringLiteral("inventoryservice");
    const CanaryVerdict v = CanaryAnalysis::analyse(in, CanaryAnalysisSettings{});
    QCOMPARE(v.result, R::Rollback);
    QCOMPARE(v.reason, QStringLiteral("canary circuit breaker inventoryservice is open"));
}

void tst_CanaryAnalysis::halfOpenBreakerHolds()
{
    CanaryInput in = input(figures(1000, 10));
    in.canaryBreakerHalfOpen = true;
    in.openBreaker = QStringLiteral("inventoryservice");
    const CanaryVerdict v = CanaryAnalysis::analyse(in, CanaryAnalysisSettings{});
    QCOMPARE(v.result, R::Hold);
    QVERIFY2(v.reason.startsWith(QStringLiteral("canary circuit breaker inventoryservice is half-open")), qPrintable(v.reason));
}

void tst_CanaryAnalysis::incompleteFiguresHoldButStillRollBack()
{
    CanaryInput in = input(figures(1000, 10));
    in.dataIncomplete = true;
    in.incompleteReason = QStringLiteral("query timed out");
    CanaryVerdict v = CanaryAnalysis::analyse(in, CanaryAnalysisSettings{});
    QCOMPARE(v.result, R::Hold);
    QVERIFY2(v.reason.contains(QStringLiteral("incomplete (query timed out)")), qPrintable(v.reason));

    in.canary = figures(1000, 100); // 10 %: bad even on part of the data
    v = CanaryAnalysis::analyse(in, CanaryAnalysisSettings{});
    QCOMPARE(v.result, R::Rollback);
    QVERIFY2(v.reason.endsWith(QStringLiteral("(figures incomplete: query timed out)")), qPrintable(v.reason));
}

void tst_CanaryAnalysis::significanceBoundary()
{
    // 2.1 % of 1000 vs 1 % of 10000: z = 3.17981500…
    CanaryAnalysisSettings s;
    s.zCritical = 3.1798;
    QCOMPARE(CanaryAnalysis::analyse(input(figures(1000, 21)), s).result, R::Rollback);
    s.zCritical = 3.1799;
    const CanaryVerdict v = CanaryAnalysis::analyse(input(figures(1000, 21)), s);
    QCOMPARE(v.result, R::NotEnoughData);
    QVERIFY2(v.reason.contains(QStringLiteral("not significant yet (z = 3.18, needs 3.180)")), qPrintable(v.reason));
}

void tst_CanaryAnalysis::zScore()
{
    const std::optional<double> z = CanaryAnalysis::zScore(50, 1000, 20, 1000);
    QVERIFY(z);
    QVERIFY2(std::abs(*z - 3.650132) < 1e-5, qPrintable(QString::number(*z)));
    QVERIFY(*CanaryAnalysis::zScore(20, 1000, 50, 1000) < 0); // canary better: negative
    QCOMPARE(CanaryAnalysis::zScore(0, 1000, 0, 1000), std::nullopt); // nobody fails: no variance
    QCOMPARE(CanaryAnalysis::zScore(1, 0, 0, 1000), std::nullopt);
}

void tst_CanaryAnalysis::nextWeightStep_data()
{
    QTest::addColumn<double>("weight");
    QTest::addColumn<double>("next"); // -1: none
    QTest::newRow("0") << 0.0 << 5.0;
    QTest::newRow("5") << 5.0 << 10.0;
    QTest::newRow("7.5") << 7.5 << 10.0;
    QTest::newRow("10") << 10.0 << 25.0;
    QTest::newRow("25") << 25.0 << 50.0;
    QTest::newRow("50") << 50.0 << 75.0;
    QTest::newRow("75") << 75.0 << 100.0;
    QTest::newRow("99.9") << 99.9 << 100.0;
    QTest::newRow("100") << 100.0 << -1.0;
}

void tst_CanaryAnalysis::nextWeightStep()
{
    QFETCH(double, weight);
    QFETCH(double, next);
    QCOMPARE(CanaryAnalysis::nextWeightStep(weight), next < 0 ? std::nullopt : std::optional<double>(next));
}

void tst_CanaryAnalysis::healthyAtFullWeightIsReadyToPromote()
{
    CanaryVerdict v = CanaryAnalysis::analyse(input(figures(1000, 10), figures(10000, 100), 100.0), CanaryAnalysisSettings{});
    QCOMPARE(v.result, R::Healthy);
    QCOMPARE(v.nextWeight, std::nullopt);
    QVERIFY2(v.reason.endsWith(QStringLiteral("canary takes all traffic, ready to promote")), qPrintable(v.reason));

    v = CanaryAnalysis::analyse(input(figures(1000, 10), figures(10000, 100), std::nullopt), CanaryAnalysisSettings{});
    QCOMPARE(v.result, R::Healthy);
    QVERIFY2(v.reason.endsWith(QStringLiteral("canary weight unknown")), qPrintable(v.reason));

    v = CanaryAnalysis::analyse(input(figures(1000, 10, std::nullopt)), CanaryAnalysisSettings{});
    QCOMPARE(v.result, R::NotEnoughData);
    QVERIFY2(v.reason.startsWith(QStringLiteral("p95 latency of canary unknown")), qPrintable(v.reason));
}

void tst_CanaryAnalysis::settingsRoundTrip()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("opsdeck.ini"));
    {
        QSettings settings(path, QSettings::IniFormat);
        QCOMPARE(CanaryAnalysisSettings::load(settings), CanaryAnalysisSettings{}); // defaults when absent
        CanaryAnalysisSettings s;
        s.maxErrorRateDeltaPoints = 0.5;
        s.maxP95Ratio = 1.5;
        s.minCanaryRequests = 50;
        s.minStableRequests = 70;
        s.zCritical = 2.326;
        s.save(settings);
    }
    QSettings settings(path, QSettings::IniFormat);
    const CanaryAnalysisSettings s = CanaryAnalysisSettings::load(settings);
    QCOMPARE(s.maxErrorRateDeltaPoints, 0.5);
    QCOMPARE(s.maxP95Ratio, 1.5);
    QCOMPARE(s.minCanaryRequests, 50.0);
    QCOMPARE(s.minStableRequests, 70.0);
    QCOMPARE(s.zCritical, 2.326);
    // Garbage falls back to the default rather than to 0 (which would roll back everything).
    settings.setValue(QStringLiteral("canaryAnalysis/maxP95Ratio"), QStringLiteral("fast"));
    settings.setValue(QStringLiteral("canaryAnalysis/maxErrorRateDeltaPoints"), -3);
    QCOMPARE(CanaryAnalysisSettings::load(settings).maxP95Ratio, 1.2);
    QCOMPARE(CanaryAnalysisSettings::load(settings).maxErrorRateDeltaPoints, 1.0);
}

void tst_CanaryAnalysis::errorRate()
{
    QCOMPARE(figures(200, 5).errorRatePercent(), std::optional<double>(2.5));
    QCOMPARE(figures(0, 0).errorRatePercent(), std::nullopt);
    QCOMPARE(TrackFigures{}.errorRatePercent(), std::nullopt);
}

QTEST_GUILESS_MAIN(tst_CanaryAnalysis)
#include "tst_canaryanalysis.moc"
