#include "databasetablemodel.h"

#include <QTimeZone>

#include <algorithm>

namespace Opsdeck {

namespace {

const QString Dash = QStringLiteral("—");

} // namespace

DatabaseTableModel::DatabaseTableModel(QObject *parent)
    : QAbstractTableModel(parent)
{ }

Health DatabaseTableModel::healthFor(const QString &status)
{
    // The values of Microsoft.Sql DatabaseStatus (2021-11-01). Busy but coming back → Degraded; not
    // serving → Unhealthy; anything new or empty → Unknown rather than a guess.
    static const QStringList healthy { QStringLiteral("Online") };
    static const QStringList degraded { QStringLiteral("Restoring"),
                                        QStringLiteral("Recovering"),
                                        QStringLiteral("RecoveryPending"),
                                        QStringLiteral("Copying"),
                                        QStringLiteral("Creating"),
                                        QStringLiteral("Scaling"),
                                        QStringLiteral("Resuming"),
                                        QStringLiteral("Pausing"),
                                        QStringLiteral("Paused"),
                                        QStringLiteral("Standby"),
                                        QStringLiteral("OnlineChangingDwPerformanceTiers"),
                                        QStringLiteral("OfflineChangingDwConnectivity"),
                                        QStringLiteral("Starting"),
                                        QStringLiteral("Stopping") };
    static const QStringList unhealthy { QStringLiteral("Offline"),       QStringLiteral("Suspect"),
                                         QStringLiteral("EmergencyMode"), QStringLiteral("Shutdown"),
                                         QStringLiteral("Inaccessible"),  QStringLiteral("OfflineSecondary"),
                                         QStringLiteral("Disabled"),      QStringLiteral("AutoClosed"),
                                         QStringLiteral("Stopped") };
    const auto in = [&status](const QStringList &list) {
        return list.contains(status, Qt::CaseInsensitive);
    };
    if (in(healthy))
        return Health::Healthy;
    if (in(degraded))
        return Health::Degraded;
    if (in(unhealthy))
        return Health::Unhealthy;
    return Health::Unknown;
}

QString DatabaseTableModel::localText(const QDateTime &time)
{
    if (!time.isValid())
        return Dash;
    return time.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss t"));
}

QString DatabaseTableModel::utcText(const QDateTime &time)
{
    if (!time.isValid())
        return Dash;
    return time.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss 'UTC'"));
}

void DatabaseTableModel::setDatabases(QList<SqlDatabase> databases, bool stale)
{
    std::sort(databases.begin(), databases.end(), [](const SqlDatabase &a, const SqlDatabase &b) {
        const int byName = QString::compare(a.name, b.name, Qt::CaseInsensitive);
        return byName != 0 ? byName < 0 : a.server < b.server;
    });
    const bool sameRows = databases.size() == m_rows.size()
        && std::equal(databases.cbegin(), databases.cend(), m_rows.cbegin(),
                      [](const SqlDatabase &a, const SqlDatabase &b) {
                          return a.name == b.name && a.server == b.server;
                      });
    if (!sameRows) {
        beginResetModel();
        m_rows = std::move(databases);
        m_stale = stale;
        endResetModel();
        return;
    }
    // Same databases: keep the selection, tell the view what changed.
    const bool changed = m_rows != databases || m_stale != stale;
    m_rows = std::move(databases);
    m_stale = stale;
    if (changed && !m_rows.isEmpty())
        Q_EMIT dataChanged(index(0, 0), index(int(m_rows.size()) - 1, ColumnCount - 1));
}

int DatabaseTableModel::rowOf(const QString &name) const
{
    for (int row = 0; row < m_rows.size(); ++row) {
        if (m_rows[row].name == name)
            return row;
    }
    return -1;
}

int DatabaseTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int DatabaseTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant DatabaseTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const SqlDatabase &db = m_rows[index.row()];
    const Health health = m_stale ? Health::Stale : healthFor(db.status);
    switch (role) {
    case HealthRole:
        return QVariant::fromValue(health);
    case DatabaseRole:
        return QVariant::fromValue(db);
    case Qt::DisplayRole:
    case Qt::AccessibleTextRole:
        switch (Column(index.column())) {
        case NameColumn:
            return db.name;
        case StatusColumn:
            // The word of the house first, the server's word after it: "Unhealthy — Offline".
            return db.status.isEmpty() ? toString(health)
                                       : QStringLiteral("%1 — %2").arg(toString(health), db.status);
        case EarliestLocalColumn:
            return localText(db.earliestRestoreDate);
        case EarliestUtcColumn:
            return utcText(db.earliestRestoreDate);
        case SkuColumn:
            return db.sku.isEmpty() ? Dash : db.sku;
        case ServerColumn:
            return db.server;
        case ColumnCount:
            break;
        }
        return {};
    case SortRole:
        switch (Column(index.column())) {
        case StatusColumn:
            return severity(health);
        case EarliestLocalColumn:
        case EarliestUtcColumn:
            return db.earliestRestoreDate.isValid() ? db.earliestRestoreDate.toMSecsSinceEpoch() : qint64(0);
        default:
            return data(index, Qt::DisplayRole);
        }
    case Qt::ToolTipRole:
        switch (Column(index.column())) {
        case StatusColumn:
            return m_stale
                ? tr("Last known status %1: the database source has not answered lately").arg(db.status)
                : tr("Azure SQL reports %1").arg(db.status);
        case EarliestLocalColumn:
        case EarliestUtcColumn:
            return db.earliestRestoreDate.isValid()
                ? tr("The oldest point this database can be restored to: %1 (%2)")
                      .arg(localText(db.earliestRestoreDate), utcText(db.earliestRestoreDate))
                : tr("No restore point yet (the database is new or being created)");
        case NameColumn:
            return db.armId;
        default:
            return data(index, Qt::DisplayRole);
        }
    default:
        return {};
    }
}

QVariant DatabaseTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (Column(section)) {
    case NameColumn:
        return tr("Database");
    case StatusColumn:
        return tr("Status");
    case EarliestLocalColumn:
        return tr("Earliest restore point (local)");
    case EarliestUtcColumn:
        return tr("Earliest restore point (UTC)");
    case SkuColumn:
        return tr("SKU");
    case ServerColumn:
        return tr("Server");
    case ColumnCount:
        break;
    }
    return {};
}

} // namespace Opsdeck
