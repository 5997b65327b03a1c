#include "sqldatabaseparser.h"

#include <QJsonValue>
#include <QTimeZone>

using namespace Opsdeck;

QString serviceTagOf(const QJsonObject &tags)
{
    const QJsonValue exact = tags.value(u"Service");
    if (exact.isString())
        return exact.toString();
    for (auto it = tags.begin(); it != tags.end(); ++it)
        if (it.key().compare(u"service", Qt::CaseInsensitive) == 0 && it.value().isString())
            return it.value().toString();
    return {};
}

QString serverOfDatabaseId(const QString &armId)
{
    const QStringList parts = armId.split(u'/', Qt::SkipEmptyParts);
    for (qsizetype i = 0; i + 1 < parts.size(); ++i)
        if (parts[i].compare(u"servers", Qt::CaseInsensitive) == 0)
            return parts[i + 1];
    return {};
}

QDateTime parseArmDate(const QString &text)
{
    if (text.isEmpty())
        return {};
    QDateTime date = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!date.isValid())
        return {};
    // No zone given: ARM means UTC, Qt would read local time.
    if (date.timeSpec() == Qt::LocalTime)
        date.setTimeZone(QTimeZone::utc());
    return date.toUTC();
}

namespace {

// maxSizeBytes is a JSON number, though some API versions and proxies send it as a string.
qint64 bytesOf(const QJsonValue &value)
{
    if (value.isDouble())
        return qint64(value.toDouble());
    if (value.isString())
        return value.toString().toLongLong();
    return 0;
}

} // namespace

Result<SqlDatabase> parseSqlDatabase(const QJsonObject &resource)
{
    SqlDatabase database;
    database.name = resource.value(u"name").toString();
    if (database.name.isEmpty())
        return makeError(ErrorKind::Invalid, QStringLiteral("an Azure SQL database without a name"));
    const QJsonValue propertiesValue = resource.value(u"properties");
    if (!propertiesValue.isObject())
        return makeError(ErrorKind::Invalid,
                         QStringLiteral("Azure SQL database %1 has no properties").arg(database.name));
    const QJsonObject properties = propertiesValue.toObject();
    database.armId = resource.value(u"id").toString();
    database.server = serverOfDatabaseId(database.armId);
    database.service = serviceTagOf(resource.value(u"tags").toObject());
    database.location = resource.value(u"location").toString();
    database.status = properties.value(u"status").toString();
    database.sku = properties.value(u"currentServiceObjectiveName").toString();
    if (database.sku.isEmpty())
        database.sku = resource.value(u"sku").toObject().value(u"name").toString();
    database.maxSizeBytes = bytesOf(properties.value(u"maxSizeBytes"));
    const QString created = properties.value(u"creationDate").toString();
    database.creationDate = parseArmDate(created);
    if (!created.isEmpty() && !database.creationDate.isValid())
        return makeError(ErrorKind::Invalid,
                         QStringLiteral("Azure SQL database %1: creationDate \"%2\" is no date")
                             .arg(database.name, created));
    const QString earliest = properties.value(u"earliestRestoreDate").toString();
    database.earliestRestoreDate = parseArmDate(earliest);
    if (!earliest.isEmpty() && !database.earliestRestoreDate.isValid())
        return makeError(ErrorKind::Invalid,
                         QStringLiteral("Azure SQL database %1: earliestRestoreDate \"%2\" is no date")
                             .arg(database.name, earliest));
    return database;
}
