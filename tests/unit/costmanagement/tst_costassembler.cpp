#include "costassembler.h"

#include <QTest>

using namespace Opsdeck;

class tst_CostAssembler : public QObject
{
    Q_OBJECT

private:
    static CostRow row(const QDate &date, const QString &group, double cost, const QString &status = {})
    {
        return CostRow{date, group, cost, QStringLiteral("EUR"), status};
    }
    static const CostSeries *find(const CostSnapshot &s, const QString &name)
    {
        for (const CostSeries &series : s.series) {
            if (series.serviceTag == name)
                return &series;
        }
        return nullptr;
    }
    static double sum(const CostSeries &s, bool forecast)
    {
        double total = 0;
        for (const CostPoint &p : s.points) {
            if (p.forecast == forecast)
                total += p.amount;
        }
        return total;
    }

private Q_SLOTS:
    void names()
    {
        QCOMPARE(CostAssembler::serviceName(QString()), QStringLiteral("(untagged)"));
        QCOMPARE(CostAssembler::serviceName(QStringLiteral("Shared")), QStringLiteral("(shared)"));
        QCOMPARE(CostAssembler::serviceName(QStringLiteral("orderservice")), QStringLiteral("orderservice"));
    }

    void untaggedAndSharedAlwaysThere()
    {
        CostAnswers answers;
        answers.scope = QStringLiteral("/subscriptions/s");
        answers.asOf = QDate(2026, 11, 10);
        answers.current << row(QDate(2026, 11, 1), QStringLiteral("cart"), 5);
        const CostSnapshot s = CostAssembler::assemble(answers);
        QCOMPARE(s.series.size(), 3);
        QVERIFY(find(s, QStringLiteral("(untagged)")));
        QVERIFY(find(s, QStringLiteral("(shared)")));
        QCOMPARE(find(s, QStringLiteral("(shared)"))->currency, QStringLiteral("EUR"));
        QVERIFY(find(s, QStringLiteral("(shared)"))->points.isEmpty());
    }

    void seriesForecastAndBudgets()
    {
        CostAnswers answers;
        answers.scope = QStringLiteral("/subscriptions/s");
        answers.asOf = QDate(2026, 11, 2);
        answers.fetchedAt = QDateTime(QDate(2026, 11, 2), QTime(10, 0), Qt::UTC);
        answers.current << row(QDate(2026, 11, 1), QStringLiteral("cart"), 5) << row(QDate(2026, 11, 1), QStringLiteral("cart"), 1)
                        << row(QDate(2026, 11, 2), QStringLiteral("shared"), 2) << row(QDate(2026, 11, 2), QString(), 0.5);
        answers.previous << row(QDate(2026, 10, 1), QStringLiteral("cart"), 4) << row(QDate(2026, 10, 31), QStringLiteral("cart"), 4);
        // The tagged forecasts; Actual rows and days before asOf are dropped, asOf's Forecast row counts.
        answers.forecastByTag.insert(QStringLiteral("cart"), {row(QDate(2026, 11, 2), QStringLiteral(""), 99, QStringLiteral("Actual")),
                                                              row(QDate(2026, 11, 1), {}, 99, QStringLiteral("Forecast")),
                                                              row(QDate(2026, 11, 2), {}, 1, QStringLiteral("Forecast")),
                                                              row(QDate(2026, 11, 3), {}, 6, QStringLiteral("Forecast"))});
        answers.forecastByTag.insert(QStringLiteral("shared"), {row(QDate(2026, 11, 3), {}, 2, QStringLiteral("Forecast"))});
        // The total leaves 1.5 for untagged spend on the 3rd.
        answers.totalForecast = QList<CostRow>{row(QDate(2026, 11, 2), {}, 1, QStringLiteral("Forecast")),
                                               row(QDate(2026, 11, 3), {}, 9.5, QStringLiteral("Forecast"))};
        CostBudget budget;
        budget.name = QStringLiteral("cart-monthly");
        budget.serviceTag = QStringLiteral("cart");
        budget.amount = 100;
        answers.budgets << budget;

        const CostSnapshot s = CostAssembler::assemble(answers);
        const CostSeries *cart = find(s, QStringLiteral("cart"));
        QVERIFY(cart);
        QCOMPARE(sum(*cart, false), 6.0 + 8.0); // both days of both months, summed per day
        QCOMPARE(cart->points.first(), (CostPoint{QDate(2026, 10, 1), 4, false}));
        QCOMPARE(sum(*cart, true), 7.0);
        QCOMPARE(cart->budget, std::optional<double>(100));
        QCOMPARE(cart->asOf, QDate(2026, 11, 2));
        QCOMPARE(cart->fetchedAt, answers.fetchedAt);
        QCOMPARE(sum(*find(s, QStringLiteral("(shared)")), true), 2.0);
        QCOMPARE(sum(*find(s, QStringLiteral("(untagged)")), false), 0.5);
        QCOMPARE(sum(*find(s, QStringLiteral("(untagged)")), true), 1.5);
        QCOMPARE(s.budgets.size(), 1);
        QCOMPARE(s.budgets[0].scope, answers.scope);
        QCOMPARE(s.budgets[0].currency, QStringLiteral("EUR"));
    }

    void snapshotRoundTripsThroughJson()
    {
        CostAnswers answers;
        answers.scope = QStringLiteral("/subscriptions/s/resourceGroups/shop");
        answers.asOf = QDate(2026, 11, 2);
        answers.fetchedAt = QDateTime(QDate(2026, 11, 2), QTime(10, 0), Qt::UTC);
        answers.current << row(QDate(2026, 11, 1), QStringLiteral("cart"), 5);
        CostBudget budget;
        budget.name = QStringLiteral("b");
        budget.amount = 10;
        budget.currentSpend = 5;
        budget.notifications << CostBudget::Notification{QStringLiteral("n"), 80, true, true, QStringLiteral("GreaterThan")};
        answers.budgets << budget;
        const CostSnapshot s = CostAssembler::assemble(answers);
        const auto back = CostSnapshot::fromJson(s.toJson());
        QVERIFY(back);
        QCOMPARE(back->observations(true).size(), s.observations(true).size());
        for (size_t i = 0; i < s.observations(true).size(); ++i)
            QVERIFY(back->observations(true)[i] == s.observations(true)[i]);
        const auto observations = back->observations(true);
        QVERIFY(std::get<CostSeries>(observations.front()).cached);
    }
};

QTEST_GUILESS_MAIN(tst_CostAssembler)
#include "tst_costassembler.moc"
