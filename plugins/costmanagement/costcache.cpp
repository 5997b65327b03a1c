#include "costcache.h"

#include "costmanagementlogging.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QUuid>

using namespace Opsdeck;

CostCache::CostCache(QString path)
    : m_path(std::move(path))
    , m_connection(QStringLiteral("opsdeck-costcache-") + QUuid::createUuid().toString(QUuid::WithoutBraces))
{
}

CostCache::~CostCache()
{
    if (QSqlDatabase::contains(m_connection)) {
        QSqlDatabase::database(m_connection, false).close();
        QSqlDatabase::removeDatabase(m_connection);
    }
}

QString CostCache::defaultPath()
{
    return QDir(QStandardPaths::writableLocation(QStandardPaths::CacheLocation)).filePath(QStringLiteral("costmanagement.sqlite"));
}

Result<void> CostCache::open()
{
    if (m_path.isEmpty() || m_open)
        return {};
    QDir().mkpath(QFileInfo(m_path).absolutePath());
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connection);
    db.setDatabaseName(m_path);
    if (!db.open())
        return makeError(ErrorKind::Config, QStringLiteral("cost cache %1: %2").arg(m_path, db.lastError().text()),
                         QStringLiteral("Check that the folder is writable, or set the source's cacheFile."));
    QSqlQuery query(db);
    if (!query.exec(QStringLiteral("CREATE TABLE IF NOT EXISTS snapshots (scope TEXT NOT NULL, period TEXT NOT NULL, "
                                   "fetched_at TEXT NOT NULL, payload BLOB NOT NULL, PRIMARY KEY (scope, period))")))
        return makeError(ErrorKind::Config, QStringLiteral("cost cache %1: %2").arg(m_path, query.lastError().text()));
    m_open = true;
    return {};
}

Result<void> CostCache::store(const CostSnapshot &snapshot, const QString &period)
{
    if (!m_open)
        return {};
    QSqlQuery query(QSqlDatabase::database(m_connection, false));
    query.prepare(QStringLiteral("INSERT OR REPLACE INTO snapshots (scope, period, fetched_at, payload) VALUES (?, ?, ?, ?)"));
    query.addBindValue(snapshot.scope);
    query.addBindValue(period);
    query.addBindValue(snapshot.fetchedAt.toUTC().toString(Qt::ISODate));
    query.addBindValue(QJsonDocument(snapshot.toJson()).toJson(QJsonDocument::Compact));
    if (!query.exec())
        return makeError(ErrorKind::Config, QStringLiteral("cost cache %1: %2").arg(m_path, query.lastError().text()));
    return {};
}

std::optional<CostSnapshot> CostCache::load(const QString &scope, const QString &period)
{
    if (!m_open)
        return std::nullopt;
    QSqlQuery query(QSqlDatabase::database(m_connection, false));
    query.prepare(QStringLiteral("SELECT payload FROM snapshots WHERE scope = ? AND period = ?"));
    query.addBindValue(scope);
    query.addBindValue(period);
    if (!query.exec() || !query.next())
        return std::nullopt;
    const QJsonDocument document = QJsonDocument::fromJson(query.value(0).toByteArray());
    Result<CostSnapshot> snapshot = CostSnapshot::fromJson(document.object());
    if (!snapshot) {
        qCWarning(lcCostManagement).noquote() << "ignoring cost cache entry for" << scope << ":" << snapshot.error().message;
        return std::nullopt;
    }
    return *snapshot;
}
