#pragma once

// The Sources panel's table of running data sources (DESIGN §5): each source's own state (Ok / Connecting
// / Degraded / Down), its circuit breakers (the worst, naming the endpoint), its last success and how
// stale the data it shows is. Time columns move on with tick().

#include "servicestore.h"

#include <QAbstractTableModel>

namespace Opsdeck {

class DataSourceTableModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        SourceColumn,
        StateColumn,
        BreakerColumn,
        LastSuccessColumn,
        DataAgeColumn,
        ColumnCount,
    };
    Q_ENUM(Column)

    enum Role {
        HealthRole = Qt::UserRole + 1, // Opsdeck::Health: Healthy / Degraded / Unhealthy (down) / Unknown
                                       // (the same role number as ServiceTableModel's, for HealthDelegate)
        StateRole,                     // Opsdeck::SourceStatus::State
        BreakerStateRole,             // Opsdeck::BreakerState::State of the worst own breaker
    };
    Q_ENUM(Role)

    explicit DataSourceTableModel(ServiceStore *store, QObject *parent = nullptr);

    // "Open: /api/v1/pods" | "Closed" — the worst of the source's own breakers.
    static QString breakerText(const QList<BreakerState> &breakers);
    // Repaints the time columns ("3 s ago", "stale, 2 min").
    void tick();

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    void reload();

    ServiceStore *m_store;
    QStringList m_ids; // sorted source ids
};

} // namespace Opsdeck
