#pragma once

// The pods of one selected service (the detail pane). Rows stay in arrival order so updates are
// row insertions/removals and one dataChanged range; the view sorts through a proxy (SortRole).

#include "servicestore.h"

#include <QAbstractTableModel>
#include <QHash>

namespace Opsdeck {

class PodTableModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        NameColumn,
        TrackColumn,
        PhaseColumn,
        ReadyColumn,
        RestartsColumn,
        AgeColumn,
        NodeColumn,
        CpuColumn,
        MemoryColumn,
        ColumnCount,
    };
    Q_ENUM(Column)

    enum Role {
        SortRole = Qt::UserRole + 1,
        PodRole, // Opsdeck::PodInfo
        CrashLoopRole,
    };
    Q_ENUM(Role)

    explicit PodTableModel(ServiceStore *store, QObject *parent = nullptr);

    void setService(const ServiceKey &key); // an empty key shows nothing
    ServiceKey service() const { return m_key; }
    // For tests and "age": what "now" is (default: the wall clock).
    void setNow(const QDateTime &now) { m_now = now; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    int rowOf(const QString &podName) const { return m_rowOf.value(podName, -1); }

private:
    void refresh();
    QDateTime now() const;

    ServiceStore *m_store;
    ServiceKey m_key;
    QList<PodInfo> m_rows;
    QHash<QString, int> m_rowOf;
    QDateTime m_now;
};

} // namespace Opsdeck
