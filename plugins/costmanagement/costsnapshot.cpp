#include "costsnapshot.h"

#include <QJsonArray>

using namespace Opsdeck;

namespace {

QJsonValue optional(const std::optional<double> &value)
{
    return value ? QJsonValue(*value) : QJsonValue(QJsonValue::Null);
}

std::optional<double> optional(const QJsonValue &value)
{
    if (value.isDouble())
        return value.toDouble();
    return std::nullopt;
}

} // namespace

QJsonObject CostSnapshot::toJson() const
{
    QJsonArray seriesArray;
    for (const CostSeries &s : series) {
        QJsonArray points;
        for (const CostPoint &p : s.points)
            points.append(QJsonArray{p.date.toString(Qt::ISODate), p.amount, p.forecast});
        seriesArray.append(QJsonObject{{QStringLiteral("serviceTag"), s.serviceTag},
                                       {QStringLiteral("currency"), s.currency},
                                       {QStringLiteral("budget"), optional(s.budget)},
                                       {QStringLiteral("points"), points}});
    }
    QJsonArray budgetArray;
    for (const CostBudget &b : budgets) {
        QJsonArray notifications;
        for (const CostBudget::Notification &n : b.notifications)
            notifications.append(QJsonObject{{QStringLiteral("name"), n.name},
                                             {QStringLiteral("threshold"), n.thresholdPercent},
                                             {QStringLiteral("forecasted"), n.forecasted},
                                             {QStringLiteral("enabled"), n.enabled},
                                             {QStringLiteral("operator"), n.op}});
        budgetArray.append(QJsonObject{{QStringLiteral("name"), b.name},
                                       {QStringLiteral("serviceTag"), b.serviceTag},
                                       {QStringLiteral("amount"), b.amount},
                                       {QStringLiteral("currency"), b.currency},
                                       {QStringLiteral("timeGrain"), b.timeGrain},
                                       {QStringLiteral("currentSpend"), optional(b.currentSpend)},
                                       {QStringLiteral("forecastSpend"), optional(b.forecastSpend)},
                                       {QStringLiteral("notifications"), notifications}});
    }
    return QJsonObject{{QStringLiteral("version"), 1},
                       {QStringLiteral("scope"), scope},
                       {QStringLiteral("asOf"), asOf.toString(Qt::ISODate)},
                       {QStringLiteral("fetchedAt"), fetchedAt.toUTC().toString(Qt::ISODateWithMs)},
                       {QStringLiteral("series"), seriesArray},
                       {QStringLiteral("budgets"), budgetArray}};
}

Result<CostSnapshot> CostSnapshot::fromJson(const QJsonObject &object)
{
    if (object.value(QLatin1String("version")).toInt() != 1)
        return makeError(ErrorKind::Invalid, QStringLiteral("cost cache entry has an unknown version"));
    CostSnapshot snapshot;
    snapshot.scope = object.value(QLatin1String("scope")).toString();
    snapshot.asOf = QDate::fromString(object.value(QLatin1String("asOf")).toString(), Qt::ISODate);
    snapshot.fetchedAt = QDateTime::fromString(object.value(QLatin1String("fetchedAt")).toString(), Qt::ISODate).toUTC();
    if (snapshot.scope.isEmpty() || !snapshot.asOf.isValid() || !snapshot.fetchedAt.isValid())
        return makeError(ErrorKind::Invalid, QStringLiteral("cost cache entry lacks its scope, date or time"));
    for (const QJsonValue &value : object.value(QLatin1String("series")).toArray()) {
        const QJsonObject o = value.toObject();
        CostSeries s;
        s.serviceTag = o.value(QLatin1String("serviceTag")).toString();
        s.scope = snapshot.scope;
        s.currency = o.value(QLatin1String("currency")).toString();
        s.budget = optional(o.value(QLatin1String("budget")));
        s.asOf = snapshot.asOf;
        s.fetchedAt = snapshot.fetchedAt;
        for (const QJsonValue &p : o.value(QLatin1String("points")).toArray()) {
            const QJsonArray a = p.toArray();
            s.points.append(CostPoint{QDate::fromString(a.at(0).toString(), Qt::ISODate), a.at(1).toDouble(), a.at(2).toBool()});
        }
        snapshot.series.append(s);
    }
    for (const QJsonValue &value : object.value(QLatin1String("budgets")).toArray()) {
        const QJsonObject o = value.toObject();
        CostBudget b;
        b.scope = snapshot.scope;
        b.name = o.value(QLatin1String("name")).toString();
        b.serviceTag = o.value(QLatin1String("serviceTag")).toString();
        b.amount = o.value(QLatin1String("amount")).toDouble();
        b.currency = o.value(QLatin1String("currency")).toString();
        b.timeGrain = o.value(QLatin1String("timeGrain")).toString();
        b.currentSpend = optional(o.value(QLatin1String("currentSpend")));
        b.forecastSpend = optional(o.value(QLatin1String("forecastSpend")));
        b.fetchedAt = snapshot.fetchedAt;
        for (const QJsonValue &n : o.value(QLatin1String("notifications")).toArray()) {
            const QJsonObject no = n.toObject();
            b.notifications.append(CostBudget::Notification{no.value(QLatin1String("name")).toString(),
                                                            no.value(QLatin1String("threshold")).toDouble(),
                                                            no.value(QLatin1String("forecasted")).toBool(),
                                                            no.value(QLatin1String("enabled")).toBool(true),
                                                            no.value(QLatin1String("operator")).toString()});
        }
        snapshot.budgets.append(b);
    }
    return snapshot;
}

std::vector<Observation> CostSnapshot::observations(bool cached) const
{
    std::vector<Observation> out;
    out.reserve(size_t(series.size() + budgets.size()));
    for (CostSeries s : series) {
        s.scope = scope;
        s.asOf = asOf;
        s.fetchedAt = fetchedAt;
        s.cached = cached;
        out.emplace_back(std::move(s));
    }
    for (CostBudget b : budgets) {
        b.scope = scope;
        b.fetchedAt = fetchedAt;
        b.cached = cached;
        out.emplace_back(std::move(b));
    }
    return out;
}
