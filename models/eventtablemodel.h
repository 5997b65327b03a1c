#pragma once

// The Kubernetes Events of one selected service (its pods, ReplicaSets, Deployments, HPA). Rows stay
// in arrival order; the view sorts by "Last seen" through a proxy (SortRole).

#include "servicestore.h"

#include <QAbstractTableModel>
#include <QHash>

namespace Opsdeck {

class EventTableModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        LastSeenColumn,
        TypeColumn,
        ReasonColumn,
        ObjectColumn,
        CountColumn,
        MessageColumn,
        ColumnCount,
    };
    Q_ENUM(Column)

    enum Role {
        SortRole = Qt::UserRole + 1,
        WarningRole, // bool
    };
    Q_ENUM(Role)

    explicit EventTableModel(ServiceStore *store, QObject *parent = nullptr);

    void setService(const ServiceKey &key);
    ServiceKey service() const { return m_key; }
    void setNow(const QDateTime &now) { m_now = now; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    void refresh();

    ServiceStore *m_store;
    ServiceKey m_key;
    QList<EventInfo> m_rows;
    QHash<QString, int> m_rowOf;
    QDateTime m_now;
};

} // namespace Opsdeck
