#include "coststore.h"

#include <QJsonArray>
#include <QSignalSpy>
#include <QTest>

using namespace Opsdeck;

namespace {

const QString Scope = QStringLiteral("/subscriptions/sub");
const QDate AsOf(2026, 11, 10);

CostSeries series(const QString &tag, QList<CostPoint> points, bool cached = false)
{
    CostSeries s;
    s.serviceTag = tag;
    s.scope = Scope;
    s.currency = QStringLiteral("USD");
    s.points = std::move(points);
    s.asOf = AsOf;
    s.fetchedAt = QDateTime(AsOf, QTime(9, 0), Qt::UTC);
    s.cached = cached;
    return s;
}

// `perDay` on every day of [from, to].
QList<CostPoint> days(const QDate &from, const QDate &to, double perDay, bool forecast = false)
{
    QList<CostPoint> points;
    for (QDate d = from; d <= to; d = d.addDays(1))
        points << CostPoint{d, perDay, forecast};
    return points;
}

CostBudget budget(const QString &tag, double amount, QList<CostBudget::Notification> notifications = {})
{
    CostBudget b;
    b.scope = Scope;
    b.name = tag.isEmpty() ? QStringLiteral("estate") : tag + QStringLiteral("-monthly");
    b.serviceTag = tag;
    b.amount = amount;
    b.currency = QStringLiteral("USD");
    b.timeGrain = QStringLiteral("Monthly");
    b.notifications = std::move(notifications);
    return b;
}

CostBudget::Notification threshold(double percent, bool forecasted, const QString &op = QStringLiteral("GreaterThanOrEqualTo"))
{
    return CostBudget::Notification{QStringLiteral("n%1%2").arg(percent).arg(forecasted), percent, forecasted, true, op};
}

ObservationBatch batch(std::vector<Observation> observations)
{
    return ObservationBatch{QStringLiteral("costmanagement"), QDateTime::currentDateTimeUtc(), std::move(observations)};
}

} // namespace

class tst_CostStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void summarizeMonthToDateLastMonthForecast()
    {
        // Oct: 31 days × 3; Nov 1..10: 10 days × 4 actual; Nov 11..30 forecast 20 × 5.
        QList<CostPoint> points = days(QDate(2026, 10, 1), QDate(2026, 10, 31), 3);
        points += days(QDate(2026, 11, 1), QDate(2026, 11, 10), 4);
        points += days(QDate(2026, 11, 11), QDate(2026, 11, 30), 5, true);
        points << CostPoint{QDate(2026, 11, 9), 1000, true}; // a forecast for a day before asOf: ignored
        points << CostPoint{QDate(2026, 11, 10), 2, true};   // the rest of asOf's day: counted
        const CostLine line = CostStore::summarize(series(QStringLiteral("cart"), points), std::nullopt);
        QCOMPARE(line.monthToDate, 40.0);
        QCOMPARE(line.lastMonthSamePeriod, std::optional(30.0)); // Oct 1..10
        QCOMPARE(line.lastMonth, std::optional(93.0));
        QCOMPARE(*line.changePercent, 100.0 * (40.0 - 30.0) / 30.0);
        QCOMPARE(line.forecast, std::optional(142.0));
        QVERIFY(!line.budget);
        QVERIFY(line.level == BudgetLevel::NoBudget);
        QCOMPARE(line.daily.size(), 31); // the month: 10 actual + 21 forecast days (asOf has both)
        QVERIFY(!line.daily.first().forecast);
        QVERIFY(line.daily.last().forecast);
    }

    void samePeriodClampsToShorterMonth()
    {
        CostSeries s = series(QStringLiteral("cart"), days(QDate(2026, 2, 1), QDate(2026, 2, 28), 1) + days(QDate(2026, 3, 1), QDate(2026, 3, 31), 2));
        s.asOf = QDate(2026, 3, 31);
        s.fetchedAt = QDateTime(QDate(2026, 3, 31), QTime(12, 0), Qt::UTC);
        const CostLine line = CostStore::summarize(s, std::nullopt);
        QCOMPARE(line.lastMonthSamePeriod, std::optional(28.0));
        QCOMPARE(line.forecast, std::optional(62.0)); // the month is complete
    }

    void changePercent_data()
    {
        QTest::addColumn<double>("now");
        QTest::addColumn<double>("before");
        QTest::addColumn<double>("expected"); // NaN: unknown
        QTest::newRow("up") << 120.0 << 100.0 << 20.0;
        QTest::newRow("down") << 75.0 << 100.0 << -25.0;
        QTest::newRow("flat") << 5.0 << 5.0 << 0.0;
        QTest::newRow("nothing before") << 5.0 << 0.0 << qQNaN();
    }
    void changePercent()
    {
        QFETCH(double, now);
        QFETCH(double, before);
        QFETCH(double, expected);
        const auto change = CostStore::changePercent(now, before);
        if (qIsNaN(expected))
            QVERIFY(!change);
        else
            QCOMPARE(*change, expected);
    }

    void levels_data()
    {
        QTest::addColumn<double>("used");
        QTest::addColumn<BudgetLevel>("level");
        QTest::newRow("49.99") << 49.99 << BudgetLevel::Under50;
        QTest::newRow("50") << 50.0 << BudgetLevel::From50;
        QTest::newRow("79.9") << 79.9 << BudgetLevel::From50;
        QTest::newRow("80") << 80.0 << BudgetLevel::From80;
        QTest::newRow("99.99") << 99.99 << BudgetLevel::From80;
        QTest::newRow("100") << 100.0 << BudgetLevel::Over100;
        QTest::newRow("250") << 250.0 << BudgetLevel::Over100;
    }
    void levels()
    {
        QFETCH(double, used);
        QFETCH(BudgetLevel, level);
        QCOMPARE(int(CostStore::levelFor(used)), int(level));
        QVERIFY(CostStore::levelFor(std::nullopt) == BudgetLevel::NoBudget);
    }

    void percentUsedPrefersTheBudgetsOwnSpend()
    {
        const CostSeries s = series(QStringLiteral("cart"), days(QDate(2026, 11, 1), QDate(2026, 11, 10), 4) + days(QDate(2026, 11, 11), QDate(2026, 11, 30), 4, true));
        CostBudget b = budget(QStringLiteral("cart"), 100);
        CostLine line = CostStore::summarize(s, b);
        QCOMPARE(line.budget, std::optional(100.0));
        QCOMPARE(line.budgetUsedPercent, std::optional(40.0)); // our month to date
        QCOMPARE(line.forecastUsedPercent, std::optional(120.0));
        QVERIFY(line.level == BudgetLevel::Under50);
        b.currentSpend = 85;
        b.forecastSpend = 130;
        line = CostStore::summarize(s, b);
        QCOMPARE(line.budgetUsedPercent, std::optional(85.0));
        QCOMPARE(line.forecastUsedPercent, std::optional(130.0));
        QVERIFY(line.level == BudgetLevel::From80);
    }

    void thresholds_data()
    {
        QTest::addColumn<double>("spent");      // of a 100 budget, month to date
        QTest::addColumn<double>("forecastDay"); // per remaining day (20 days)
        QTest::addColumn<QStringList>("expected"); // "<actual|forecast>:<threshold>"
        QTest::newRow("nothing crossed") << 40.0 << 0.5 << QStringList{};
        QTest::newRow("50 actual") << 55.0 << 0.0 << QStringList{QStringLiteral("actual:50")};
        QTest::newRow("80 actual, highest only") << 85.0 << 0.0 << QStringList{QStringLiteral("actual:80")};
        QTest::newRow("forecast crossing only") << 40.0 << 3.5 << QStringList{QStringLiteral("forecast:100")};
        QTest::newRow("100 actual and forecast") << 100.0 << 1.0 << QStringList{QStringLiteral("actual:100"), QStringLiteral("forecast:100")};
    }
    void thresholds()
    {
        QFETCH(double, spent);
        QFETCH(double, forecastDay);
        QFETCH(QStringList, expected);
        CostStore store;
        QList<CostPoint> points{CostPoint{QDate(2026, 11, 5), spent, false}};
        if (forecastDay > 0)
            points += days(QDate(2026, 11, 11), QDate(2026, 11, 30), forecastDay, true);
        store.apply(batch({series(QStringLiteral("cart"), points),
                           budget(QStringLiteral("cart"), 100,
                                  {threshold(50, false), threshold(80, false), threshold(100, false), threshold(100, true)})}));
        QStringList got;
        for (const CostAlert &alert : store.alerts()) {
            got << QStringLiteral("%1:%2").arg(alert.forecasted ? QStringLiteral("forecast") : QStringLiteral("actual")).arg(alert.thresholdPercent);
            QCOMPARE(alert.service, QStringLiteral("cart"));
            QCOMPARE(alert.rule, QStringLiteral("budget-threshold"));
            QVERIFY(alert.since.isValid());
            QVERIFY(!alert.summary.isEmpty());
        }
        QCOMPARE(got, expected);
    }

    void greaterThanIsStrictAndDisabledIsIgnored()
    {
        CostStore store;
        CostBudget::Notification off = threshold(50, false);
        off.enabled = false;
        store.apply(batch({series(QStringLiteral("cart"), {CostPoint{QDate(2026, 11, 5), 80, false}}),
                           budget(QStringLiteral("cart"), 100, {threshold(80, false, QStringLiteral("GreaterThan")), off})}));
        QVERIFY(store.alerts().isEmpty());
    }

    void scopeBudgetAlertUsesTheTotal()
    {
        CostStore store;
        store.apply(batch({series(QStringLiteral("cart"), {CostPoint{QDate(2026, 11, 5), 60, false}}),
                           series(QStringLiteral("(shared)"), {CostPoint{QDate(2026, 11, 5), 30, false}}),
                           budget(QString(), 100, {threshold(80, false)})}));
        QCOMPARE(store.alerts().size(), 1);
        QCOMPARE(store.alerts()[0].service, QString());
        QCOMPARE(store.alerts()[0].percent, 90.0);
        QVERIFY(store.alerts()[0].severity == CostAlert::Severity::Warning);
        QVERIFY(store.scopeBudget());
        QCOMPARE(store.totalMonthToDate(), 90.0);
    }

    void alertKeepsItsSinceAndSignalsOnlyChanges()
    {
        CostStore store;
        QSignalSpy alertsChanged(&store, &CostStore::alertsChanged);
        const auto apply = [&](double spent) {
            store.apply(batch({series(QStringLiteral("cart"), {CostPoint{QDate(2026, 11, 5), spent, false}}),
                               budget(QStringLiteral("cart"), 100, {threshold(50, false)})}));
        };
        apply(60);
        QCOMPARE(alertsChanged.size(), 1);
        const QDateTime since = store.alerts()[0].since;
        QTest::qWait(20);
        apply(60);
        QCOMPARE(store.alerts()[0].since, since);
        QCOMPARE(alertsChanged.size(), 1);
        apply(10);
        QVERIFY(store.alerts().isEmpty());
        QCOMPARE(alertsChanged.size(), 2);
    }

    void batchReplacesTheScopeAndCachedNeverOverwritesFresh()
    {
        CostStore store;
        QSignalSpy changed(&store, &CostStore::changed);
        store.apply(batch({series(QStringLiteral("cart"), {}), series(QStringLiteral("(untagged)"), {})}));
        QCOMPARE(store.lines().size(), 2);
        QCOMPARE(store.scope(), Scope);
        QVERIFY(!store.isCached());
        store.apply(batch({series(QStringLiteral("orders"), {}, true)})); // a late cached replay
        QCOMPARE(store.lines().size(), 2);
        store.apply(batch({series(QStringLiteral("orders"), {})}));
        QCOMPARE(store.lines().size(), 1);
        QCOMPARE(store.lines()[0].service, QStringLiteral("orders"));
        QCOMPARE(changed.size(), 2);
        store.apply(batch({}));
        QCOMPARE(changed.size(), 2);
    }

    void csvIsPlain()
    {
        CostStore store;
        CostBudget b = budget(QStringLiteral("cart"), 1000);
        b.currentSpend = 1234.5;
        store.apply(batch({series(QStringLiteral("cart"), {CostPoint{QDate(2026, 10, 2), 1000, false}, CostPoint{QDate(2026, 11, 2), 1234.5, false}}),
                           series(QStringLiteral("(untagged)"), {CostPoint{QDate(2026, 11, 2), 0.126, false}}), b}));
        const QString csv = store.csv();
        const QStringList lines = csv.split(QStringLiteral("\r\n"), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 3);
        QCOMPARE(lines[0], QStringLiteral("service,monthToDate,lastMonth,forecast,budget,budgetUsedPercent,currency"));
        QCOMPARE(lines[1], QStringLiteral("(untagged),0.13,0.00,,,,USD"));
        QCOMPARE(lines[2], QStringLiteral("cart,1234.50,1000.00,,1000.00,123.45,USD"));
    }

    void snapshot()
    {
        CostStore store;
        store.apply(batch({series(QStringLiteral("cart"), {CostPoint{QDate(2026, 11, 2), 12.25, false}}), budget(QStringLiteral("cart"), 100)}));
        QJsonObject root{{QStringLiteral("contexts"),
                          QJsonArray{QJsonObject{{QStringLiteral("name"), QStringLiteral("sim")},
                                                 {QStringLiteral("services"), QJsonArray{QJsonObject{{QStringLiteral("name"), QStringLiteral("cart")}},
                                                                                         QJsonObject{{QStringLiteral("name"), QStringLiteral("web")}}}}}}}};
        store.addToSnapshot(root);
        const QJsonArray services = root[QStringLiteral("contexts")][0][QStringLiteral("services")].toArray();
        const QJsonObject cart = services[0][QStringLiteral("cost")].toObject();
        QCOMPARE(cart[QStringLiteral("currency")].toString(), QStringLiteral("USD"));
        QCOMPARE(cart[QStringLiteral("monthToDate")].toDouble(), 12.25);
        QCOMPARE(cart[QStringLiteral("budget")].toDouble(), 100.0);
        QCOMPARE(cart[QStringLiteral("budgetUsedPercent")].toDouble(), 12.25);
        QVERIFY(cart[QStringLiteral("forecast")].isNull());
        const QJsonObject web = services[1][QStringLiteral("cost")].toObject();
        QCOMPARE(web.size(), 6);
        for (const QString &key : web.keys())
            QVERIFY2(web[key].isNull(), qPrintable(key));
        const QJsonObject costs = root[QStringLiteral("costs")].toObject();
        QCOMPARE(costs[QStringLiteral("scope")].toString(), Scope);
        QCOMPARE(costs[QStringLiteral("asOf")].toString(), QStringLiteral("2026-11-10"));
        QCOMPARE(costs[QStringLiteral("services")].toArray().size(), 1);
    }
};

QTEST_GUILESS_MAIN(tst_CostStore)
#include "tst_coststore.moc"
