#include "costcharts.h"

#include "costformat.h"

#include <QBarCategoryAxis>
#include <QBarSet>
#include <QChart>
#include <QLineSeries>
#include <QMap>
#include <QPen>
#include <QStackedBarSeries>
#include <QValueAxis>

#include <algorithm>

namespace Opsdeck {

namespace {

void clear(QChart *chart)
{
    chart->removeAllSeries();
    for (QAbstractAxis *axis : chart->axes()) {
        chart->removeAxis(axis);
        delete axis;
    }
}

// The month the figures are for, and its length.
QDate monthOf(const CostStore &store)
{
    const QDate asOf = store.asOf().isValid() ? store.asOf() : QDate::currentDate();
    return QDate(asOf.year(), asOf.month(), 1);
}

QValueAxis *moneyAxis(double top, const QString &currency)
{
    auto *axis = new QValueAxis;
    axis->setRange(0, top > 0 ? top * 1.1 : 1.0);
    axis->setLabelFormat(currency.isEmpty() ? QStringLiteral("%.0f") : QStringLiteral("%.0f ") + currency);
    axis->applyNiceNumbers();
    return axis;
}

} // namespace

QColor CostCharts::serviceColor(int index)
{
    static const QColor palette[] = {QColor(0x00, 0x72, 0xb2), QColor(0xe6, 0x9f, 0x00), QColor(0x00, 0x9e, 0x73),
                                     QColor(0xcc, 0x79, 0xa7), QColor(0x56, 0xb4, 0xe9), QColor(0xd5, 0x5e, 0x00),
                                     QColor(0xf0, 0xe4, 0x42), QColor(0x7f, 0x7f, 0x7f)};
    const int size = int(std::size(palette));
    if (index < size)
        return palette[index];
    return QColor::fromHsv((index * 47) % 360, 160, 200);
}

void CostCharts::fillDaily(QChart *chart, const CostStore &store)
{
    clear(chart);
    const QDate month = monthOf(store);
    const int days = month.daysInMonth();
    const QDate asOf = store.asOf();
    QList<CostLine> lines = store.lines();
    // Biggest spenders at the bottom of each stack, where they are easiest to compare.
    std::stable_sort(lines.begin(), lines.end(), [](const CostLine &a, const CostLine &b) {
        return a.forecast.value_or(a.monthToDate) > b.forecast.value_or(b.monthToDate);
    });

    auto *bars = new QStackedBarSeries;
    QList<double> totals(days, 0.0);
    int index = 0;
    for (const CostLine &line : std::as_const(lines)) {
        QList<double> values(days, 0.0);
        for (const CostPoint &p : line.daily) {
            if (p.date.year() == month.year() && p.date.month() == month.month())
                values[p.date.day() - 1] += p.amount;
        }
        auto *set = new QBarSet(line.service);
        const QColor color = serviceColor(index++);
        set->setColor(color);
        set->setBorderColor(color.darker(110));
        set->append(values);
        // Forecast days are drawn lighter: they are not spent yet.
        set->setSelectedColor(color.lighter(160));
        QList<int> ahead;
        for (int day = 1; day <= days; ++day) {
            totals[day - 1] += values[day - 1];
            if (asOf.isValid() && month.addDays(day - 1) > asOf)
                ahead << day - 1;
        }
        set->selectBars(ahead);
        bars->append(set);
    }
    bars->setBarWidth(0.8);
    chart->addSeries(bars);

    QStringList categories;
    for (int day = 1; day <= days; ++day)
        categories << QString::number(day);
    auto *x = new QBarCategoryAxis;
    x->append(categories);
    x->setTitleText(QObject::tr("Day of %1 (lighter: forecast)").arg(QLocale().standaloneMonthName(month.month())));
    QFont small = x->labelsFont();
    small.setPointSizeF(small.pointSizeF() * 0.8);
    x->setLabelsFont(small); // 31 day numbers must fit under the bars
    chart->addAxis(x, Qt::AlignBottom);
    bars->attachAxis(x);

    double top = totals.isEmpty() ? 0.0 : *std::max_element(totals.cbegin(), totals.cend());
    // The budget's daily pace: the scope's budget, else the services' budgets together.
    std::optional<double> budget;
    QString budgetName;
    if (const auto scopeBudget = store.scopeBudget()) {
        budget = scopeBudget->amount;
        budgetName = scopeBudget->name;
    } else {
        double sum = 0.0;
        for (const CostLine &line : std::as_const(lines))
            sum += line.budget.value_or(0.0);
        if (sum > 0) {
            budget = sum;
            budgetName = QObject::tr("service budgets");
        }
    }
    auto *y = moneyAxis(top, store.currency());
    if (budget) {
        const double pace = *budget / days;
        top = qMax(top, pace);
        y->setRange(0, top * 1.1);
        y->applyNiceNumbers();
        auto *line = new QLineSeries;
        line->setName(QObject::tr("Budget ÷ days (%1)").arg(CostFormat::money(*budget, store.currency())));
        Q_UNUSED(budgetName)
        line->append(-0.5, pace);
        line->append(days - 0.5, pace);
        QPen pen(QColor(0xd5, 0x5e, 0x00));
        pen.setWidth(2);
        pen.setStyle(Qt::DashLine);
        line->setPen(pen);
        chart->addSeries(line);
        line->attachAxis(x);
        chart->addAxis(y, Qt::AlignLeft);
        line->attachAxis(y);
    } else {
        chart->addAxis(y, Qt::AlignLeft);
    }
    bars->attachAxis(y);
    chart->setTitle(QObject::tr("Daily cost by service, %1").arg(QLocale().toString(month, QStringLiteral("MMMM yyyy"))));
}

void CostCharts::fillDetail(QChart *chart, const CostStore &store, const QString &service)
{
    clear(chart);
    const std::optional<CostLine> found = store.line(service);
    if (!found) {
        chart->setTitle(QObject::tr("Select a service to see its month"));
        return;
    }
    const CostLine &line = *found;
    const QDate month = monthOf(store);
    const int days = month.daysInMonth();

    auto *actual = new QLineSeries;
    actual->setName(QObject::tr("Spent"));
    auto *ahead = new QLineSeries;
    ahead->setName(QObject::tr("Forecast"));
    // Cumulative at the end of each day: whole days solid; from the start of asOf's day (spent so far
    // plus the rest of it) dashed, to month end.
    const QDate asOf = store.asOf();
    double total = 0.0;
    actual->append(0, 0);
    for (const CostPoint &p : line.daily) {
        if (p.forecast || (asOf.isValid() && p.date >= asOf))
            continue;
        total += p.amount;
        actual->append(p.date.day(), total);
    }
    ahead->append(asOf.isValid() ? asOf.day() - 1 : 0, total);
    QMap<int, double> rest;
    for (const CostPoint &p : line.daily) {
        if (p.forecast || (asOf.isValid() && p.date >= asOf))
            rest[p.date.day()] += p.amount;
    }
    double projected = total;
    for (auto it = rest.cbegin(); it != rest.cend(); ++it) {
        projected += it.value();
        ahead->append(it.key(), projected);
    }
    QPen actualPen(CostCharts::serviceColor(0));
    actualPen.setWidth(3);
    actual->setPen(actualPen);
    QPen aheadPen(CostCharts::serviceColor(0));
    aheadPen.setWidth(2);
    aheadPen.setStyle(Qt::DashLine);
    ahead->setPen(aheadPen);
    chart->addSeries(actual);
    if (ahead->count() > 1)
        chart->addSeries(ahead);
    else
        delete ahead;

    double top = qMax(projected, total);
    if (line.budget) {
        auto *budget = new QLineSeries;
        budget->setName(QObject::tr("Budget %1").arg(CostFormat::money(line.budget, line.currency)));
        budget->append(0, *line.budget);
        budget->append(days, *line.budget);
        QPen pen(QColor(0xd5, 0x5e, 0x00));
        pen.setWidth(2);
        budget->setPen(pen);
        chart->addSeries(budget);
        top = qMax(top, *line.budget);
    }
    auto *x = new QValueAxis;
    x->setRange(0, days);
    x->setLabelFormat(QStringLiteral("%d"));
    x->setTickCount(qMin(days, 10) + 1);
    x->setTitleText(QObject::tr("Day"));
    auto *y = moneyAxis(top, line.currency);
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    for (QAbstractSeries *series : chart->series()) {
        series->attachAxis(x);
        series->attachAxis(y);
    }
    chart->setTitle(QObject::tr("%1: spent %2, forecast %3%4")
                        .arg(line.service, CostFormat::money(line.monthToDate, line.currency), CostFormat::money(line.forecast, line.currency),
                             line.budget ? QObject::tr(", budget %1 (%2)").arg(CostFormat::money(line.budget, line.currency),
                                                                             CostFormat::percent(line.budgetUsedPercent))
                                         : QString()));
}

} // namespace Opsdeck
