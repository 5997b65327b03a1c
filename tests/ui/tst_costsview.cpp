#include "costsview.h"
#include "coststore.h"
#include "costtablemodel.h"

#include <QAbstractButton>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QFile>
#include <QLabel>
#include <QLineSeries>
#include <QListWidget>
#include <QPushButton>
#include <QSignalSpy>
#include <QStackedBarSeries>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace Opsdeck;

namespace {

const QString Scope = QStringLiteral("/subscriptions/sub");

// The month so far: `perDay` a day up to asOf, then forecast at the same rate.
CostSeries series(const QString &tag, double perDay, const QDate &asOf, bool cached = false)
{
    CostSeries s;
    s.serviceTag = tag;
    s.scope = Scope;
    s.currency = QStringLiteral("USD");
    s.asOf = asOf;
    s.fetchedAt = QDateTime::currentDateTimeUtc().addSecs(cached ? -7200 : -60);
    s.cached = cached;
    const QDate first(asOf.year(), asOf.month(), 1);
    for (QDate d = first.addMonths(-1); d < first; d = d.addDays(1))
        s.points << CostPoint{d, perDay * 0.9, false};
    for (QDate d = first; d <= asOf; d = d.addDays(1))
        s.points << CostPoint{d, perDay, false};
    for (QDate d = asOf.addDays(1); d.month() == asOf.month(); d = d.addDays(1))
        s.points << CostPoint{d, perDay, true};
    return s;
}

CostBudget budget(const QString &tag, double amount)
{
    CostBudget b;
    b.scope = Scope;
    b.name = tag.isEmpty() ? QStringLiteral("subscription-monthly") : tag + QStringLiteral("-monthly");
    b.serviceTag = tag;
    b.amount = amount;
    b.currency = QStringLiteral("USD");
    b.timeGrain = QStringLiteral("Monthly");
    b.notifications << CostBudget::Notification{QStringLiteral("a80"), 80, false, true, QStringLiteral("GreaterThan")}
                    << CostBudget::Notification{QStringLiteral("f100"), 100, true, true, QStringLiteral("GreaterThan")};
    return b;
}

} // namespace

class tst_CostsView : public QObject
{
    Q_OBJECT

private:
    CostStore m_store;
    QDate m_asOf{2026, 11, 20};

private Q_SLOTS:
    void initTestCase()
    {
        registerObservationMetaTypes();
        QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
        m_store.apply(ObservationBatch{QStringLiteral("costmanagement"), QDateTime::currentDateTimeUtc(),
                                       {series(QStringLiteral("orderservice"), 20, m_asOf), series(QStringLiteral("productservice"), 6, m_asOf),
                                        series(QStringLiteral("(shared)"), 9, m_asOf), series(QStringLiteral("(untagged)"), 1.5, m_asOf),
                                        budget(QStringLiteral("orderservice"), 450), budget(QStringLiteral("productservice"), 400),
                                        budget(QString(), 1400)}});
    }

    void accessibleNamesAndRows()
    {
        CostsView view(&m_store);
        view.resize(1300, 800);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QCOMPARE(view.table()->accessibleName(), QStringLiteral("Costs by service"));
        QCOMPARE(view.dailyChart()->accessibleName(), QStringLiteral("Daily cost chart"));
        QVERIFY(!view.detailChart()->accessibleName().isEmpty());
        QStringList buttons;
        for (QAbstractButton *button : view.findChildren<QAbstractButton *>())
            buttons << button->accessibleName();
        QVERIFY(buttons.contains(QStringLiteral("Export costs as CSV")));
        QVERIFY(buttons.contains(QStringLiteral("Refresh costs")));
        // Every widget a person reads or operates says what it is.
        for (QWidget *w : view.findChildren<QWidget *>()) {
            if ((qobject_cast<QAbstractButton *>(w) || qobject_cast<QAbstractItemView *>(w) || qobject_cast<QChartView *>(w)) && w->isVisible())
                QVERIFY2(!w->accessibleName().isEmpty(), w->metaObject()->className());
        }

        QAbstractItemModel *model = view.table()->model();
        QCOMPARE(model->rowCount(), 4);
        // Sorted by month to date, biggest first; untagged and shared are rows like any other.
        QCOMPARE(model->index(0, 0).data().toString(), QStringLiteral("orderservice"));
        QStringList names;
        for (int row = 0; row < model->rowCount(); ++row)
            names << model->index(row, 0).data().toString();
        QVERIFY(names.contains(QStringLiteral("(untagged)")));
        QVERIFY(names.contains(QStringLiteral("(shared)")));
        // 20 days × 20 of 450: 88.9 % — the 80 % band, in words too.
        QCOMPARE(model->index(0, CostTableModel::BudgetUsedColumn).data().toString(), QStringLiteral("89% — over 80%"));
        QCOMPARE(model->index(0, CostTableModel::MonthToDateColumn).data().toString(), QStringLiteral("$400.00"));
        QVERIFY(view.ageLabel()->text().contains(QStringLiteral("updated")));
    }

    void chartsFollowTheStore()
    {
        CostsView view(&m_store);
        view.resize(1300, 800);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        const QList<QAbstractSeries *> daily = view.dailyChart()->chart()->series();
        QCOMPARE(daily.size(), 2); // the stacked bars and the budget's daily pace
        auto *bars = qobject_cast<QStackedBarSeries *>(daily[0]);
        QVERIFY(bars);
        QCOMPARE(bars->count(), 4);
        QCOMPARE(bars->barSets()[0]->count(), m_asOf.daysInMonth());
        QCOMPARE(bars->barSets()[0]->label(), QStringLiteral("orderservice")); // biggest at the bottom
        QCOMPARE(bars->barSets()[0]->at(0), 20.0);
        QVERIFY(bars->barSets()[0]->isBarSelected(m_asOf.day())); // forecast days are marked
        QVERIFY(!bars->barSets()[0]->isBarSelected(m_asOf.day() - 1));
        auto *pace = qobject_cast<QLineSeries *>(daily[1]);
        QVERIFY(pace);
        QCOMPARE(pace->at(0).y(), 1400.0 / m_asOf.daysInMonth());

        QVERIFY(view.selectService(QStringLiteral("productservice")));
        QVERIFY(view.detailChart()->chart()->title().startsWith(QStringLiteral("productservice")));
        QCOMPARE(view.detailChart()->chart()->series().size(), 3); // spent, forecast, budget
        QVERIFY(view.alerts()->count() >= 1);
        QVERIFY(view.alerts()->item(0)->text().contains(QStringLiteral("orderservice")));
    }

    void exportEqualsTheTable()
    {
        CostsView view(&m_store);
        view.show();
        view.table()->sortByColumn(CostTableModel::ServiceColumn, Qt::AscendingOrder);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("costs.csv"));
        QString error;
        QVERIFY2(view.exportCsv(path, &error), qPrintable(error));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QStringList lines = QString::fromUtf8(file.readAll()).split(QStringLiteral("\r\n"), Qt::SkipEmptyParts);
        QAbstractItemModel *shown = view.table()->model();
        QCOMPARE(lines.size(), shown->rowCount() + 1);
        QCOMPARE(lines[0], QStringLiteral("service,monthToDate,lastMonthSamePeriod,changePercent,forecast,budget,budgetUsedPercent,currency"));
        for (int row = 0; row < shown->rowCount(); ++row) {
            const QStringList fields = lines[row + 1].split(QLatin1Char(','));
            QCOMPARE(fields[0], shown->index(row, 0).data().toString()); // the table's order
            for (int column = 1; column < CostTableModel::ColumnCount; ++column) {
                const QVariant raw = shown->index(row, column).data(CostTableModel::SortRole);
                QCOMPARE(fields[column], raw.isValid() ? QString::number(raw.toDouble(), 'f', 2) : QString());
            }
        }
        QCOMPARE(lines[1].section(QLatin1Char(','), 0, 0), QStringLiteral("(shared)"));
        QVERIFY(!view.exportCsv(dir.filePath(QStringLiteral("no/such/dir/x.csv")), &error));
        QVERIFY(!error.isEmpty());
    }

    void refreshAndCachedAge()
    {
        CostStore cached;
        cached.apply(ObservationBatch{QStringLiteral("costmanagement"), QDateTime::currentDateTimeUtc(),
                                      {series(QStringLiteral("orderservice"), 20, m_asOf, true)}});
        CostsView view(&cached);
        view.show();
        QVERIFY(view.ageLabel()->text().contains(QStringLiteral("cached")));
        QVERIFY(view.ageLabel()->text().contains(QStringLiteral("stale, 2 h")));
        QSignalSpy refresh(&view, &CostsView::refreshRequested);
        QPushButton *button = nullptr;
        for (QPushButton *b : view.findChildren<QPushButton *>()) {
            if (b->accessibleName() == QLatin1String("Refresh costs"))
                button = b;
        }
        QVERIFY(button);
        QTest::mouseClick(button, Qt::LeftButton);
        QCOMPARE(refresh.size(), 1);
        QVERIFY(view.ageLabel()->text().contains(QStringLiteral("refreshing")));
        cached.apply(ObservationBatch{QStringLiteral("costmanagement"), QDateTime::currentDateTimeUtc(),
                                      {series(QStringLiteral("orderservice"), 20, m_asOf)}});
        QVERIFY(!view.ageLabel()->text().contains(QStringLiteral("refreshing")));
        QVERIFY(view.ageLabel()->text().contains(QStringLiteral("updated")));
    }

    void screenshot()
    {
        CostsView view(&m_store);
        view.resize(1400, 860);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.selectService(QStringLiteral("orderservice"));
        QTest::qWait(100);
        const QPixmap shot = view.grab();
        QVERIFY(!shot.isNull());
        const QString out = qEnvironmentVariable("OPSDECK_COSTS_SCREENSHOT");
        if (!out.isEmpty())
            QVERIFY(shot.save(out, "PNG"));
    }
};

QTEST_MAIN(tst_CostsView)
#include "tst_costsview.moc"
