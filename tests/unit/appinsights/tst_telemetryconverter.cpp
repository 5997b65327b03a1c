// From query answers to observations: every (service, track) gets its series with the contract's metric
// names and units, counts per bin with zeros where a bin had none, latency only where there were
// requests, breakdowns of failures, partial answers marked, bad answers refused whole.

#include "queryresponse.h"
#include "querybuilder.h"
#include "telemetryconverter.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace Opsdeck;
using namespace Opsdeck::AppInsights;
using namespace Qt::StringLiterals;

namespace {

using K = TelemetryQuery::Kind;

QByteArray fixture(const QString &name)
{
    QFile f(QStringLiteral(FIXTURE_DIR "/") + name);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("missing fixture %s", qPrintable(name));
    return f.readAll();
}

QueryResponse response(const QString &name)
{
    auto r = QueryResponse::parse(fixture(name));
    if (!r)
        qFatal("%s", qPrintable(toString(r.error())));
    return *r;
}

TelemetryQuery query(K kind, Dialect dialect, const QueryWindow &window)
{
    return QueryBuilder::create(dialect)->build(kind, window);
}

// Sum of one column per "service/track", straight from the JSON (not through the parser).
QMap<QString, double> sums(const QString &name, const QString &column)
{
    const QJsonObject table = QJsonDocument::fromJson(fixture(name)).object()[u"tables"_s].toArray()[0].toObject();
    int index = -1;
    const QJsonArray columns = table[u"columns"_s].toArray();
    for (int i = 0; i < columns.size(); ++i)
        if (columns[i].toObject()[u"name"_s].toString() == column)
            index = i;
    QMap<QString, double> out;
    for (const QJsonValue &row : table[u"rows"_s].toArray()) {
        const QJsonArray r = row.toArray();
        out[r[0].toString() + u'/' + r[1].toString()] += r[index].toDouble();
    }
    return out;
}

QString keyOf(const ServiceKey &s, Track t)
{
    return s.name + u'/' + (t == Track::Canary ? u"canary"_s : u"stable"_s);
}

const TelemetrySeries *find(const std::vector<Observation> &obs, const QString &key, const QString &metric)
{
    for (const Observation &o : obs) {
        if (const auto *s = std::get_if<TelemetrySeries>(&o); s && keyOf(s->service, s->track) == key && s->metric == metric)
            return s;
    }
    return nullptr;
}

double total(const TelemetrySeries &s)
{
    double sum = 0;
    for (const TelemetryPoint &p : s.points)
        sum += p.value;
    return sum;
}

TelemetryConverter full(Dialect dialect, const QueryWindow &window, const QString &prefix)
{
    TelemetryConverter c(u"opsdeck-sim"_s, u"microservices"_s, window);
    for (const auto &[kind, file] : {std::pair{K::Requests, u"requests"_s}, std::pair{K::Dependencies, u"dependencies"_s},
                                     std::pair{K::Resilience, u"resilience"_s}, std::pair{K::Failures, u"failures"_s}}) {
        const auto ok = c.add(query(kind, dialect, window), response(prefix + file + u"-"_s + window.label() + u".json"_s));
        if (!ok)
            qFatal("%s", qPrintable(toString(ok.error())));
    }
    return c;
}

} // namespace

class tst_TelemetryConverter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void everySeriesOfEveryTrack_data();
    void everySeriesOfEveryTrack();
    void countsAddUpAndBinsAreFilled();
    void latencyOnlyWhereRequests();
    void resilienceEvents();
    void breakdowns();
    void partialIsMarked();
    void badAnswerAddsNothing();
    void vanishedKeysBecomeEmpty();
    void onlyAnsweredKindsAreEmitted();
};

void tst_TelemetryConverter::everySeriesOfEveryTrack_data()
{
    QTest::addColumn<int>("dialect");
    QTest::addColumn<int>("window");
    QTest::addColumn<QString>("prefix");
    QTest::newRow("workspace 15m") << int(Dialect::Workspace) << 900 << u"workspace-"_s;
    QTest::newRow("classic 1h") << int(Dialect::Classic) << 3600 << u"classic-"_s;
}

void tst_TelemetryConverter::everySeriesOfEveryTrack()
{
    QFETCH(int, dialect);
    QFETCH(int, window);
    QFETCH(QString, prefix);
    const QueryWindow w = *QueryWindow::fromSeconds(window);
    const TelemetryConverter c = full(Dialect(dialect), w, prefix);
    const auto obs = c.observations();
    // The seed estate: three services, stable tracks for all, canaries for two (not orderservice).
    const QStringList keys{u"notificationservice/canary"_s, u"notificationservice/stable"_s, u"orderservice/stable"_s,
                           u"productservice/canary"_s, u"productservice/stable"_s};
    QCOMPARE(c.keys().size(), std::size_t(keys.size()));
    const QStringList metrics{u"requests"_s, u"failedRequests"_s, u"p50Ms"_s, u"p95Ms"_s, u"p99Ms"_s, u"dependencyCalls"_s,
                              u"dependencyFailures"_s, u"resilience:OnCircuitOpened"_s, u"resilience:OnCircuitHalfOpened"_s,
                              u"resilience:OnCircuitClosed"_s, u"resilience:OnRetry"_s, u"resilience:OnTimeout"_s,
                              u"resilience:OnFallback"_s};
    QCOMPARE(obs.size(), std::size_t(keys.size() * (metrics.size() + 2)));
    for (const QString &key : keys) {
        for (const QString &metric : metrics) {
            const TelemetrySeries *s = find(obs, key, metric);
            QVERIFY2(s, qPrintable(key + u' ' + metric));
            QCOMPARE(s->service, (ServiceKey{u"opsdeck-sim"_s, u"microservices"_s, key.section(u'/', 0, 0)}));
            QCOMPARE(s->unit, metric.endsWith(u"Ms") ? u"ms"_s : u"count"_s);
            QCOMPARE(s->stepSeconds, w.binSeconds);
            QCOMPARE(s->windowSeconds, window);
            QVERIFY(!s->partial);
        }
        QVERIFY(total(*find(obs, key, u"requests"_s)) > 0);
    }
}

void tst_TelemetryConverter::countsAddUpAndBinsAreFilled()
{
    const QueryWindow w = *QueryWindow::fromSeconds(900);
    const auto obs = full(Dialect::Workspace, w, u"workspace-"_s).observations();
    const auto requests = sums(u"workspace-requests-15m.json"_s, u"Requests"_s);
    const auto failed = sums(u"workspace-requests-15m.json"_s, u"FailedRequests"_s);
    const auto calls = sums(u"workspace-dependencies-15m.json"_s, u"DependencyCalls"_s);
    QCOMPARE(requests.size(), 5);
    for (auto it = requests.cbegin(); it != requests.cend(); ++it) {
        QCOMPARE(total(*find(obs, it.key(), u"requests"_s)), it.value());
        QCOMPARE(total(*find(obs, it.key(), u"failedRequests"_s)), failed.value(it.key()));
        QCOMPARE(total(*find(obs, it.key(), u"dependencyCalls"_s)), calls.value(it.key()));
    }
    // One grid for every count series: contiguous 1 min bins, no more than the window holds.
    const TelemetrySeries *first = find(obs, u"orderservice/stable"_s, u"requests"_s);
    QVERIFY(first->points.size() >= 2 && first->points.size() <= 17);
    for (qsizetype i = 1; i < first->points.size(); ++i)
        QCOMPARE(first->points[i - 1].time.secsTo(first->points[i].time), qint64(60));
    for (const Observation &o : obs) {
        const auto *s = std::get_if<TelemetrySeries>(&o);
        if (s && s->unit == u"count") {
            QCOMPARE(s->points.size(), first->points.size());
            QCOMPARE(s->points.first().time, first->points.first().time);
        }
    }
}

void tst_TelemetryConverter::latencyOnlyWhereRequests()
{
    const QueryWindow w = *QueryWindow::fromSeconds(900);
    const auto obs = full(Dialect::Workspace, w, u"workspace-"_s).observations();
    const TelemetrySeries *p50 = find(obs, u"productservice/stable"_s, u"p50Ms"_s);
    const TelemetrySeries *p95 = find(obs, u"productservice/stable"_s, u"p95Ms"_s);
    const TelemetrySeries *p99 = find(obs, u"productservice/stable"_s, u"p99Ms"_s);
    const TelemetrySeries *requests = find(obs, u"productservice/stable"_s, u"requests"_s);
    QVERIFY(!p95->points.isEmpty());
    int withRequests = 0;
    for (const TelemetryPoint &p : requests->points)
        withRequests += p.value > 0 ? 1 : 0;
    QCOMPARE(p95->points.size(), withRequests);
    for (qsizetype i = 0; i < p95->points.size(); ++i) {
        QVERIFY(p50->points[i].value > 0);
        QVERIFY(p50->points[i].value <= p95->points[i].value);
        QVERIFY(p95->points[i].value <= p99->points[i].value);
    }
}

void tst_TelemetryConverter::resilienceEvents()
{
    const QueryWindow w = *QueryWindow::fromSeconds(900);
    const auto obs = full(Dialect::Workspace, w, u"workspace-"_s).observations();
    const auto retries = sums(u"workspace-resilience-15m.json"_s, u"Events"_s); // all OnRetry in this capture
    QVERIFY(!retries.isEmpty());
    for (auto it = retries.cbegin(); it != retries.cend(); ++it)
        QCOMPARE(total(*find(obs, it.key(), u"resilience:OnRetry"_s)), it.value());
    QCOMPARE(total(*find(obs, u"productservice/canary"_s, u"resilience:OnCircuitOpened"_s)), 0.0);
}

void tst_TelemetryConverter::breakdowns()
{
    const QueryWindow w = *QueryWindow::fromSeconds(3600);
    const auto obs = full(Dialect::Classic, w, u"classic-"_s).observations();
    int seen = 0;
    for (const Observation &o : obs) {
        const auto *b = std::get_if<TelemetryBreakdown>(&o);
        if (!b)
            continue;
        ++seen;
        QVERIFY(b->dimension == u"operation" || b->dimension == u"resultCode");
        QCOMPARE(b->windowSeconds, 3600);
        QVERIFY(b->rows.size() <= TelemetryConverter::kBreakdownRows);
        for (qsizetype i = 0; i < b->rows.size(); ++i) {
            QVERIFY(b->rows[i].failures > 0);
            QVERIFY(b->rows[i].failures <= b->rows[i].total);
            if (i > 0)
                QVERIFY(b->rows[i - 1].failures >= b->rows[i].failures);
            if (b->dimension == u"resultCode")
                QVERIFY2(b->rows[i].name != u"200" && b->rows[i].name != u"201", qPrintable(b->rows[i].name));
        }
        if (b->service.name == u"orderservice" && b->track == Track::Stable) {
            QVERIFY(!b->rows.isEmpty());
            if (b->dimension == u"operation")
                QVERIFY2(b->rows.first().name.startsWith(u"GET /api/orders"_s), qPrintable(b->rows.first().name));
        }
    }
    QCOMPARE(seen, 10); // five tracks, two dimensions
}

void tst_TelemetryConverter::partialIsMarked()
{
    const QueryWindow w = *QueryWindow::fromSeconds(900);
    TelemetryConverter c(QString(), QString(), w);
    QVERIFY(c.add(query(K::Requests, Dialect::Workspace, w), response(u"workspace-requests-partial.json"_s)));
    QVERIFY(c.add(query(K::Dependencies, Dialect::Workspace, w), response(u"workspace-dependencies-15m.json"_s)));
    const auto obs = c.observations();
    QVERIFY(!obs.empty());
    for (const Observation &o : obs) {
        const auto &s = std::get<TelemetrySeries>(o);
        QCOMPARE(s.service.context, QString());
        const bool fromRequests = !s.metric.startsWith(u"dependency");
        QCOMPARE(s.partial, fromRequests);
        if (fromRequests)
            QVERIFY2(s.partialReason.contains(u"exceeded the allowed limits"_s), qPrintable(s.partialReason));
    }
}

void tst_TelemetryConverter::badAnswerAddsNothing()
{
    const QueryWindow w = *QueryWindow::fromSeconds(900);
    TelemetryConverter c(QString(), QString(), w);
    // The dependencies answer is not a requests answer: refused with the column it lacks.
    const auto wrong = c.add(query(K::Requests, Dialect::Workspace, w), response(u"workspace-dependencies-15m.json"_s));
    QVERIFY(!wrong);
    QVERIFY(wrong.error().kind == ErrorKind::Invalid);
    QVERIFY2(wrong.error().message.startsWith(u"requests query (workspace): query response: no column 'Requests'"_s),
             qPrintable(wrong.error().message));
    // A bad cell half way down: nothing of the answer stays.
    QByteArray body = fixture(u"workspace-requests-15m.json"_s);
    const int at = body.lastIndexOf("\"stable\",\"2026");
    QVERIFY(at > 0);
    body.replace(at + 10, 4, "soon");
    const auto broken = QueryResponse::parse(body);
    QVERIFY(broken);
    const auto bad = c.add(query(K::Requests, Dialect::Workspace, w), *broken);
    QVERIFY(!bad);
    QVERIFY2(bad.error().message.contains(u"column 'TimeBin': expected an ISO 8601 time"_s), qPrintable(bad.error().message));
    QVERIFY(c.keys().empty());
    QVERIFY(c.observations().empty());
}

void tst_TelemetryConverter::vanishedKeysBecomeEmpty()
{
    const QueryWindow w = *QueryWindow::fromSeconds(900);
    TelemetryConverter c(QString(), QString(), w);
    QVERIFY(c.add(query(K::Requests, Dialect::Workspace, w), response(u"workspace-requests-15m.json"_s)));
    const TelemetryConverter::Key gone{u"retiredservice"_s, Track::Canary};
    const auto obs = c.observations({gone});
    const TelemetrySeries *s = find(obs, u"retiredservice/canary"_s, u"requests"_s);
    QVERIFY(s);
    QCOMPARE(total(*s), 0.0);
    QVERIFY(find(obs, u"retiredservice/canary"_s, u"p95Ms"_s)->points.isEmpty());
}

void tst_TelemetryConverter::onlyAnsweredKindsAreEmitted()
{
    const QueryWindow w = *QueryWindow::fromSeconds(900);
    TelemetryConverter c(QString(), QString(), w);
    QVERIFY(c.add(query(K::Resilience, Dialect::Workspace, w), response(u"workspace-resilience-15m.json"_s)));
    for (const Observation &o : c.observations()) {
        const auto &s = std::get<TelemetrySeries>(o);
        QVERIFY2(s.metric.startsWith(u"resilience:"_s), qPrintable(s.metric));
    }
}

QTEST_GUILESS_MAIN(tst_TelemetryConverter)
#include "tst_telemetryconverter.moc"
