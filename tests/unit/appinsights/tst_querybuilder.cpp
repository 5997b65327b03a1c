// The KQL templates of the appinsights plugin: both dialects name their own tables and columns, every
// window has its bin, names are validated and quoted, never pasted.

#include "kqlname.h"
#include "querybuilder.h"
#include "querywindow.h"

#include <QRegularExpression>
#include <QTest>

using namespace Opsdeck;
using namespace Opsdeck::AppInsights;
using namespace Qt::StringLiterals;

class tst_QueryBuilder : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void windows_data();
    void windows();
    void badWindows();
    void dialectNames_data();
    void dialectNames();
    void serviceFilter();
    void columnsAreTheSameInBothDialects();
    void serviceNames_data();
    void serviceNames();
    void tracks();
    void quoting_data();
    void quoting();
    void dialects();
};

void tst_QueryBuilder::windows_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("seconds");
    QTest::addColumn<int>("bin");
    QTest::addColumn<QString>("iso");
    QTest::addColumn<QString>("kqlSpan");
    QTest::addColumn<QString>("kqlBin");
    QTest::newRow("15m") << u"15m"_s << 900 << 60 << u"PT15M"_s << u"15m"_s << u"1m"_s;
    QTest::newRow("1h") << u"1h"_s << 3600 << 300 << u"PT1H"_s << u"1h"_s << u"5m"_s;
    QTest::newRow("6h") << u"6h"_s << 21600 << 900 << u"PT6H"_s << u"6h"_s << u"15m"_s;
    QTest::newRow("24h") << u"24h"_s << 86400 << 3600 << u"P1D"_s << u"1d"_s << u"1h"_s;
    QTest::newRow("seconds") << u"3600"_s << 3600 << 300 << u"PT1H"_s << u"1h"_s << u"5m"_s;
}

void tst_QueryBuilder::windows()
{
    QFETCH(QString, text);
    QFETCH(int, seconds);
    QFETCH(int, bin);
    const auto w = QueryWindow::parse(text);
    QVERIFY(w);
    QCOMPARE(w->seconds, seconds);
    QCOMPARE(w->binSeconds, bin);
    QTEST(w->isoDuration(), "iso");
    QTEST(w->kqlSpan(), "kqlSpan");
    QTEST(w->kqlBin(), "kqlBin");
    const auto builder = QueryBuilder::create(Dialect::Workspace);
    QVERIFY(builder);
    for (const TelemetryQuery &q : builder->queries(*w)) {
        QCOMPARE(q.timespan(), w->isoDuration());
        QVERIFY2(q.text.contains(QStringLiteral("> ago(%1)").arg(w->kqlSpan())), qPrintable(q.text));
        if (q.kind != TelemetryQuery::Kind::Failures)
            QVERIFY2(q.text.contains(QStringLiteral("bin(TimeGenerated, %1)").arg(w->kqlBin())), qPrintable(q.text));
    }
}

void tst_QueryBuilder::badWindows()
{
    for (const QString &text : {QStringLiteral("2h"), QStringLiteral("0"), QStringLiteral("-900"), QString(),
                                QStringLiteral("15m; drop")}) {
        const auto w = QueryWindow::parse(text);
        QVERIFY2(!w, qPrintable(text));
        QVERIFY(w.error().kind == ErrorKind::Config);
    }
    QVERIFY(!QueryWindow::fromSeconds(1800));
    QCOMPARE(QueryWindow::all().size(), 4);
}

void tst_QueryBuilder::dialectNames_data()
{
    QTest::addColumn<int>("dialect");
    QTest::addColumn<QStringList>("present");
    QTest::addColumn<QStringList>("absent");
    QTest::newRow("workspace") << int(Dialect::Workspace)
                               << QStringList{u"AppRequests"_s, u"AppDependencies"_s, u"AppMetrics"_s, u"TimeGenerated"_s,
                                              u"AppRoleName"_s, u"Properties.version"_s, u"sum(ItemCount)"_s,
                                              u"Success == false"_s, u"DurationMs"_s, u"OperationName"_s, u"sum(Sum)"_s,
                                              u"Name == \"resilience.polly.strategy.events\""_s,
                                              u"Properties[\"event.name\"]"_s}
                               << QStringList{u"requests\n"_s, u"timestamp"_s, u"cloud_RoleName"_s, u"customDimensions"_s,
                                              u"itemCount"_s, u"count()"_s};
    QTest::newRow("classic") << int(Dialect::Classic)
                             << QStringList{u"requests\n"_s, u"dependencies\n"_s, u"customMetrics\n"_s, u"timestamp"_s,
                                            u"cloud_RoleName"_s, u"customDimensions.version"_s, u"sum(itemCount)"_s,
                                            u"success == false"_s, u"duration"_s, u"operation_Name"_s, u"sum(valueSum)"_s,
                                            u"ResultCode = resultCode"_s, u"name == \"resilience.polly.strategy.events\""_s,
                                            u"customDimensions[\"event.name\"]"_s}
                             << QStringList{u"AppRequests"_s, u"TimeGenerated"_s, u"AppRoleName"_s, u"Properties"_s, u"ItemCount"_s,
                                            u"DurationMs"_s, u"count()"_s};
}

void tst_QueryBuilder::dialectNames()
{
    QFETCH(int, dialect);
    QFETCH(QStringList, present);
    QFETCH(QStringList, absent);
    const auto builder = QueryBuilder::create(Dialect(dialect));
    QVERIFY(builder);
    QString all;
    for (const TelemetryQuery &q : builder->queries(QueryWindow{}))
        all += q.text + u'\n';
    for (const QString &p : present)
        QVERIFY2(all.contains(p), qPrintable(p + QStringLiteral(" missing in:\n") + all));
    for (const QString &a : absent)
        QVERIFY2(!all.contains(a), qPrintable(a + QStringLiteral(" found in:\n") + all));
}

void tst_QueryBuilder::serviceFilter()
{
    const auto all = QueryBuilder::create(Dialect::Workspace);
    QVERIFY(all);
    for (const TelemetryQuery &q : all->queries(QueryWindow{}))
        QVERIFY2(!q.text.contains(QStringLiteral("AppRoleName in")), qPrintable(q.text));

    const auto some = QueryBuilder::create(Dialect::Classic, {QStringLiteral("orderservice"), QStringLiteral("order-api"),
                                                              QStringLiteral("orderservice")});
    QVERIFY(some);
    QCOMPARE(some->services(), (QStringList{QStringLiteral("orderservice"), QStringLiteral("order-api")}));
    for (const TelemetryQuery &q : some->queries(QueryWindow{}))
        QVERIFY2(q.text.contains(QStringLiteral("| where cloud_RoleName in (\"orderservice\", \"order-api\")\n")), qPrintable(q.text));
}

void tst_QueryBuilder::columnsAreTheSameInBothDialects()
{
    const auto w = QueryBuilder::create(Dialect::Workspace);
    const auto c = QueryBuilder::create(Dialect::Classic);
    QVERIFY(w && c);
    const auto wq = w->queries(QueryWindow{});
    const auto cq = c->queries(QueryWindow{});
    QCOMPARE(wq.size(), 4);
    QCOMPARE(cq.size(), 4);
    for (int i = 0; i < wq.size(); ++i) {
        QCOMPARE(wq[i].columns, cq[i].columns);
        QCOMPARE(wq[i].id(), cq[i].id());
        // Every column the source reads is named in the query's summarize.
        for (const QString &column : wq[i].columns)
            QVERIFY2(wq[i].text.contains(column), qPrintable(column));
    }
    QCOMPARE(wq[0].columns, (QStringList{u"Service"_s, u"Track"_s, u"TimeBin"_s, u"Requests"_s, u"FailedRequests"_s, u"P50Ms"_s, u"P95Ms"_s, u"P99Ms"_s}));
    QCOMPARE(wq[1].columns, (QStringList{u"Service"_s, u"Track"_s, u"TimeBin"_s, u"DependencyCalls"_s, u"DependencyFailures"_s}));
    QCOMPARE(wq[2].columns, (QStringList{u"Service"_s, u"Track"_s, u"Event"_s, u"TimeBin"_s, u"Events"_s}));
    QCOMPARE(wq[3].columns, (QStringList{u"Service"_s, u"Track"_s, u"Operation"_s, u"ResultCode"_s, u"Total"_s, u"Failures"_s}));
}

void tst_QueryBuilder::serviceNames_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("valid");
    QTest::newRow("plain") << u"orderservice"_s << true;
    QTest::newRow("dashes and digits") << u"order-api-2"_s << true;
    QTest::newRow("one char") << u"a"_s << true;
    QTest::newRow("63 chars") << QString(63, u'a') << true;
    QTest::newRow("64 chars") << QString(64, u'a') << false;
    QTest::newRow("empty") << u""_s << false;
    QTest::newRow("upper case") << u"OrderService"_s << false;
    QTest::newRow("quote injection") << u"x\") or 1 == 1 //"_s << false;
    QTest::newRow("single quote") << u"x'"_s << false;
    QTest::newRow("pipe") << u"x | take 1"_s << false;
    QTest::newRow("newline") << u"x\n| take 1"_s << false;
    QTest::newRow("leading dash") << u"-x"_s << false;
    QTest::newRow("trailing dash") << u"x-"_s << false;
    QTest::newRow("dot") << u"order.service"_s << false;
    QTest::newRow("non-ascii") << QStringLiteral("bestellungsdienst\u00e4") << false;
}

void tst_QueryBuilder::serviceNames()
{
    QFETCH(QString, name);
    QFETCH(bool, valid);
    QCOMPARE(bool(KqlName::service(name)), valid);
    const auto builder = QueryBuilder::create(Dialect::Workspace, {QStringLiteral("ok"), name});
    QCOMPARE(bool(builder), valid);
    if (!valid) {
        QVERIFY(builder.error().kind == ErrorKind::Config);
        QVERIFY2(builder.error().message.contains(QStringLiteral("service name")), qPrintable(builder.error().message));
        QVERIFY(!builder.error().hint.isEmpty());
    }
}

void tst_QueryBuilder::tracks()
{
    QVERIFY(KqlName::track(QStringLiteral("stable")));
    QVERIFY(KqlName::track(QStringLiteral("canary")));
    QVERIFY(!KqlName::track(QStringLiteral("Canary")));
    QVERIFY(!KqlName::track(QStringLiteral("blue")));
    const auto builder = QueryBuilder::create(Dialect::Workspace);
    for (const TelemetryQuery &q : builder->queries(QueryWindow{}))
        QVERIFY2(q.text.contains(QStringLiteral("| where Track in (\"stable\", \"canary\")")), qPrintable(q.text));
}

void tst_QueryBuilder::quoting_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("quoted");
    QTest::newRow("plain") << u"orderservice"_s << u"\"orderservice\""_s;
    QTest::newRow("double quote") << u"a\"b"_s << u"\"a\\\"b\""_s;
    QTest::newRow("backslash") << u"a\\b"_s << u"\"a\\\\b\""_s;
    QTest::newRow("backslash before quote") << u"a\\\""_s << u"\"a\\\\\\\"\""_s;
    QTest::newRow("newline and tab") << u"a\nb\tc\r"_s << u"\"a\\nb\\tc\\r\""_s;
    QTest::newRow("control") << QString(QChar(0x01)) << u"\"\\u0001\""_s;
    QTest::newRow("single quote stays") << u"it's"_s << u"\"it's\""_s;
    QTest::newRow("dotted") << u"event.name"_s << u"\"event.name\""_s;
}

void tst_QueryBuilder::quoting()
{
    QFETCH(QString, text);
    QTEST(KqlName::quoted(text), "quoted");
    // A quoted literal never ends early: between the outer quotes every " is escaped.
    const QString q = KqlName::quoted(text);
    const QString inner = q.mid(1, q.size() - 2);
    static const QRegularExpression unescapedQuote(QStringLiteral(R"((?<!\\)(\\\\)*")"));
    QVERIFY2(!inner.contains(unescapedQuote), qPrintable(q));
}

void tst_QueryBuilder::dialects()
{
    QVERIFY(parseDialect(QStringLiteral("workspace")).value() == Dialect::Workspace);
    QVERIFY(parseDialect(QStringLiteral("classic")).value() == Dialect::Classic);
    const auto bad = parseDialect(QStringLiteral("Classic"));
    QVERIFY(!bad);
    QVERIFY(bad.error().kind == ErrorKind::Config);
    QVERIFY(bad.error().message.contains(QStringLiteral("'Classic'")));
    QCOMPARE(toString(Dialect::Classic), QStringLiteral("classic"));
}

QTEST_GUILESS_MAIN(tst_QueryBuilder)
#include "tst_querybuilder.moc"
