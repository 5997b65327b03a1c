#include "costcolumnproxymodel.h"
#include "costformat.h"
#include "costtablemodel.h"
#include "estatebuilder.h"
#include "servicefilterproxymodel.h"
#include "servicestore.h"
#include "servicetablemodel.h"

#include <QAbstractItemModelTester>
#include <QRegularExpression>
#include <QSortFilterProxyModel>
#include <QTest>

using namespace Opsdeck;
using namespace Opsdeck::Test;

namespace {

const QString Scope = QStringLiteral("/subscriptions/sub");

CostSeries costs(const QString &tag, double monthToDate, double lastMonth, std::optional<double> forecastRest = {})
{
    CostSeries s;
    s.serviceTag = tag;
    s.scope = Scope;
    s.currency = QStringLiteral("USD");
    s.asOf = QDate(2026, 11, 10);
    s.fetchedAt = QDateTime(s.asOf, QTime(9, 0), Qt::UTC);
    s.points << CostPoint{QDate(2026, 11, 3), monthToDate, false} << CostPoint{QDate(2026, 10, 3), lastMonth, false};
    if (forecastRest)
        s.points << CostPoint{QDate(2026, 11, 20), *forecastRest, true};
    return s;
}

ObservationBatch costBatch(std::vector<Observation> observations)
{
    return ObservationBatch{QStringLiteral("costmanagement"), QDateTime::currentDateTimeUtc(), std::move(observations)};
}

QList<QStringList> parseCsv(const QString &csv)
{
    QList<QStringList> rows;
    for (const QString &line : csv.split(QStringLiteral("\r\n"), Qt::SkipEmptyParts))
        rows << line.split(QLatin1Char(','));
    return rows;
}

} // namespace

class tst_CostTableModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        registerObservationMetaTypes();
        QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
    }
    void init() { QTest::failOnWarning(QRegularExpression(QStringLiteral(".*"))); }

    void rowsAndDisplay()
    {
        CostStore store;
        CostTableModel model(&store);
        model.setLocale(QLocale(QLocale::English, QLocale::UnitedStates));
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        CostBudget budget;
        budget.scope = Scope;
        budget.name = QStringLiteral("cart");
        budget.serviceTag = QStringLiteral("cart");
        budget.amount = 1000;
        store.apply(costBatch({costs(QStringLiteral("cart"), 850, 500, 300), costs(QStringLiteral("(untagged)"), 1.5, 0),
                               costs(QStringLiteral("(shared)"), 1234.5, 1234.5), budget}));
        QCOMPARE(model.rowCount(), 3);
        const int cart = model.rowOf(QStringLiteral("cart"));
        QVERIFY(cart >= 0);
        QCOMPARE(model.index(cart, CostTableModel::MonthToDateColumn).data().toString(), QStringLiteral("$850.00"));
        QCOMPARE(model.index(cart, CostTableModel::ChangeColumn).data().toString(), QStringLiteral("+70.0%"));
        QCOMPARE(model.index(cart, CostTableModel::ForecastColumn).data().toString(), QStringLiteral("$1,150.00"));
        QCOMPARE(model.index(cart, CostTableModel::BudgetUsedColumn).data().toString(), QStringLiteral("85% — over 80%"));
        QVERIFY(model.index(cart, CostTableModel::BudgetUsedColumn).data(CostTableModel::LevelRole).value<BudgetLevel>() == BudgetLevel::From80);
        QCOMPARE(model.index(cart, CostTableModel::BudgetUsedColumn).data(CostTableModel::ForecastUsedRole).toDouble(), 115.0);
        const int untagged = model.rowOf(QStringLiteral("(untagged)"));
        QCOMPARE(model.index(untagged, CostTableModel::ChangeColumn).data().toString(), QStringLiteral("—"));
        QCOMPARE(model.index(untagged, CostTableModel::BudgetColumn).data().toString(), QStringLiteral("no budget"));
        QCOMPARE(model.index(model.rowOf(QStringLiteral("(shared)")), CostTableModel::MonthToDateColumn).data().toString(), QStringLiteral("$1,234.50"));

        // The same services again: data changes, no reset.
        store.apply(costBatch({costs(QStringLiteral("cart"), 1100, 500), costs(QStringLiteral("(untagged)"), 1.5, 0),
                               costs(QStringLiteral("(shared)"), 1, 1), budget}));
        QCOMPARE(model.index(cart, CostTableModel::BudgetUsedColumn).data().toString(), QStringLiteral("110% — over budget"));
        // A service more: reset.
        store.apply(costBatch({costs(QStringLiteral("web"), 3, 3)}));
        QCOMPARE(model.rowCount(), 1);
    }

    void moneyFollowsTheLocale()
    {
        QCOMPARE(CostFormat::money(1234.5, QStringLiteral("EUR"), QLocale(QLocale::German, QLocale::Germany)), QStringLiteral("1.234,50\u00a0€"));
        QCOMPARE(CostFormat::money(1234.5, QStringLiteral("USD"), QLocale(QLocale::English, QLocale::UnitedStates)), QStringLiteral("$1,234.50"));
        QCOMPARE(CostFormat::money(std::nullopt, QStringLiteral("USD")), QStringLiteral("—"));
        QCOMPARE(CostFormat::change(-4.04), QStringLiteral("\u22124.0%"));
    }

    // What the view exports is what it shows: the rows in the view's (sorted) order, every number equal
    // to the cell's raw value.
    void csvEqualsTheTable()
    {
        CostStore store;
        CostTableModel model(&store);
        store.apply(costBatch({costs(QStringLiteral("cart"), 850.25, 500, 300), costs(QStringLiteral("(untagged)"), 1.5, 0),
                               costs(QStringLiteral("(shared)"), 1234.5, 1000), costs(QStringLiteral("web"), 99, 100, 1)}));
        QSortFilterProxyModel shown;
        shown.setSourceModel(&model);
        shown.setSortRole(CostTableModel::SortRole);
        shown.sort(CostTableModel::MonthToDateColumn, Qt::DescendingOrder);
        const QList<QStringList> csv = parseCsv(CostTableModel::toCsv(&shown));
        QCOMPARE(csv.size(), shown.rowCount() + 1);
        QCOMPARE(csv[0], (QStringList{QStringLiteral("service"), QStringLiteral("monthToDate"), QStringLiteral("lastMonthSamePeriod"),
                                      QStringLiteral("changePercent"), QStringLiteral("forecast"), QStringLiteral("budget"),
                                      QStringLiteral("budgetUsedPercent"), QStringLiteral("currency")}));
        for (int row = 0; row < shown.rowCount(); ++row) {
            QCOMPARE(csv[row + 1][0], shown.index(row, 0).data().toString());
            for (int column = 1; column < CostTableModel::ColumnCount; ++column) {
                const QVariant raw = shown.index(row, column).data(CostTableModel::SortRole);
                if (raw.isValid())
                    QCOMPARE(csv[row + 1][column].toDouble(), std::round(raw.toDouble() * 100) / 100);
                else
                    QCOMPARE(csv[row + 1][column], QString());
            }
            QCOMPARE(csv[row + 1][CostTableModel::ColumnCount], QStringLiteral("USD"));
        }
        QCOMPARE(csv[1][0], QStringLiteral("(shared)"));
        QCOMPARE(csv[2][0], QStringLiteral("cart"));
    }

    void costColumnInTheServicesTable()
    {
        ServiceStore services;
        ServiceTableModel table(&services);
        CostStore store;
        CostColumnProxyModel withCost(&store);
        withCost.setSourceModel(&table);
        QAbstractItemModelTester tester(&withCost, QAbstractItemModelTester::FailureReportingMode::QtTest);
        ServiceFilterProxyModel filter;
        filter.setSourceModel(&withCost);
        std::vector<Observation> a = allSynced(Ctx);
        append(a, service(QStringLiteral("orderservice"), 2, 0));
        append(a, service(QStringLiteral("productservice"), 3, 0));
        services.apply(batch(std::move(a), QStringLiteral("kubernetes:ctx")));
        services.flush();
        QCOMPARE(withCost.columnCount(), ServiceTableModel::ColumnCount + 1);
        const int column = withCost.costColumn();
        QCOMPARE(withCost.headerData(column, Qt::Horizontal).toString(), QStringLiteral("Cost (MTD)"));
        QCOMPARE(withCost.index(0, column).data().toString(), QStringLiteral("—"));

        store.apply(costBatch({costs(QStringLiteral("orderservice"), 250, 200), costs(QStringLiteral("productservice"), 40, 20)}));
        filter.sort(column, Qt::DescendingOrder);
        QCOMPARE(filter.index(0, ServiceTableModel::NameColumn).data().toString(), QStringLiteral("orderservice"));
        QCOMPARE(filter.index(0, column).data().toString(), QStringLiteral("$250.00"));
        QCOMPARE(filter.index(1, column).data().toString(), QStringLiteral("$40.00"));
        filter.sort(column, Qt::AscendingOrder);
        QCOMPARE(filter.index(0, ServiceTableModel::NameColumn).data().toString(), QStringLiteral("productservice"));
        // Row-wide roles read through on the added column.
        QCOMPARE(withCost.index(0, column).data(ServiceTableModel::NameRole), withCost.index(0, 0).data(ServiceTableModel::NameRole));
    }
};

QTEST_GUILESS_MAIN(tst_CostTableModel)
#include "tst_costtablemodel.moc"
