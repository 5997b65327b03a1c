#pragma once

// The Health tab's table: the selected service's /health entries (API-CONTRACTS §7), one row per entry
// and track — name, track, status, duration, description, circuit state. A report whose latest read
// failed keeps its last entries; they say "stale" (StaleRole, and in the Status column's text).

#include "servicestore.h"

#include <QAbstractTableModel>

namespace Opsdeck {

class HealthEntryTableModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        NameColumn,
        TrackColumn,
        StatusColumn,
        DurationColumn,
        DescriptionColumn,
        CircuitColumn,
        ColumnCount,
    };
    Q_ENUM(Column)

    enum Role {
        SortRole = Qt::UserRole + 1,
        HealthRole, // Opsdeck::Health of the entry (Stale when its report is stale)
        StaleRole,
    };
    Q_ENUM(Role)

    explicit HealthEntryTableModel(ServiceStore *store, QObject *parent = nullptr);

    void setService(const ServiceKey &key);
    ServiceKey service() const { return m_key; }
    // One line about the reports: "stable: Unhealthy, checked 12:03:04 UTC; canary: …" (and errors).
    QString summary() const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct Row
    {
        HealthEntry entry;
        Track track = Track::Unknown;
        bool stale = false;
        QDateTime checkedAt;

        friend bool operator==(const Row &, const Row &) = default;
    };
    void reload();

    ServiceStore *m_store;
    ServiceKey m_key;
    QList<Row> m_rows;
    QList<HealthReport> m_reports;
};

} // namespace Opsdeck
