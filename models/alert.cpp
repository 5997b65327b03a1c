#include "alert.h"

#include "format.h"

#include <QJsonValue>

namespace Opsdeck {

QString toString(Alert::Severity severity)
{
    switch (severity) {
    case Alert::Severity::Info:
        return QStringLiteral("info");
    case Alert::Severity::Warning:
        return QStringLiteral("warning");
    case Alert::Severity::Critical:
        return QStringLiteral("critical");
    }
    return QStringLiteral("info");
}

QJsonObject toJson(const Alert &alert)
{
    const bool estateWide = alert.service.name.isEmpty();
    QJsonObject object{
        {QStringLiteral("id"), alert.id},
        {QStringLiteral("rule"), alert.rule},
        {QStringLiteral("service"), estateWide ? QJsonValue(QJsonValue::Null) : QJsonValue(alert.service.name)},
        {QStringLiteral("context"), alert.service.context.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(alert.service.context)},
        {QStringLiteral("namespace"), alert.service.ns.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(alert.service.ns)},
        {QStringLiteral("severity"), toString(alert.severity)},
        {QStringLiteral("since"), Format::rfc3339(alert.since)},
        {QStringLiteral("summary"), alert.summary},
    };
    if (!alert.acknowledgedBy.isEmpty()) {
        object.insert(QStringLiteral("acknowledgedBy"), alert.acknowledgedBy);
        object.insert(QStringLiteral("acknowledgedAt"), Format::rfc3339(alert.acknowledgedAt));
    }
    if (alert.ended.isValid())
        object.insert(QStringLiteral("ended"), Format::rfc3339(alert.ended));
    return object;
}

} // namespace Opsdeck
