#pragma once

// One row per service of the ServiceStore, the columns of the Services overview. Exposes meaning
// (HealthRole, raw SortRole values, the ServiceKey); ui/ decides icons and colours. Follows the store's
// fine-grained signals: insertions, removals and contiguous dataChanged ranges, never a reset.

#include "servicestore.h"

#include <QAbstractTableModel>

namespace Opsdeck {

class TelemetryStore;

class ServiceTableModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        NameColumn,
        NamespaceColumn,
        ContextColumn,
        HealthColumn,
        BreakersColumn,
        StableColumn,
        CanaryColumn,
        RolloutColumn,
        RestartsColumn,
        HpaColumn,
        CpuColumn,
        CanaryWeightColumn,
        StableErrorRateColumn, // telemetry over the window (TelemetryStore), when one is set
        CanaryErrorRateColumn,
        StableP95Column,
        CanaryP95Column,
        LastWarningColumn,
        ColumnCount,
    };
    Q_ENUM(Column)

    enum Role {
        HealthRole = Qt::UserRole + 1, // Opsdeck::Health (any column)
        SortRole,                      // a raw number or string that sorts the column correctly
        ServiceKeyRole,                // Opsdeck::ServiceKey
        ContextRole,
        NamespaceRole,
        NameRole,
        SummaryRole,                   // Opsdeck::ServiceSummary
        BreakerStateRole,              // Opsdeck::BreakerState::State of the worst breaker; invalid if none
        StaleRole,                     // bool: the row shows last-known data
        TelemetryHealthRole,           // Opsdeck::Health of a telemetry cell: Unhealthy when the canary is worse beyond
                                       // the analysis thresholds, Stale when the figures are; invalid otherwise
    };
    Q_ENUM(Role)

    explicit ServiceTableModel(ServiceStore *store, QObject *parent = nullptr);
    // The telemetry columns read this store (they show "—" without one).
    void setTelemetry(TelemetryStore *telemetry);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    QModelIndex indexOf(const ServiceKey &key, int column = NameColumn) const;
    // "Open: productservice", "HalfOpen: orderservice (canary)", "Closed (3)", "—" (no breakers).
    static QString breakerText(const ServiceSummary &summary);

private:
    QVariant display(const ServiceSummary &s, int column) const;
    QVariant sortValue(const ServiceSummary &s, int column) const;
    QVariant toolTip(const ServiceSummary &s, int column) const;
    QVariant telemetryDisplay(const ServiceSummary &s, int column) const;
    QVariant telemetryValue(const ServiceSummary &s, int column) const;
    QVariant telemetryHealth(const ServiceSummary &s, int column) const;
    QVariant telemetryToolTip(const ServiceSummary &s, int column) const;
    void onTelemetryChanged(const QSet<ServiceKey> &services);

    ServiceStore *m_store;
    TelemetryStore *m_telemetry = nullptr;
};

} // namespace Opsdeck
