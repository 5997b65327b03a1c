#pragma once

// The selected service's breaker timeline as a table (the textual alternative to the painted strip):
// one row per transition within the window (default the last 6 hours), newest first — when, which
// breaker, track, the state it entered and how long it stayed. The strip paints the same rows.

#include "servicestore.h"

#include <QAbstractTableModel>

namespace Opsdeck {

class BreakerHistoryModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        TimeColumn,
        BreakerColumn,
        TrackColumn,
        StateColumn,
        LastedColumn,
        ColumnCount,
    };
    Q_ENUM(Column)

    enum Role {
        SortRole = Qt::UserRole + 1,
        StateRole,   // Opsdeck::BreakerState::State
        AtRole,      // QDateTime the state began
        UntilRole,   // QDateTime it ended; invalid while it lasts
        LaneRole,    // QString "name (track)": one lane of the strip per breaker
    };
    Q_ENUM(Role)

    explicit BreakerHistoryModel(ServiceStore *store, QObject *parent = nullptr);

    void setService(const ServiceKey &key);
    ServiceKey service() const { return m_key; }
    // Every breaker's lane name, sorted.
    QStringList lanes() const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct Row
    {
        BreakerTransition transition;
        QDateTime until;
        QString lane;

        friend bool operator==(const Row &, const Row &) = default;
    };
    void reload();

    ServiceStore *m_store;
    ServiceKey m_key;
    QList<Row> m_rows; // newest first
};

} // namespace Opsdeck
