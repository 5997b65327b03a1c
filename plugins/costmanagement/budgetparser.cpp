#include "budgetparser.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using Opsdeck::CostBudget;
using Opsdeck::ErrorKind;
using Opsdeck::makeError;

namespace {

std::optional<double> number(const QJsonValue &value)
{
    if (value.isDouble())
        return value.toDouble();
    if (value.isString()) {
        bool ok = false;
        const double parsed = value.toString().toDouble(&ok);
        if (ok)
            return parsed;
    }
    return std::nullopt;
}

// The single value of a `tags` comparison on `tagName` ("In" is the only operator), searched through
// `and`/`or`; std::nullopt when the filter says nothing about the tag.
std::optional<QString> tagValue(const QJsonObject &filter, const QString &tagName)
{
    const QJsonObject tags = filter.value(QLatin1String("tags")).toObject();
    if (tags.value(QLatin1String("name")).toString().compare(tagName, Qt::CaseInsensitive) == 0) {
        const QJsonArray values = tags.value(QLatin1String("values")).toArray();
        if (values.size() == 1)
            return values.first().toString();
    }
    for (const char *op : {"and", "or"}) {
        for (const QJsonValue &item : filter.value(QLatin1String(op)).toArray()) {
            if (auto found = tagValue(item.toObject(), tagName))
                return found;
        }
    }
    return std::nullopt;
}

} // namespace

Opsdeck::Result<BudgetPage> BudgetParser::parse(const QByteArray &body, const QString &tagName)
{
    BudgetPage page;
    if (body.trimmed().isEmpty())
        return page;
    QJsonParseError error{};
    const QJsonDocument document = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        return makeError(ErrorKind::Invalid, QStringLiteral("budget list is not a JSON object: %1").arg(error.errorString()));
    const QJsonObject root = document.object();
    if (root.contains(QLatin1String("error"))) {
        const QJsonObject e = root.value(QLatin1String("error")).toObject();
        return makeError(ErrorKind::Invalid, QStringLiteral("budget list failed: %1 %2")
                                                 .arg(e.value(QLatin1String("code")).toString(), e.value(QLatin1String("message")).toString()));
    }
    const QJsonValue next = root.value(QLatin1String("nextLink"));
    if (next.isString() && !next.toString().isEmpty())
        page.nextLink = QUrl(next.toString());
    for (const QJsonValue &value : root.value(QLatin1String("value")).toArray()) {
        const QJsonObject item = value.toObject();
        const QJsonObject properties = item.value(QLatin1String("properties")).toObject();
        CostBudget budget;
        budget.name = item.value(QLatin1String("name")).toString();
        const auto amount = number(properties.value(QLatin1String("amount")));
        if (budget.name.isEmpty() || !amount)
            return makeError(ErrorKind::Invalid, QStringLiteral("budget '%1' has no name or amount").arg(budget.name));
        budget.amount = *amount;
        budget.timeGrain = properties.value(QLatin1String("timeGrain")).toString();
        const QJsonObject current = properties.value(QLatin1String("currentSpend")).toObject();
        budget.currentSpend = number(current.value(QLatin1String("amount")));
        budget.currency = current.value(QLatin1String("unit")).toString();
        const QJsonObject forecast = properties.value(QLatin1String("forecastSpend")).toObject();
        budget.forecastSpend = number(forecast.value(QLatin1String("amount")));
        if (budget.currency.isEmpty())
            budget.currency = forecast.value(QLatin1String("unit")).toString();
        budget.serviceTag = tagValue(properties.value(QLatin1String("filter")).toObject(), tagName).value_or(QString());
        const QJsonObject notifications = properties.value(QLatin1String("notifications")).toObject();
        for (auto it = notifications.begin(); it != notifications.end(); ++it) {
            const QJsonObject n = it.value().toObject();
            CostBudget::Notification notification;
            notification.name = it.key();
            notification.thresholdPercent = number(n.value(QLatin1String("threshold"))).value_or(0.0);
            notification.forecasted = n.value(QLatin1String("thresholdType")).toString().compare(QLatin1String("Forecasted"), Qt::CaseInsensitive) == 0;
            notification.enabled = n.value(QLatin1String("enabled")).toBool(true);
            notification.op = n.value(QLatin1String("operator")).toString();
            budget.notifications.append(notification);
        }
        std::sort(budget.notifications.begin(), budget.notifications.end(),
                  [](const CostBudget::Notification &a, const CostBudget::Notification &b) { return a.thresholdPercent < b.thresholdPercent; });
        page.budgets.append(budget);
    }
    return page;
}
