#include "costassembler.h"

#include <QMap>

using namespace Opsdeck;

QString CostAssembler::serviceName(const QString &tagValue)
{
    const QString value = tagValue.trimmed();
    if (value.isEmpty())
        return untagged();
    if (value.compare(QLatin1String("shared"), Qt::CaseInsensitive) == 0 || value == shared())
        return shared();
    return value;
}

CostSnapshot CostAssembler::assemble(const CostAnswers &answers)
{
    CostSnapshot snapshot;
    snapshot.scope = answers.scope;
    snapshot.asOf = answers.asOf;
    snapshot.fetchedAt = answers.fetchedAt;

    // service → date → amount (summed: a page may split a day across currencies or rows)
    QMap<QString, QMap<QDate, double>> actual;
    QMap<QString, QMap<QDate, double>> forecast;
    QString currency;
    const auto addActual = [&](const QList<CostRow> &rows) {
        for (const CostRow &row : rows) {
            if (!row.date.isValid())
                continue;
            actual[serviceName(row.group)][row.date] += row.cost;
            if (currency.isEmpty())
                currency = row.currency;
        }
    };
    addActual(answers.current);
    addActual(answers.previous);

    const QDate monthEnd = QDate(answers.asOf.year(), answers.asOf.month(), answers.asOf.daysInMonth());
    // Forecast rows from asOf on (asOf's own is the rest of that day: includeFreshPartialCost); without a
    // CostStatus only the days after asOf, which the actual figures cannot cover.
    const auto forecastDays = [&](const QList<CostRow> &rows) {
        QMap<QDate, double> days;
        for (const CostRow &row : rows) {
            if (!row.date.isValid() || row.date < answers.asOf || row.date > monthEnd)
                continue;
            if (row.costStatus.isEmpty() ? row.date == answers.asOf
                                         : row.costStatus.compare(QLatin1String("Forecast"), Qt::CaseInsensitive) != 0)
                continue;
            days[row.date] += row.cost;
        }
        return days;
    };
    QMap<QDate, double> taggedForecast;
    for (auto it = answers.forecastByTag.begin(); it != answers.forecastByTag.end(); ++it) {
        const QMap<QDate, double> days = forecastDays(it.value());
        QMap<QDate, double> &target = forecast[serviceName(it.key())];
        for (auto d = days.begin(); d != days.end(); ++d) {
            target[d.key()] += d.value();
            taggedForecast[d.key()] += d.value();
        }
    }
    if (answers.totalForecast) {
        const QMap<QDate, double> total = forecastDays(*answers.totalForecast);
        for (auto d = total.begin(); d != total.end(); ++d) {
            const double rest = d.value() - taggedForecast.value(d.key());
            if (rest > 0.005)
                forecast[untagged()][d.key()] += rest;
        }
    }

    QStringList names = actual.keys();
    for (const QString &name : forecast.keys()) {
        if (!names.contains(name))
            names << name;
    }
    for (const QString &always : {untagged(), shared()}) {
        if (!names.contains(always))
            names << always;
    }
    std::sort(names.begin(), names.end());

    for (const CostBudget &budget : answers.budgets) {
        CostBudget b = budget;
        b.scope = answers.scope;
        if (!b.serviceTag.isEmpty())
            b.serviceTag = serviceName(b.serviceTag);
        if (b.currency.isEmpty())
            b.currency = currency;
        b.fetchedAt = answers.fetchedAt;
        snapshot.budgets.append(b);
        if (currency.isEmpty())
            currency = b.currency;
    }

    for (const QString &name : std::as_const(names)) {
        CostSeries series;
        series.serviceTag = name;
        series.scope = answers.scope;
        series.currency = currency;
        series.asOf = answers.asOf;
        series.fetchedAt = answers.fetchedAt;
        const QMap<QDate, double> days = actual.value(name);
        for (auto d = days.begin(); d != days.end(); ++d)
            series.points.append(CostPoint{d.key(), d.value(), false});
        const QMap<QDate, double> ahead = forecast.value(name);
        for (auto d = ahead.begin(); d != ahead.end(); ++d)
            series.points.append(CostPoint{d.key(), d.value(), true});
        for (const CostBudget &b : std::as_const(snapshot.budgets)) {
            if (b.serviceTag == name) {
                series.budget = b.amount;
                break;
            }
        }
        snapshot.series.append(series);
    }
    return snapshot;
}
