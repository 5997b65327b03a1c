// TelemetryStore: latest series per (service, track, metric), window totals, staleness, the coalesced
// change signal, the canary weight history seen through ServiceStore, the verdict and the snapshot keys.

#include "estatebuilder.h"
#include "servicestore.h"
#include "snapshotwriter.h"
#include "telemetrybuilder.h"
#include "telemetrystore.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>

using namespace Opsdeck;
using namespace Opsdeck::Test;

namespace {

const QString Source = QStringLiteral("appinsights");
const ServiceKey Product{Ctx, Ns, QStringLiteral("productservice")};
const ServiceKey Orders{Ctx, Ns, QStringLiteral("orderservice")};

ObservationBatch telemetryBatch(std::vector<Observation> observations)
{
    return ObservationBatch{Source, QDateTime::currentDateTimeUtc(), std::move(observations)};
}

// Stable: 15 bins × 100 requests, 1 failing, p95 100 ms. Canary: `canaryFailed` of 20 per bin, p95 `canaryP95`.
std::vector<Observation> estate(double canaryFailed = 0.2, double canaryP95 = 105, const ServiceKey &key = Product)
{
    const QDateTime end = QDateTime::currentDateTimeUtc();
    std::vector<Observation> obs = trackTelemetry(key, Track::Stable, 15, 100, 1, 100, end);
    append(obs, trackTelemetry(key, Track::Canary, 15, 20, canaryFailed, canaryP95, end));
    return obs;
}

QJsonObject serviceIn(const QJsonObject &root, const QString &name)
{
    for (const QJsonValue &context : root.value(QStringLiteral("contexts")).toArray()) {
        for (const QJsonValue &service : context.toObject().value(QStringLiteral("services")).toArray()) {
            if (service.toObject().value(QStringLiteral("name")).toString() == name)
                return service.toObject();
        }
    }
    return {};
}

} // namespace

class tst_TelemetryStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { registerObservationMetaTypes(); }
    void init() { QTest::failOnWarning(QRegularExpression(QStringLiteral(".*"))); }
    void keepsTheLatestSeriesAndSumsTheWindow();
    void p95IsWeightedByRequests();
    void derivedSeriesForCharts();
    void partialEdgeBinsStayOffTheCharts();
    void unlabelledTrackCountsAsStable();
    void changesAreCoalescedPerTick();
    void staleAfterTwiceTheIntervalOrWhenDown();
    void partialResultsAreKeptAndHoldTheVerdict();
    void resilienceEventsFromTheirSeries();
    void weightChangesAreRecordedAsTheyHappen();
    void canaryBreakerOpenRollsBack();
    void telemetryWithoutNamespaceFindsItsService();
    void verdictFromTheFigures();
    void snapshotAddsTelemetryAndVerdict();
    void isoDuration_data();
    void isoDuration();
};

void tst_TelemetryStore::keepsTheLatestSeriesAndSumsTheWindow()
{
    TelemetryStore store;
    QVERIFY(!store.hasTelemetry(Product));
    QCOMPARE(store.figures(Product, Track::Stable), TrackFigures{});
    store.apply(telemetryBatch(estate(1)));
    QVERIFY(store.hasTelemetry(Product));
    TrackFigures stable = store.figures(Product, Track::Stable);
    QCOMPARE(stable.requests, std::optional<double>(1500));
    QCOMPARE(stable.failedRequests, std::optional<double>(15));
    QCOMPARE(*stable.errorRatePercent(), 1.0);
    QCOMPARE(stable.p95Ms, std::optional<double>(100));
    const TrackFigures canary = store.figures(Product, Track::Canary);
    QCOMPARE(canary.requests, std::optional<double>(300));
    QCOMPARE(*canary.errorRatePercent(), 5.0);
    QCOMPARE(store.windowSeconds(Product), 900);

    // A new series of the same (service, track, metric) replaces the old one; others stay.
    store.apply(telemetryBatch({telemetry(Product, Track::Stable, QStringLiteral("requests"), 4, [](int) { return 50.0; },
                                          QDateTime::currentDateTimeUtc(), 900, 3600)}));
    stable = store.figures(Product, Track::Stable);
    QCOMPARE(stable.requests, std::optional<double>(200));
    QCOMPARE(stable.failedRequests, std::optional<double>(15));
    QCOMPARE(store.windowSeconds(Product), 3600); // the newest series' window
    QCOMPARE(store.series(Product, Track::Stable, QStringLiteral("requests"))->points.size(), 4);
    QVERIFY(!store.series(Product, Track::Canary, QStringLiteral("p99Ms")));
}

void tst_TelemetryStore::p95IsWeightedByRequests()
{
    TelemetryStore store;
    const QDateTime end = QDateTime::currentDateTimeUtc();
    const QList<double> requests{100, 0, 300};
    const QList<double> p95{100, 999, 200}; // the empty bin's p95 must not count
    store.apply(telemetryBatch({telemetry(Product, Track::Canary, QStringLiteral("requests"), 3, [&](int i) { return requests[i]; }, end),
                                telemetry(Product, Track::Canary, QStringLiteral("p95Ms"), 3, [&](int i) { return p95[i]; }, end)}));
    QCOMPARE(store.figures(Product, Track::Canary).p95Ms, std::optional<double>((100.0 * 100 + 300.0 * 200) / 400));
    QCOMPARE(store.figures(Product, Track::Canary).failedRequests, std::nullopt);
    QCOMPARE(store.figures(Product, Track::Canary).errorRatePercent(), std::nullopt);

    // Without request counts: the plain mean.
    store.apply(telemetryBatch({telemetry(Orders, Track::Stable, QStringLiteral("p95Ms"), 3, [&](int i) { return p95[i]; }, end)}));
    QCOMPARE(store.figures(Orders, Track::Stable).p95Ms, std::optional<double>((100.0 + 999 + 200) / 3));
}

void tst_TelemetryStore::derivedSeriesForCharts()
{
    TelemetryStore store;
    const QDateTime end = QDateTime::currentDateTimeUtc();
    const QList<double> requests{100, 0, 300};
    const QList<double> failed{5, 0, 3};
    store.apply(telemetryBatch({telemetry(Product, Track::Canary, QStringLiteral("requests"), 3, [&](int i) { return requests[i]; }, end, 300, 900),
                                telemetry(Product, Track::Canary, QStringLiteral("failedRequests"), 3, [&](int i) { return failed[i]; }, end, 300, 900)}));
    const QList<TelemetryPoint> errors = store.errorRateSeries(Product, Track::Canary);
    QCOMPARE(errors.size(), 2); // the bin without requests has no rate
    QCOMPARE(errors[0].value, 5.0);
    QCOMPARE(errors[1].value, 1.0);
    QCOMPARE(errors[1].time, end.addSecs(-300));
    const QList<TelemetryPoint> rate = store.requestRateSeries(Product, Track::Canary);
    QCOMPARE(rate.size(), 3);
    QCOMPARE(rate[2].value, 60.0); // 300 per 5-minute bin = 60 per minute
    QVERIFY(store.p95Series(Product, Track::Canary).isEmpty());
}

void tst_TelemetryStore::partialEdgeBinsStayOffTheCharts()
{
    TelemetryStore store;
    const QDateTime end = QDateTime::currentDateTimeUtc();
    // The window cut the first and last bins: 3 and 40 requests where a bin holds about 100.
    const QList<double> requests{3, 100, 96, 104, 40};
    const QList<double> failed{3, 1, 1, 2, 0};
    store.apply(telemetryBatch({telemetry(Product, Track::Stable, QStringLiteral("requests"), 5, [&](int i) { return requests[i]; }, end),
                                telemetry(Product, Track::Stable, QStringLiteral("failedRequests"), 5, [&](int i) { return failed[i]; }, end),
                                telemetry(Product, Track::Stable, QStringLiteral("p95Ms"), 5, [](int i) { return 100.0 + i; }, end)}));
    const QList<TelemetryPoint> errors = store.errorRateSeries(Product, Track::Stable);
    QCOMPARE(errors.size(), 3); // not the 100 % of three requests, nor the last partial bin
    QCOMPARE(errors.constFirst().value, 1.0);
    QCOMPARE(store.requestRateSeries(Product, Track::Stable).size(), 3);
    QCOMPARE(store.p95Series(Product, Track::Stable).size(), 3);
    QCOMPARE(store.p95Series(Product, Track::Stable).constFirst().value, 101.0);
    // The window's totals still hold every request.
    QCOMPARE(store.figures(Product, Track::Stable).requests, std::optional<double>(343));
    QCOMPARE(store.figures(Product, Track::Stable).failedRequests, std::optional<double>(7));
    // A last bin at half the median or more is a real bin.
    const QList<double> full{100, 100, 100, 100, 50};
    store.apply(telemetryBatch({telemetry(Product, Track::Stable, QStringLiteral("requests"), 5, [&](int i) { return full[i]; }, end)}));
    QCOMPARE(store.requestRateSeries(Product, Track::Stable).size(), 5);
}

void tst_TelemetryStore::unlabelledTrackCountsAsStable()
{
    TelemetryStore store;
    store.apply(telemetryBatch(trackTelemetry(Orders, Track::Unknown, 15, 10, 0, 80, QDateTime::currentDateTimeUtc())));
    QCOMPARE(store.figures(Orders, Track::Stable).requests, std::optional<double>(150));
    QCOMPARE(store.figures(Orders, Track::Canary).requests, std::nullopt);
}

void tst_TelemetryStore::changesAreCoalescedPerTick()
{
    TelemetryStore store;
    QSignalSpy changed(&store, &TelemetryStore::telemetryChanged);
    for (int i = 0; i < 200; ++i) {
        store.apply(telemetryBatch(estate(0.2, 100 + i)));
        store.apply(telemetryBatch(estate(0.2, 100 + i, Orders)));
    }
    QCOMPARE(changed.size(), 0);
    store.flush();
    QCOMPARE(changed.size(), 1);
    QCOMPARE(changed.at(0).at(0).value<QSet<ServiceKey>>(), (QSet<ServiceKey>{Product, Orders}));
    store.flush(); // nothing new: no signal
    QCOMPARE(changed.size(), 1);
    // On its own within the tick.
    store.apply(telemetryBatch(estate()));
    QVERIFY(changed.wait(1000));
    QCOMPARE(changed.size(), 2);
    QCOMPARE(changed.at(1).at(0).value<QSet<ServiceKey>>(), QSet<ServiceKey>{Product});
    // Batches without telemetry (the kubernetes source's) change nothing here.
    store.apply(batch(service(QStringLiteral("productservice"), 3, 1)));
    store.flush();
    QCOMPARE(changed.size(), 2);
}

void tst_TelemetryStore::staleAfterTwiceTheIntervalOrWhenDown()
{
    TelemetryStore store;
    QCOMPARE(store.sourceIntervalSeconds(Source), TelemetryStore::DefaultIntervalSeconds);
    store.apply(telemetryBatch(estate()));
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QVERIFY(!store.isStale(Product, now));
    QVERIFY(!store.isStale(Product, now.addSecs(119)));
    QVERIFY(store.isStale(Product, now.addSecs(122)));
    store.setSourceInterval(Source, 300);
    QVERIFY(!store.isStale(Product, now.addSecs(590)));
    QVERIFY(store.isStale(Product, now.addSecs(602)));

    QSignalSpy changed(&store, &TelemetryStore::telemetryChanged);
    store.flush();
    changed.clear();
    store.setSourceStatus(Source, SourceStatus{SourceStatus::State::Down, {}, std::nullopt});
    QVERIFY(store.isStale(Product, now));
    store.flush();
    QCOMPARE(changed.size(), 1); // the table must re-mark its figures
    store.setSourceStatus(Source, SourceStatus{SourceStatus::State::Ok, now, std::nullopt});
    QVERIFY(!store.isStale(Product, now));
    // Another source going down says nothing about these figures.
    store.setSourceStatus(QStringLiteral("kubernetes:ctx"), SourceStatus{SourceStatus::State::Down, {}, std::nullopt});
    QVERIFY(!store.isStale(Product, now));
    // Stale figures make the verdict hold rather than pass.
    QCOMPARE(store.verdict(Product, now.addSecs(700)).result, CanaryVerdict::Result::Hold);
    QVERIFY2(store.verdict(Product, now.addSecs(700)).reason.contains(QStringLiteral("stale, last update 11 min ago")),
             qPrintable(store.verdict(Product, now.addSecs(700)).reason));
}

void tst_TelemetryStore::partialResultsAreKeptAndHoldTheVerdict()
{
    TelemetryStore store;
    std::vector<Observation> obs = estate();
    std::get<TelemetrySeries>(obs[3]).partial = true;
    std::get<TelemetrySeries>(obs[3]).partialReason = QStringLiteral("Query execution has exceeded the allowed limits");
    TelemetryBreakdown codes;
    codes.service = Product;
    codes.track = Track::Canary;
    codes.dimension = QStringLiteral("resultCode");
    codes.rows = {{QStringLiteral("500"), 3, 3}};
    codes.partial = true;
    obs.push_back(codes);
    store.apply(telemetryBatch(std::move(obs)));
    QCOMPARE(store.partialReasons(Product),
             (QStringList{QStringLiteral("Query execution has exceeded the allowed limits"), QStringLiteral("the resultCode breakdown is partial")}));
    QCOMPARE(store.breakdown(Product, Track::Canary, QStringLiteral("resultCode"))->rows.size(), 1);
    QVERIFY(!store.breakdown(Product, Track::Stable, QStringLiteral("resultCode")));
    const CanaryVerdict v = store.verdict(Product);
    QCOMPARE(v.result, CanaryVerdict::Result::Hold);
    QVERIFY2(v.reason.contains(QStringLiteral("exceeded the allowed limits")), qPrintable(v.reason));
}

void tst_TelemetryStore::resilienceEventsFromTheirSeries()
{
    TelemetryStore store;
    const QDateTime end = QDateTime::currentDateTimeUtc();
    store.apply(telemetryBatch({telemetry(Product, Track::Canary, QStringLiteral("resilience:OnCircuitOpened"), 5, [](int i) { return i == 3 ? 1.0 : 0.0; }, end),
                                telemetry(Product, Track::Stable, QStringLiteral("resilience:OnRetry"), 5, [](int i) { return i == 1 ? 7.0 : 0.0; }, end)}));
    const QList<ResilienceEvent> events = store.resilienceEvents(Product);
    QCOMPARE(events.size(), 2);
    QCOMPARE(events[0], (ResilienceEvent{end.addSecs(-4 * 60), Track::Stable, QStringLiteral("OnRetry"), 7.0}));
    QCOMPARE(events[1], (ResilienceEvent{end.addSecs(-2 * 60), Track::Canary, QStringLiteral("OnCircuitOpened"), 1.0}));
}

void tst_TelemetryStore::weightChangesAreRecordedAsTheyHappen()
{
    ServiceStore services;
    std::vector<Observation> obs = allSynced();
    append(obs, service(QStringLiteral("productservice"), 3, 1));
    obs.push_back(added(ResourceKind::Ingress, QStringLiteral("productservice-canary"), canaryIngress(QStringLiteral("productservice"), 10)));
    services.apply(batch(std::move(obs)));
    services.flush();

    TelemetryStore store(&services); // the weight it finds first is where the history starts
    QSignalSpy changed(&store, &TelemetryStore::telemetryChanged);
    const QDateTime before = QDateTime::currentDateTimeUtc();
    services.apply(batch({added(ResourceKind::Ingress, QStringLiteral("productservice-canary"), canaryIngress(QStringLiteral("productservice"), 25), Ns, Ctx,
                                ResourceDelta::Type::Modified)}));
    services.flush();
    services.apply(batch({deleted(ResourceKind::Ingress, QStringLiteral("productservice-canary"))}));
    services.flush();
    const QList<WeightChange> history = store.weightHistory(Product);
    QCOMPARE(history.size(), 2);
    QCOMPARE(history[0].from, std::optional<double>(10));
    QCOMPARE(history[0].to, std::optional<double>(25));
    QVERIFY(history[0].at >= before);
    QCOMPARE(history[1].to, std::nullopt);
    store.flush();
    QCOMPARE(changed.size(), 1);

    // A service published later starts its own history at its first weight.
    std::vector<Observation> more = service(QStringLiteral("orderservice"), 2, 1);
    more.push_back(added(ResourceKind::Ingress, QStringLiteral("orderservice-canary"), canaryIngress(QStringLiteral("orderservice"), 5)));
    services.apply(batch(std::move(more)));
    services.flush();
    QVERIFY(store.weightHistory(Orders).isEmpty());
    services.apply(batch({added(ResourceKind::Ingress, QStringLiteral("orderservice-canary"), canaryIngress(QStringLiteral("orderservice"), 50), Ns, Ctx,
                                ResourceDelta::Type::Modified)}));
    services.flush();
    QCOMPARE(store.weightHistory(Orders).size(), 1);
    QCOMPARE(store.weightHistory(Orders)[0].from, std::optional<double>(5));
}

void tst_TelemetryStore::canaryBreakerOpenRollsBack()
{
    ServiceStore services;
    std::vector<Observation> obs = allSynced();
    append(obs, service(QStringLiteral("productservice"), 3, 1));
    obs.push_back(added(ResourceKind::Ingress, QStringLiteral("productservice-canary"), canaryIngress(QStringLiteral("productservice"), 10)));
    services.apply(batch(std::move(obs)));
    services.flush();
    TelemetryStore store(&services);
    store.apply(telemetryBatch(estate()));
    QCOMPARE(store.verdict(Product).result, CanaryVerdict::Result::Healthy);
    QCOMPARE(store.verdict(Product).nextWeight, std::optional<double>(25));

    // A stable breaker open is no reason to roll the canary back.
    const QDateTime now = QDateTime::currentDateTimeUtc();
    services.apply(batch({BreakerState{Product, QStringLiteral("inventoryservice"), {}, BreakerState::State::Open, now, Track::Stable}}));
    services.flush();
    QCOMPARE(store.verdict(Product).result, CanaryVerdict::Result::Healthy);
    services.apply(batch({BreakerState{Product, QStringLiteral("inventoryservice"), {}, BreakerState::State::Open, now, Track::Canary}}));
    services.flush();
    const CanaryVerdict v = store.verdict(Product);
    QCOMPARE(v.result, CanaryVerdict::Result::Rollback);
    QCOMPARE(v.reason, QStringLiteral("canary circuit breaker inventoryservice is open"));
}

void tst_TelemetryStore::telemetryWithoutNamespaceFindsItsService()
{
    ServiceStore services;
    std::vector<Observation> obs = allSynced();
    append(obs, service(QStringLiteral("productservice"), 3, 1));
    services.apply(batch(std::move(obs)));
    services.flush();
    TelemetryStore store(&services);
    QSignalSpy changed(&store, &TelemetryStore::telemetryChanged);
    // Application Insights knows cloud_RoleName, not the namespace: a source told no namespace reports "".
    const ServiceKey bare{Ctx, {}, QStringLiteral("productservice")};
    store.apply(telemetryBatch(estate(2, 105, bare)));
    store.flush();
    QCOMPARE(changed.size(), 1);
    QVERIFY(changed.at(0).at(0).value<QSet<ServiceKey>>().contains(Product)); // the table's row hears of it
    QVERIFY(store.hasTelemetry(Product));
    QCOMPARE(store.figures(Product, Track::Canary).requests, std::optional<double>(300));
    QCOMPARE(store.verdict(Product).result, CanaryVerdict::Result::Rollback);
    QJsonObject root = SnapshotWriter::toJson(services, {Ctx}, {}, QDateTime::currentDateTimeUtc());
    store.addToSnapshot(root);
    QCOMPARE(serviceIn(root, QStringLiteral("productservice")).value(QStringLiteral("verdict")).toObject().value(QStringLiteral("result")).toString(),
             QStringLiteral("rollback"));
    // Another context's service of the same name is not it.
    QVERIFY(!store.hasTelemetry(ServiceKey{QStringLiteral("other"), Ns, QStringLiteral("productservice")}));
}

void tst_TelemetryStore::verdictFromTheFigures()
{
    TelemetryStore store;
    store.apply(telemetryBatch(estate(0.2, 105))); // 1 % vs 1 %, 105 vs 100 ms, 300 canary requests
    QCOMPARE(store.verdict(Product).result, CanaryVerdict::Result::Healthy);
    store.apply(telemetryBatch(estate(2, 105))); // 10 % vs 1 %
    QCOMPARE(store.verdict(Product).result, CanaryVerdict::Result::Rollback);
    store.apply(telemetryBatch(estate(0.2, 130))); // p95 ×1.3
    QCOMPARE(store.verdict(Product).result, CanaryVerdict::Result::Rollback);
    CanaryAnalysisSettings lenient;
    lenient.maxP95Ratio = 1.5;
    store.setAnalysisSettings(lenient);
    QCOMPARE(store.verdict(Product).result, CanaryVerdict::Result::Healthy);
    lenient.minCanaryRequests = 301;
    store.setAnalysisSettings(lenient);
    QCOMPARE(store.verdict(Product).result, CanaryVerdict::Result::NotEnoughData);
}

void tst_TelemetryStore::snapshotAddsTelemetryAndVerdict()
{
    ServiceStore services;
    std::vector<Observation> obs = allSynced();
    append(obs, service(QStringLiteral("productservice"), 3, 1));
    append(obs, service(QStringLiteral("orderservice"), 2, 0));
    services.apply(batch(std::move(obs)));
    services.flush();
    TelemetryStore store(&services);
    store.apply(telemetryBatch(estate(2, 105)));
    QJsonObject root = SnapshotWriter::toJson(services, {Ctx}, {}, QDateTime::currentDateTimeUtc());
    store.addToSnapshot(root);

    const QJsonObject product = serviceIn(root, QStringLiteral("productservice"));
    const QJsonObject telemetry = product.value(QStringLiteral("telemetry")).toObject();
    QCOMPARE(telemetry.value(QStringLiteral("window")).toString(), QStringLiteral("PT15M"));
    const QJsonObject stable = telemetry.value(QStringLiteral("stable")).toObject();
    QCOMPARE(stable.value(QStringLiteral("requests")).toDouble(), 1500.0);
    QCOMPARE(stable.value(QStringLiteral("failedRequests")).toDouble(), 15.0);
    QCOMPARE(stable.value(QStringLiteral("errorRatePercent")).toDouble(), 1.0);
    QCOMPARE(stable.value(QStringLiteral("p95Ms")).toDouble(), 100.0);
    const QJsonObject canary = telemetry.value(QStringLiteral("canary")).toObject();
    QCOMPARE(canary.value(QStringLiteral("requests")).toDouble(), 300.0);
    QCOMPARE(canary.value(QStringLiteral("errorRatePercent")).toDouble(), 10.0);
    QCOMPARE(telemetry.value(QStringLiteral("partial")).toBool(), false);
    QVERIFY(telemetry.value(QStringLiteral("partialReason")).isNull());
    QCOMPARE(telemetry.value(QStringLiteral("stale")).toBool(), false);
    const QJsonObject verdict = product.value(QStringLiteral("verdict")).toObject();
    QCOMPARE(verdict.value(QStringLiteral("result")).toString(), QStringLiteral("rollback"));
    QVERIFY(verdict.value(QStringLiteral("reason")).toString().startsWith(QStringLiteral("canary error rate 10.00% vs stable 1.00%")));
    QVERIFY(verdict.value(QStringLiteral("nextWeight")).isNull());
    // The skeleton's own keys are untouched.
    QCOMPARE(product.value(QStringLiteral("stable")).toObject().value(QStringLiteral("desired")).toInt(), 3);

    const QJsonObject orders = serviceIn(root, QStringLiteral("orderservice"));
    QVERIFY(orders.contains(QStringLiteral("telemetry")));
    QVERIFY(orders.value(QStringLiteral("telemetry")).isNull());
    QVERIFY(orders.value(QStringLiteral("verdict")).isNull());

    // A track without telemetry is null, its figures without requests null.
    TelemetryStore stableOnly(&services);
    stableOnly.apply(telemetryBatch(trackTelemetry(Product, Track::Stable, 15, 0, 0, 100, QDateTime::currentDateTimeUtc())));
    QJsonObject root2 = SnapshotWriter::toJson(services, {Ctx}, {}, QDateTime::currentDateTimeUtc());
    stableOnly.addToSnapshot(root2);
    const QJsonObject t2 = serviceIn(root2, QStringLiteral("productservice")).value(QStringLiteral("telemetry")).toObject();
    QVERIFY(t2.value(QStringLiteral("canary")).isNull());
    QVERIFY(t2.value(QStringLiteral("stable")).toObject().value(QStringLiteral("errorRatePercent")).isNull());
    QCOMPARE(serviceIn(root2, QStringLiteral("productservice")).value(QStringLiteral("verdict")).toObject().value(QStringLiteral("result")).toString(),
             QStringLiteral("notEnoughData"));
}

void tst_TelemetryStore::isoDuration_data()
{
    QTest::addColumn<int>("seconds");
    QTest::addColumn<QString>("expected");
    QTest::newRow("15 min") << 900 << QStringLiteral("PT15M");
    QTest::newRow("1 h") << 3600 << QStringLiteral("PT1H");
    QTest::newRow("6 h") << 21600 << QStringLiteral("PT6H");
    QTest::newRow("24 h") << 86400 << QStringLiteral("PT24H");
    QTest::newRow("90 s") << 90 << QStringLiteral("PT1M30S");
    QTest::newRow("1 h 1 s") << 3601 << QStringLiteral("PT1H1S");
    QTest::newRow("0") << 0 << QStringLiteral("PT0S");
}

void tst_TelemetryStore::isoDuration()
{
    QFETCH(int, seconds);
    QFETCH(QString, expected);
    QCOMPARE(TelemetryStore::isoDuration(seconds), expected);
}

QTEST_GUILESS_MAIN(tst_TelemetryStore)
#include "tst_telemetrystore.moc"
