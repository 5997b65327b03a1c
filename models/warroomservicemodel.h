#pragma once

// The war room's services (issue 9 §4): one row per service with its key figures — health, alerts,
// breakers open, error rate and p95 per track, pods ready/desired, HPA replicas, canary weight — the
// services with active alerts pinned first (worst alert, then the oldest), then the rest by health.
// Reads ServiceStore, TelemetryStore and AlertEngine on their signals (coalesced); keeps no state of
// its own beyond the row order it derived.

#include "alert.h"
#include "health.h"
#include "servicekey.h"

#include <QAbstractTableModel>
#include <QPointer>
#include <QTimer>

namespace Opsdeck {

class AlertEngine;
class ServiceStore;
class TelemetryStore;

class WarRoomServiceModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        ServiceColumn,
        HealthColumn,
        AlertsColumn,
        BreakersColumn,
        ErrorStableColumn,
        ErrorCanaryColumn,
        P95StableColumn,
        P95CanaryColumn,
        PodsColumn,
        HpaColumn,
        CanaryWeightColumn,
        ColumnCount,
    };
    Q_ENUM(Column)

    enum Role {
        ServiceKeyRole = Qt::UserRole + 1, // Opsdeck::ServiceKey
        HealthRole, // Opsdeck::Health
        AlertSeverityRole, // int(Alert::Severity) of the worst active alert; -1: none
        PinnedRole, // bool: has active alerts
        AlertIdsRole, // QStringList of its active alerts' ids
    };
    Q_ENUM(Role)

    static constexpr int RefreshIntervalMs = 200;

    WarRoomServiceModel(ServiceStore *store, TelemetryStore *telemetry, AlertEngine *alerts,
                        QObject *parent = nullptr);

    void setAlerts(AlertEngine *alerts);
    void setTelemetry(TelemetryStore *telemetry);

    ServiceKey keyAt(int row) const { return m_rows.value(row); }
    int rowOf(const ServiceKey &key) const { return int(m_rows.indexOf(key)); }
    int pinnedCount() const;
    // Active alerts with no service (a source down): the war room's banner.
    QList<Alert> estateAlerts() const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

public Q_SLOTS:
    // Re-derives the order and every figure now (the timer calls it after a change).
    void refresh();

Q_SIGNALS:
    void refreshed();

private:
    void scheduleRefresh();
    QList<Alert> alertsOf(const ServiceKey &key) const;
    QVariant display(const ServiceKey &key, int column) const;

    QPointer<ServiceStore> m_store;
    QPointer<TelemetryStore> m_telemetry;
    QPointer<AlertEngine> m_alerts;
    QList<ServiceKey> m_rows;
    QHash<ServiceKey, QList<Alert>> m_activeByService; // worst first (AlertEngine::active()'s order)
    QTimer m_timer;
};

} // namespace Opsdeck
