#include "costqueryparser.h"

#include <QFile>
#include <QTest>

class tst_CostQueryParser : public QObject
{
    Q_OBJECT

private:
    static QByteArray fixture(const char *name)
    {
        QFile file(QStringLiteral(OPSDECK_COST_FIXTURES "/") + QLatin1String(name));
        if (!file.open(QIODevice::ReadOnly))
            qFatal("missing fixture %s", name);
        return file.readAll();
    }

private Q_SLOTS:
    void dailyByTag()
    {
        const auto page = CostQueryParser::parse(fixture("query-daily-by-service.json"));
        QVERIFY2(page, qPrintable(page ? QString() : page.error().message));
        QCOMPARE(page->rows.size(), 5);
        QCOMPARE(page->rows[0], (CostRow{QDate(2026, 11, 1), QStringLiteral("orderservice"), 12.5, QStringLiteral("USD"), {}}));
        QCOMPARE(page->rows[2].group, QString()); // untagged
        QCOMPARE(page->rows[2].cost, 1.125);
        // Numbers and dates that arrive as strings.
        QCOMPARE(page->rows[4], (CostRow{QDate(2026, 11, 2), QStringLiteral("productservice"), 4.5, QStringLiteral("USD"), {}}));
        QCOMPARE(page->nextLink.query(QUrl::FullyDecoded), QStringLiteral("api-version=2023-03-01&$skiptoken=AQAAAA=="));
    }

    void forecastCarriesCostStatus()
    {
        const auto page = CostQueryParser::parse(fixture("forecast-orderservice.json"));
        QVERIFY(page);
        QCOMPARE(page->rows.size(), 3);
        QCOMPARE(page->rows[0].costStatus, QStringLiteral("Actual"));
        QCOMPARE(page->rows[2].costStatus, QStringLiteral("Forecast"));
        QCOMPARE(page->rows[2].date, QDate(2026, 11, 4));
        QVERIFY(page->nextLink.isEmpty()); // null
    }

    void costColumnByAliasOrOtherName_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<double>("cost");
        QTest::newRow("Cost") << QByteArray(R"({"properties":{"columns":[{"name":"Cost","type":"Number"},{"name":"Currency","type":"String"}],"rows":[[7.5,"EUR"]]}})") << 7.5;
        QTest::newRow("alias") << QByteArray(R"({"properties":{"columns":[{"name":"totalCost","type":"Number"}],"rows":[[8]]}})") << 8.0;
        QTest::newRow("unknown number column") << QByteArray(R"({"properties":{"columns":[{"name":"UsageDate","type":"Number"},{"name":"Amount","type":"Number"}],"rows":[[20261103,9.25]]}})") << 9.25;
    }
    void costColumnByAliasOrOtherName()
    {
        QFETCH(QByteArray, body);
        QFETCH(double, cost);
        const auto page = CostQueryParser::parse(body);
        QVERIFY(page);
        QCOMPARE(page->rows.size(), 1);
        QCOMPARE(page->rows[0].cost, cost);
    }

    void dimensionGrouping()
    {
        const auto page = CostQueryParser::parse(
            R"({"properties":{"columns":[{"name":"PreTaxCost","type":"Number"},{"name":"ResourceGroup","type":"String"},{"name":"UsageDate","type":"Number"},{"name":"Currency","type":"String"}],"rows":[[19.5,"shop",20261103,"USD"]]}})",
            QStringLiteral("ResourceGroup"));
        QVERIFY(page);
        QCOMPARE(page->rows[0].group, QStringLiteral("shop"));
    }

    void noContentIsEmpty()
    {
        const auto page = CostQueryParser::parse(QByteArray());
        QVERIFY(page);
        QVERIFY(page->rows.isEmpty());
        QVERIFY(page->nextLink.isEmpty());
    }

    void errors_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::newRow("not json") << QByteArray("<html>");
        QTest::newRow("error body") << QByteArray(R"({"error":{"code":"BadRequest","message":"Invalid dataset grouping"}})");
        QTest::newRow("short row") << QByteArray(R"({"properties":{"columns":[{"name":"Cost","type":"Number"},{"name":"Currency","type":"String"}],"rows":[[1]]}})");
        QTest::newRow("no cost") << QByteArray(R"({"properties":{"columns":[{"name":"Currency","type":"String"}],"rows":[["USD"]]}})");
        QTest::newRow("bad date") << QByteArray(R"({"properties":{"columns":[{"name":"Cost","type":"Number"},{"name":"UsageDate","type":"Number"}],"rows":[[1,"soon"]]}})");
    }
    void errors()
    {
        QFETCH(QByteArray, body);
        const auto page = CostQueryParser::parse(body);
        QVERIFY(!page);
        QCOMPARE(Opsdeck::toString(page.error().kind), Opsdeck::toString(Opsdeck::ErrorKind::Invalid));
    }
};

QTEST_GUILESS_MAIN(tst_CostQueryParser)
#include "tst_costqueryparser.moc"
