// The query API's answer as the appinsights plugin reads it: captured sim answers in both dialects, a
// partial result, empty tables, and answers that are not what they claim (clear errors, never a crash).

#include "queryresponse.h"

#include <QFile>
#include <QTest>

using namespace Opsdeck;
using namespace Opsdeck::AppInsights;
using namespace Qt::StringLiterals;

namespace {

QByteArray fixture(const QString &name)
{
    QFile f(QStringLiteral(FIXTURE_DIR "/") + name);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("missing fixture %s", qPrintable(name));
    return f.readAll();
}

} // namespace

class tst_QueryResponse : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void capturedAnswers_data();
    void capturedAnswers();
    void partial();
    void emptyTable();
    void numbersAsStrings();
    void badShapes_data();
    void badShapes();
    void wrongColumnType();
    void missingColumn();
    void wrongCell();
};

void tst_QueryResponse::capturedAnswers_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QStringList>("columns");
    const QStringList requests{u"Service"_s, u"Track"_s, u"TimeBin"_s, u"Requests"_s, u"FailedRequests"_s,
                               u"P50Ms"_s, u"P95Ms"_s, u"P99Ms"_s};
    for (const QString &d : {u"workspace"_s, u"classic"_s}) {
        const QString w = d == u"workspace" ? u"15m"_s : u"1h"_s;
        QTest::addRow("%s requests", qPrintable(d)) << d + u"-requests-"_s + w + u".json"_s << requests;
        QTest::addRow("%s dependencies", qPrintable(d))
            << d + u"-dependencies-"_s + w + u".json"_s
            << QStringList{u"Service"_s, u"Track"_s, u"TimeBin"_s, u"DependencyCalls"_s, u"DependencyFailures"_s};
        QTest::addRow("%s resilience", qPrintable(d))
            << d + u"-resilience-"_s + w + u".json"_s
            << QStringList{u"Service"_s, u"Track"_s, u"Event"_s, u"TimeBin"_s, u"Events"_s};
        QTest::addRow("%s failures", qPrintable(d))
            << d + u"-failures-"_s + w + u".json"_s
            << QStringList{u"Service"_s, u"Track"_s, u"Operation"_s, u"ResultCode"_s, u"Total"_s, u"Failures"_s};
    }
}

void tst_QueryResponse::capturedAnswers()
{
    QFETCH(QString, file);
    QFETCH(QStringList, columns);
    const auto r = QueryResponse::parse(fixture(file));
    QVERIFY2(r, qPrintable(r ? QString() : toString(r.error())));
    QStringList names;
    for (const auto &c : r->columns())
        names << c.name;
    QCOMPARE(names, columns);
    QVERIFY(r->rowCount() > 0);
    QVERIFY(!r->partialError());
    const auto service = r->column(u"Service"_s, {u"string"_s});
    QVERIFY(service);
    for (std::size_t row = 0; row < r->rowCount(); ++row)
        QVERIFY(!r->text(row, *service)->isEmpty());
    if (columns.contains(u"TimeBin"_s)) {
        const auto bin = r->column(u"TimeBin"_s, {u"datetime"_s});
        QVERIFY(bin);
        const auto t = r->dateTime(0, *bin);
        QVERIFY(t);
        QCOMPARE(t->timeSpec(), Qt::UTC);
        QCOMPARE(t->date().year(), 2026);
    }
}

void tst_QueryResponse::partial()
{
    const auto r = QueryResponse::parse(fixture(u"workspace-requests-partial.json"_s));
    QVERIFY(r);
    QVERIFY(r->rowCount() > 0);
    QVERIFY(r->partialError());
    // The most specific code and message of the nested error.
    QVERIFY2(r->partialError()->startsWith(u"EngineError: Query execution has exceeded the allowed limits"_s),
             qPrintable(*r->partialError()));
}

void tst_QueryResponse::emptyTable()
{
    const auto r = QueryResponse::parse(
        R"({"tables":[{"name":"PrimaryResult","columns":[{"name":"Service","type":"string"},{"name":"Requests","type":"long"}],"rows":[]}]})");
    QVERIFY(r);
    QCOMPARE(r->rowCount(), std::size_t(0));
    QCOMPARE(r->columns().size(), 2);
    QCOMPARE(r->column(u"Requests"_s, QueryResponse::numericTypes()).value(), 1);
}

void tst_QueryResponse::numbersAsStrings()
{
    // API-CONTRACTS §3: numbers may arrive as strings; an empty percentile is "NaN"; nulls are no value.
    const auto r = QueryResponse::parse(
        R"({"tables":[{"name":"PrimaryResult","columns":[{"name":"N","type":"long"},{"name":"P","type":"real"}],)"
        R"("rows":[["42","NaN"],[7,null],[1.5e3,"12.25"]]}]})");
    QVERIFY(r);
    QCOMPARE(r->number(0, 0)->value(), 42.0);
    QVERIFY(!r->number(0, 1)->has_value());
    QCOMPARE(r->number(1, 0)->value(), 7.0);
    QVERIFY(!r->number(1, 1)->has_value());
    QCOMPARE(r->number(2, 0)->value(), 1500.0);
    QCOMPARE(r->number(2, 1)->value(), 12.25);
}

void tst_QueryResponse::badShapes_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("says");
    QTest::newRow("not json") << QByteArray("<html>502 Bad Gateway</html>") << u"not JSON"_s;
    QTest::newRow("no tables") << QByteArray(R"({"error":{"code":"BadArgumentError"}})") << u"no 'tables'"_s;
    QTest::newRow("tables empty") << QByteArray(R"({"tables":[]})") << u"'tables' is empty"_s;
    QTest::newRow("no rows") << QByteArray(R"({"tables":[{"columns":[]}]})") << u"lacks 'columns' or 'rows'"_s;
    QTest::newRow("unnamed column") << QByteArray(R"({"tables":[{"columns":[{"type":"long"}],"rows":[]}]})")
                                    << u"without a name"_s;
    QTest::newRow("short row") << QByteArray(R"({"tables":[{"columns":[{"name":"a","type":"long"},{"name":"b","type":"long"}],"rows":[[1]]}]})")
                               << u"row 0 has 1 cells for 2 columns"_s;
    QTest::newRow("row not array") << QByteArray(R"({"tables":[{"columns":[{"name":"a","type":"long"}],"rows":[{"a":1}]}]})")
                                   << u"row 0"_s;
}

void tst_QueryResponse::badShapes()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, says);
    const auto r = QueryResponse::parse(body);
    QVERIFY(!r);
    QVERIFY(r.error().kind == ErrorKind::Invalid);
    QVERIFY2(r.error().message.contains(says), qPrintable(r.error().message));
}

void tst_QueryResponse::wrongColumnType()
{
    const auto r = QueryResponse::parse(
        R"({"tables":[{"columns":[{"name":"Requests","type":"string"},{"name":"TimeBin","type":"long"}],"rows":[["many",1]]}]})");
    QVERIFY(r);
    const auto requests = r->column(u"Requests"_s, QueryResponse::numericTypes());
    QVERIFY(!requests);
    QVERIFY(requests.error().kind == ErrorKind::Invalid);
    QVERIFY2(requests.error().message.contains(u"column 'Requests' is of type 'string', expected int or long or real or decimal"_s),
             qPrintable(requests.error().message));
    QVERIFY(!r->column(u"TimeBin"_s, {u"datetime"_s}));
}

void tst_QueryResponse::missingColumn()
{
    const auto r = QueryResponse::parse(fixture(u"workspace-dependencies-15m.json"_s));
    QVERIFY(r);
    const auto c = r->column(u"Requests"_s, {});
    QVERIFY(!c);
    QVERIFY2(c.error().message.contains(u"no column 'Requests' (columns: Service, Track, TimeBin"_s), qPrintable(c.error().message));
}

void tst_QueryResponse::wrongCell()
{
    const auto r = QueryResponse::parse(
        R"({"tables":[{"columns":[{"name":"N","type":"long"},{"name":"T","type":"datetime"},{"name":"S","type":"string"}],)"
        R"("rows":[["lots","yesterday",{"a":1}]]}]})");
    QVERIFY(r);
    const auto n = r->number(0, 0);
    QVERIFY(!n);
    QVERIFY2(n.error().message.contains(u"row 0, column 'N': expected a number, got \"lots\""_s), qPrintable(n.error().message));
    const auto t = r->dateTime(0, 1);
    QVERIFY(!t);
    QVERIFY2(t.error().message.contains(u"column 'T': expected an ISO 8601 time"_s), qPrintable(t.error().message));
    QVERIFY(!r->text(0, 2));
}

QTEST_GUILESS_MAIN(tst_QueryResponse)
#include "tst_queryresponse.moc"
