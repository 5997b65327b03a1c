#include "coststore.h"

#include "csvwriter.h"
#include "format.h"

#include <QJsonArray>

#include <algorithm>
#include <cmath>

namespace Opsdeck {

namespace {

QJsonValue json(std::optional<double> value)
{
    if (!value || !std::isfinite(*value))
        return QJsonValue(QJsonValue::Null);
    return std::round(*value * 100.0) / 100.0;
}

bool crossed(const QString &op, double value, double threshold)
{
    if (op.compare(QLatin1String("GreaterThan"), Qt::CaseInsensitive) == 0)
        return value > threshold;
    // GreaterThanOrEqualTo, and EqualTo: spend passes a figure, it rarely lands on it.
    return value >= threshold;
}

QString percentText(double percent)
{
    return QString::number(percent, 'f', percent < 10 ? 1 : 0) + QLatin1Char('%');
}

} // namespace

QString toString(BudgetLevel level)
{
    switch (level) {
    case BudgetLevel::NoBudget:
        return QStringLiteral("NoBudget");
    case BudgetLevel::Under50:
        return QStringLiteral("Under50");
    case BudgetLevel::From50:
        return QStringLiteral("From50");
    case BudgetLevel::From80:
        return QStringLiteral("From80");
    case BudgetLevel::Over100:
        return QStringLiteral("Over100");
    }
    return {};
}

QString toString(CostAlert::Severity severity)
{
    switch (severity) {
    case CostAlert::Severity::Info:
        return QStringLiteral("info");
    case CostAlert::Severity::Warning:
        return QStringLiteral("warning");
    case CostAlert::Severity::Critical:
        return QStringLiteral("critical");
    }
    return {};
}

CostStore::CostStore(QObject *parent)
    : QObject(parent)
{
}

void CostStore::apply(const ObservationBatch &batch)
{
    QHash<QString, ScopeData> incoming;
    QString last;
    for (const Observation &observation : batch.observations) {
        if (const auto *series = std::get_if<CostSeries>(&observation)) {
            incoming[series->scope].series.append(*series);
            last = series->scope;
        } else if (const auto *budget = std::get_if<CostBudget>(&observation)) {
            incoming[budget->scope].budgets.append(*budget);
            last = budget->scope;
        }
    }
    if (incoming.isEmpty())
        return;
    bool replaced = false;
    for (auto it = incoming.begin(); it != incoming.end(); ++it) {
        // A fresh answer replaces a cached one, never the other way round.
        const bool incomingCached = !it->series.isEmpty() && it->series.first().cached;
        const auto current = m_scopes.constFind(it.key());
        const bool haveFresh = current != m_scopes.constEnd() && !current->series.isEmpty() && !current->series.first().cached;
        if (incomingCached && haveFresh)
            continue;
        m_scopes.insert(it.key(), *it);
        replaced = true;
    }
    if (!replaced)
        return;
    m_current = last;
    recompute();
}

std::optional<CostLine> CostStore::line(const QString &service) const
{
    for (const CostLine &l : m_lines) {
        if (l.service == service)
            return l;
    }
    for (const CostLine &l : m_lines) {
        if (l.service.compare(service, Qt::CaseInsensitive) == 0)
            return l;
    }
    return std::nullopt;
}

QList<CostBudget> CostStore::budgets() const
{
    return m_scopes.value(m_current).budgets;
}

std::optional<CostBudget> CostStore::scopeBudget() const
{
    for (const CostBudget &b : m_scopes.value(m_current).budgets) {
        if (b.serviceTag.isEmpty())
            return b;
    }
    return std::nullopt;
}

QDate CostStore::asOf() const
{
    const auto &series = m_scopes.value(m_current).series;
    return series.isEmpty() ? QDate() : series.first().asOf;
}

QDateTime CostStore::fetchedAt() const
{
    const auto &series = m_scopes.value(m_current).series;
    return series.isEmpty() ? QDateTime() : series.first().fetchedAt;
}

bool CostStore::isCached() const
{
    const auto &series = m_scopes.value(m_current).series;
    return !series.isEmpty() && series.first().cached;
}

QString CostStore::currency() const
{
    for (const CostLine &l : m_lines) {
        if (!l.currency.isEmpty())
            return l.currency;
    }
    for (const CostBudget &b : m_scopes.value(m_current).budgets) {
        if (!b.currency.isEmpty())
            return b.currency;
    }
    return {};
}

double CostStore::totalMonthToDate() const
{
    double total = 0.0;
    for (const CostLine &l : m_lines)
        total += l.monthToDate;
    return total;
}

std::optional<double> CostStore::changePercent(double now, double before)
{
    if (std::abs(before) < 1e-9)
        return std::nullopt;
    return 100.0 * (now - before) / before;
}

BudgetLevel CostStore::levelFor(std::optional<double> usedPercent)
{
    if (!usedPercent)
        return BudgetLevel::NoBudget;
    if (*usedPercent >= 100.0)
        return BudgetLevel::Over100;
    if (*usedPercent >= 80.0)
        return BudgetLevel::From80;
    if (*usedPercent >= 50.0)
        return BudgetLevel::From50;
    return BudgetLevel::Under50;
}

CostLine CostStore::summarize(const CostSeries &series, const std::optional<CostBudget> &budget)
{
    CostLine line;
    line.service = series.serviceTag;
    line.currency = series.currency;
    QDate asOf = series.asOf;
    if (!asOf.isValid()) {
        for (const CostPoint &p : series.points) {
            if (!p.forecast && (!asOf.isValid() || p.date > asOf))
                asOf = p.date;
        }
    }
    if (!asOf.isValid())
        asOf = QDate::currentDate();
    const QDate monthStart(asOf.year(), asOf.month(), 1);
    const QDate monthEnd(asOf.year(), asOf.month(), asOf.daysInMonth());
    const QDate previousStart = monthStart.addMonths(-1);
    const QDate previousEnd = monthStart.addDays(-1);
    // "Same period": days 1..asOf's day of the month before (clamped to its length).
    const QDate samePeriodEnd = previousStart.addDays(qMin(asOf.day(), previousStart.daysInMonth()) - 1);

    double previous = 0.0;
    double samePeriod = 0.0;
    double ahead = 0.0;
    bool anyForecast = false;
    for (const CostPoint &p : series.points) {
        if (!p.forecast) {
            if (p.date >= monthStart && p.date <= asOf)
                line.monthToDate += p.amount;
            if (p.date >= previousStart && p.date <= previousEnd)
                previous += p.amount;
            if (p.date >= previousStart && p.date <= samePeriodEnd)
                samePeriod += p.amount;
        } else if (p.date >= asOf && p.date <= monthEnd) { // asOf's own: the rest of that day
            ahead += p.amount;
            anyForecast = true;
        }
        if (p.date >= monthStart && p.date <= monthEnd && (p.forecast ? p.date >= asOf : p.date <= asOf))
            line.daily.append(p);
    }
    std::sort(line.daily.begin(), line.daily.end(),
              [](const CostPoint &a, const CostPoint &b) { return a.date < b.date || (a.date == b.date && !a.forecast && b.forecast); });
    line.lastMonth = previous;
    line.lastMonthSamePeriod = samePeriod;
    line.changePercent = changePercent(line.monthToDate, samePeriod);
    if (anyForecast)
        line.forecast = line.monthToDate + ahead;
    else if (asOf == monthEnd)
        line.forecast = line.monthToDate; // the period is complete
    if (budget && budget->amount > 0) {
        line.budget = budget->amount;
        // The budget's own spend figures describe the current month; for another period use ours.
        const QDate today = series.fetchedAt.isValid() ? series.fetchedAt.toUTC().date() : asOf;
        const bool current = today.year() == asOf.year() && today.month() == asOf.month();
        const double spent = (current && budget->currentSpend) ? *budget->currentSpend : line.monthToDate;
        line.budgetUsedPercent = 100.0 * spent / budget->amount;
        const std::optional<double> heading = (current && budget->forecastSpend) ? budget->forecastSpend : line.forecast;
        if (heading)
            line.forecastUsedPercent = 100.0 * *heading / budget->amount;
    } else if (series.budget && *series.budget > 0) {
        line.budget = series.budget;
        line.budgetUsedPercent = 100.0 * line.monthToDate / *series.budget;
        if (line.forecast)
            line.forecastUsedPercent = 100.0 * *line.forecast / *series.budget;
    }
    line.level = levelFor(line.budgetUsedPercent);
    return line;
}

QList<CostAlert> CostStore::alertsFor(const QList<CostBudget> &budgets, const QList<CostLine> &lines, const QDate &asOf)
{
    QList<CostAlert> alerts;
    double totalSpent = 0.0;
    double totalForecast = 0.0;
    for (const CostLine &l : lines) {
        totalSpent += l.monthToDate;
        totalForecast += l.forecast.value_or(l.monthToDate);
    }
    const QDate today = QDate::currentDate();
    const bool current = !asOf.isValid() || (asOf.year() == today.year() && asOf.month() == today.month());
    for (const CostBudget &budget : budgets) {
        if (budget.amount <= 0)
            continue;
        std::optional<double> used;
        std::optional<double> heading;
        if (budget.serviceTag.isEmpty()) {
            used = 100.0 * ((current && budget.currentSpend) ? *budget.currentSpend : totalSpent) / budget.amount;
            heading = 100.0 * ((current && budget.forecastSpend) ? *budget.forecastSpend : totalForecast) / budget.amount;
        } else {
            for (const CostLine &l : lines) {
                if (l.service == budget.serviceTag) {
                    used = l.budgetUsedPercent;
                    heading = l.forecastUsedPercent;
                }
            }
            if (!used && budget.currentSpend)
                used = 100.0 * *budget.currentSpend / budget.amount;
            if (!heading && budget.forecastSpend)
                heading = 100.0 * *budget.forecastSpend / budget.amount;
        }
        for (const bool forecasted : {false, true}) {
            const std::optional<double> value = forecasted ? heading : used;
            if (!value)
                continue;
            const CostBudget::Notification *highest = nullptr;
            for (const CostBudget::Notification &n : budget.notifications) {
                if (n.enabled && n.forecasted == forecasted && crossed(n.op, *value, n.thresholdPercent)
                    && (!highest || n.thresholdPercent > highest->thresholdPercent))
                    highest = &n;
            }
            if (!highest)
                continue;
            CostAlert alert;
            alert.scope = budget.scope;
            alert.service = budget.serviceTag;
            alert.budget = budget.name;
            alert.thresholdPercent = highest->thresholdPercent;
            alert.forecasted = forecasted;
            alert.percent = *value;
            alert.id = QStringLiteral("budget-threshold:%1:%2:%3:%4")
                           .arg(budget.scope, budget.name, forecasted ? QStringLiteral("forecast") : QStringLiteral("actual"))
                           .arg(highest->thresholdPercent);
            if (!forecasted)
                alert.severity = highest->thresholdPercent >= 100.0 ? CostAlert::Severity::Critical : CostAlert::Severity::Warning;
            else
                alert.severity = highest->thresholdPercent >= 100.0 ? CostAlert::Severity::Warning : CostAlert::Severity::Info;
            const QString who = budget.serviceTag.isEmpty() ? QObject::tr("the whole scope") : budget.serviceTag;
            alert.summary = forecasted
                ? QObject::tr("%1 is forecast to reach %2 of budget %3 by month end (threshold %4)")
                      .arg(who, percentText(*value), budget.name, percentText(highest->thresholdPercent))
                : QObject::tr("%1 has used %2 of budget %3 (threshold %4)")
                      .arg(who, percentText(*value), budget.name, percentText(highest->thresholdPercent));
            alerts.append(alert);
        }
    }
    return alerts;
}

void CostStore::recompute()
{
    const ScopeData data = m_scopes.value(m_current);
    QList<CostLine> lines;
    for (const CostSeries &series : data.series) {
        std::optional<CostBudget> budget;
        for (const CostBudget &b : data.budgets) {
            if (b.serviceTag == series.serviceTag && (!budget || b.timeGrain == QLatin1String("Monthly")))
                budget = b;
        }
        lines.append(summarize(series, budget));
    }
    std::sort(lines.begin(), lines.end(), [](const CostLine &a, const CostLine &b) { return a.service < b.service; });
    QList<CostAlert> alerts = alertsFor(data.budgets, lines, data.series.isEmpty() ? QDate() : data.series.first().asOf);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QHash<QString, QDateTime> since;
    for (CostAlert &alert : alerts) {
        alert.since = m_alertSince.value(alert.id, now);
        since.insert(alert.id, alert.since);
    }
    m_alertSince = since;
    m_lines = lines;
    const bool alertsDiffer = alerts != m_alerts;
    m_alerts = alerts;
    Q_EMIT changed();
    if (alertsDiffer)
        Q_EMIT alertsChanged();
}

QString CostStore::csvNumber(std::optional<double> value)
{
    if (!value || !std::isfinite(*value))
        return {};
    return QString::number(*value, 'f', 2); // QString::number ignores the locale: always `.`
}

QString CostStore::csv() const
{
    QString out = CsvWriter::row({QStringLiteral("service"), QStringLiteral("monthToDate"), QStringLiteral("lastMonth"),
                                  QStringLiteral("forecast"), QStringLiteral("budget"), QStringLiteral("budgetUsedPercent"),
                                  QStringLiteral("currency")});
    for (const CostLine &l : m_lines) {
        out += CsvWriter::row({l.service, csvNumber(l.monthToDate), csvNumber(l.lastMonthSamePeriod), csvNumber(l.forecast),
                               csvNumber(l.budget), csvNumber(l.budgetUsedPercent), l.currency});
    }
    return out;
}

void CostStore::addToSnapshot(QJsonObject &root) const
{
    QJsonArray contexts = root.value(QLatin1String("contexts")).toArray();
    for (qsizetype i = 0; i < contexts.size(); ++i) {
        QJsonObject context = contexts.at(i).toObject();
        QJsonArray services = context.value(QLatin1String("services")).toArray();
        for (qsizetype j = 0; j < services.size(); ++j) {
            QJsonObject service = services.at(j).toObject();
            const std::optional<CostLine> l = hasData() ? line(service.value(QLatin1String("name")).toString()) : std::nullopt;
            service.insert(QStringLiteral("cost"),
                           QJsonObject{{QStringLiteral("currency"), l && !l->currency.isEmpty() ? QJsonValue(l->currency) : QJsonValue(QJsonValue::Null)},
                                       {QStringLiteral("monthToDate"), l ? json(l->monthToDate) : QJsonValue(QJsonValue::Null)},
                                       {QStringLiteral("lastMonth"), l ? json(l->lastMonthSamePeriod) : QJsonValue(QJsonValue::Null)},
                                       {QStringLiteral("forecast"), l ? json(l->forecast) : QJsonValue(QJsonValue::Null)},
                                       {QStringLiteral("budget"), l ? json(l->budget) : QJsonValue(QJsonValue::Null)},
                                       {QStringLiteral("budgetUsedPercent"), l ? json(l->budgetUsedPercent) : QJsonValue(QJsonValue::Null)}});
            services.replace(j, service);
        }
        context.insert(QStringLiteral("services"), services);
        contexts.replace(i, context);
    }
    root.insert(QStringLiteral("contexts"), contexts);

    if (!hasData()) {
        root.insert(QStringLiteral("costs"), QJsonValue(QJsonValue::Null));
        return;
    }
    QJsonArray rows;
    for (const CostLine &l : m_lines) {
        rows.append(QJsonObject{{QStringLiteral("service"), l.service},
                                {QStringLiteral("currency"), l.currency.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(l.currency)},
                                {QStringLiteral("monthToDate"), json(l.monthToDate)},
                                {QStringLiteral("lastMonth"), json(l.lastMonthSamePeriod)},
                                {QStringLiteral("lastMonthTotal"), json(l.lastMonth)},
                                {QStringLiteral("changePercent"), json(l.changePercent)},
                                {QStringLiteral("forecast"), json(l.forecast)},
                                {QStringLiteral("budget"), json(l.budget)},
                                {QStringLiteral("budgetUsedPercent"), json(l.budgetUsedPercent)},
                                {QStringLiteral("forecastUsedPercent"), json(l.forecastUsedPercent)}});
    }
    QJsonArray alerts;
    for (const CostAlert &a : m_alerts) {
        alerts.append(QJsonObject{{QStringLiteral("id"), a.id},
                                  {QStringLiteral("rule"), a.rule},
                                  {QStringLiteral("service"), a.service.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(a.service)},
                                  {QStringLiteral("severity"), toString(a.severity)},
                                  {QStringLiteral("since"), Format::rfc3339(a.since)},
                                  {QStringLiteral("summary"), a.summary},
                                  {QStringLiteral("budget"), a.budget},
                                  {QStringLiteral("thresholdPercent"), a.thresholdPercent},
                                  {QStringLiteral("thresholdType"), a.forecasted ? QStringLiteral("Forecasted") : QStringLiteral("Actual")},
                                  {QStringLiteral("percent"), json(a.percent)}});
    }
    root.insert(QStringLiteral("costs"),
                QJsonObject{{QStringLiteral("scope"), m_current},
                            {QStringLiteral("asOf"), asOf().toString(Qt::ISODate)},
                            {QStringLiteral("fetchedAt"), Format::rfc3339(fetchedAt())},
                            {QStringLiteral("cached"), isCached()},
                            {QStringLiteral("currency"), currency().isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(currency())},
                            {QStringLiteral("services"), rows},
                            {QStringLiteral("alerts"), alerts}});
}

} // namespace Opsdeck
