#include "databasestore.h"

#include <QJsonArray>

#include <algorithm>

namespace Opsdeck {

namespace {

QJsonValue dateJson(const QDateTime &date)
{
    return date.isValid() ? QJsonValue(date.toUTC().toString(Qt::ISODateWithMs))
                          : QJsonValue(QJsonValue::Null);
}

bool byName(const SqlDatabase &a, const SqlDatabase &b)
{
    const int names = a.name.compare(b.name, Qt::CaseInsensitive);
    return names != 0 ? names < 0 : a.server < b.server;
}

} // namespace

DatabaseStore::DatabaseStore(QObject *parent)
    : QObject(parent)
{
    m_notify.setSingleShot(true);
    m_notify.setInterval(0);
    connect(&m_notify, &QTimer::timeout, this, &DatabaseStore::changed);
}

void DatabaseStore::apply(const ObservationBatch &batch)
{
    bool dirty = false;
    for (const Observation &observation : batch.observations) {
        const auto *list = std::get_if<SqlDatabaseList>(&observation);
        if (!list || list->server.isEmpty())
            continue;
        auto it = m_lists.find(list->server);
        if (it != m_lists.end() && *it == *list)
            continue;
        m_lists.insert(list->server, *list);
        dirty = true;
    }
    if (dirty && !m_notify.isActive())
        m_notify.start();
}

QList<SqlDatabase> DatabaseStore::databasesFor(const QString &service) const
{
    QList<SqlDatabase> result;
    if (service.isEmpty())
        return result;
    for (const SqlDatabaseList &list : m_lists)
        for (const SqlDatabase &database : list.databases)
            if (database.service.compare(service, Qt::CaseInsensitive) == 0)
                result.append(database);
    std::sort(result.begin(), result.end(), byName);
    return result;
}

QList<SqlDatabase> DatabaseStore::all() const
{
    QList<SqlDatabase> result;
    for (const SqlDatabaseList &list : m_lists) { // QMap: by server
        QList<SqlDatabase> databases = list.databases;
        std::sort(databases.begin(), databases.end(), byName);
        result.append(databases);
    }
    return result;
}

QDateTime DatabaseStore::fetchedAt() const
{
    QDateTime newest;
    for (const SqlDatabaseList &list : m_lists)
        if (!newest.isValid() || list.fetchedAt > newest)
            newest = list.fetchedAt;
    return newest;
}

QJsonObject DatabaseStore::toJson(const SqlDatabase &database)
{
    return QJsonObject { { QStringLiteral("name"), database.name },
                         { QStringLiteral("server"), database.server },
                         { QStringLiteral("status"), database.status },
                         { QStringLiteral("earliestRestoreDate"), dateJson(database.earliestRestoreDate) },
                         { QStringLiteral("creationDate"), dateJson(database.creationDate) },
                         { QStringLiteral("sku"),
                           database.sku.isEmpty() ? QJsonValue(QJsonValue::Null)
                                                  : QJsonValue(database.sku) } };
}

void DatabaseStore::addToSnapshot(QJsonObject &root) const
{
    QJsonArray contexts = root.value(QLatin1String("contexts")).toArray();
    for (qsizetype i = 0; i < contexts.size(); ++i) {
        QJsonObject context = contexts.at(i).toObject();
        QJsonArray services = context.value(QLatin1String("services")).toArray();
        for (qsizetype j = 0; j < services.size(); ++j) {
            QJsonObject service = services.at(j).toObject();
            if (!hasData()) {
                service.insert(QStringLiteral("databases"), QJsonValue(QJsonValue::Null));
            } else {
                QJsonArray databases;
                for (const SqlDatabase &database :
                     databasesFor(service.value(QLatin1String("name")).toString()))
                    databases.append(toJson(database));
                service.insert(QStringLiteral("databases"), databases);
            }
            services.replace(j, service);
        }
        context.insert(QStringLiteral("services"), services);
        contexts.replace(i, context);
    }
    root.insert(QStringLiteral("contexts"), contexts);
}

} // namespace Opsdeck
