#include "budgetparser.h"

#include <QFile>
#include <QTest>

using Opsdeck::CostBudget;

class tst_BudgetParser : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void listWithTagFilterAndNotifications()
    {
        QFile file(QStringLiteral(OPSDECK_COST_FIXTURES "/budgets.json"));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const auto page = BudgetParser::parse(file.readAll());
        QVERIFY2(page, qPrintable(page ? QString() : page.error().message));
        QCOMPARE(page->budgets.size(), 2);
        const CostBudget &order = page->budgets[0];
        QCOMPARE(order.name, QStringLiteral("orderservice-monthly"));
        QCOMPARE(order.serviceTag, QStringLiteral("orderservice")); // found inside `and`
        QCOMPARE(order.amount, 500.0);
        QCOMPARE(order.timeGrain, QStringLiteral("Monthly"));
        QCOMPARE(order.currentSpend, std::optional<double>(410.5));
        QCOMPARE(order.forecastSpend, std::optional<double>(620.25));
        QCOMPARE(order.currency, QStringLiteral("USD"));
        QCOMPARE(order.notifications.size(), 3);
        // Sorted by threshold.
        QCOMPARE(order.notifications[0].thresholdPercent, 50.0);
        QCOMPARE(order.notifications[0].op, QStringLiteral("GreaterThanOrEqualTo"));
        QVERIFY(!order.notifications[0].forecasted);
        QCOMPARE(order.notifications[2].thresholdPercent, 100.0);
        QVERIFY(order.notifications[2].forecasted);

        const CostBudget &estate = page->budgets[1];
        QCOMPARE(estate.serviceTag, QString()); // whole scope
        QCOMPARE(estate.amount, 5000.0);         // "5000" as a string
        QVERIFY(!estate.forecastSpend);
        QVERIFY(estate.notifications.isEmpty());
        QVERIFY(page->nextLink.isValid());
    }

    void plainTagsFilter()
    {
        const auto page = BudgetParser::parse(
            R"({"value":[{"name":"b","properties":{"amount":10,"filter":{"tags":{"name":"service","operator":"In","values":["cart"]}}}}]})");
        QVERIFY(page);
        QCOMPARE(page->budgets[0].serviceTag, QStringLiteral("cart"));
        QVERIFY(page->nextLink.isEmpty());
    }

    void invalid()
    {
        QVERIFY(!BudgetParser::parse("[]"));
        QVERIFY(!BudgetParser::parse(R"({"value":[{"name":"b","properties":{}}]})")); // no amount
        QVERIFY(!BudgetParser::parse(R"({"error":{"code":"AuthorizationFailed","message":"no"}})"));
    }
};

QTEST_GUILESS_MAIN(tst_BudgetParser)
#include "tst_budgetparser.moc"
