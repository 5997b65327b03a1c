#pragma once

// The databases of one service as a table (the Database tab): name, status (the house vocabulary through
// HealthRole, the server's own word beside it), the earliest restore point in local time and in UTC, the
// SKU and the server. Rows sorted by name; a poll that changes values only emits dataChanged.

#include "health.h"
#include "observation.h"

#include <QAbstractTableModel>
#include <QList>

namespace Opsdeck {

class DatabaseTableModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        NameColumn,
        StatusColumn,
        EarliestLocalColumn,
        EarliestUtcColumn,
        SkuColumn,
        ServerColumn,
        ColumnCount,
    };
    enum Role {
        HealthRole = Qt::UserRole + 1, // Opsdeck::Health (any column); same value as ServiceTableModel's
        SortRole,
        DatabaseRole, // Opsdeck::SqlDatabase
    };

    explicit DatabaseTableModel(QObject *parent = nullptr);

    // `stale`: the source has not answered for a while; the rows are last-known values.
    void setDatabases(QList<SqlDatabase> databases, bool stale);
    QList<SqlDatabase> databases() const { return m_rows; }
    bool isStale() const { return m_stale; }
    int rowOf(const QString &name) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // Azure SQL's status word (Online, Offline, Restoring, …) in the house vocabulary.
    static Health healthFor(const QString &status);
    // "2026-11-26 09:12:03 CET" and "2026-11-26 08:12:03 UTC"; "—" when invalid.
    static QString localText(const QDateTime &time);
    static QString utcText(const QDateTime &time);

private:
    QList<SqlDatabase> m_rows;
    bool m_stale = false;
};

} // namespace Opsdeck
