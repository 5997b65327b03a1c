#pragma once

// The war room's merged timeline (issue 9 §3) as a table: time, kind, severity, service, title, detail,
// oldest first in timelineLess order, one row per (kind, reference) — a later entry with the same key
// replaces the earlier one. Entries are queued by add() and published on a short timer (flush(), public
// for tests) in a few contiguous row insertions, so a storm of observations is a handful of signals.
// Bounded: past limit() the oldest rows go.

#include "timelineentry.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QList>
#include <QTimer>

namespace Opsdeck {

class TimelineModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        TimeColumn,
        KindColumn,
        SeverityColumn,
        ServiceColumn,
        TitleColumn,
        DetailColumn,
        ColumnCount,
    };
    Q_ENUM(Column)

    enum Role {
        SortRole = Qt::UserRole + 1,
        AtRole, // QDateTime (UTC)
        KindRole, // int(TimelineEntry::Kind)
        SeverityRole, // int(TimelineEntry::Severity)
        ServiceKeyRole, // Opsdeck::ServiceKey
        ReferenceRole, // QString
        EntryRole, // Opsdeck::TimelineEntry
    };
    Q_ENUM(Role)

    static constexpr int DefaultLimit = 5000;
    static constexpr int FlushIntervalMs = 150;
    // More separate insertion runs than this in one flush: a reset is cheaper for every view.
    static constexpr int MaxInsertRuns = 32;

    explicit TimelineModel(QObject *parent = nullptr);

    int limit() const { return m_limit; }
    void setLimit(int limit); // drops the oldest rows now if needed

    // Queued; published at the next flush (within FlushIntervalMs).
    void add(const TimelineEntry &entry);
    void add(const QList<TimelineEntry> &entries);
    void clear();

    const TimelineEntry &entryAt(int row) const { return m_rows.at(row); }
    QList<TimelineEntry> entries() const { return m_rows; }
    int rowOf(TimelineEntry::Kind kind, const QString &reference) const; // -1 when absent
    bool hasPending() const { return !m_pending.isEmpty(); }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    static QString kindLabel(TimelineEntry::Kind kind); // "Canary weight", "Breaker", …
    static QString serviceLabel(const ServiceKey &key); // "productservice" or "estate"

public Q_SLOTS:
    // Publishes what add() queued: replacements in place, new rows in runs, then the bound.
    void flush();

Q_SIGNALS:
    void flushed();

private:
    using Key = QPair<int, QString>;
    static Key keyOf(const TimelineEntry &entry) { return { int(entry.kind), entry.reference }; }
    qsizetype findRow(const TimelineEntry &entry) const;
    void removeRows(QList<qsizetype> rows); // ascending, distinct
    void trim();

    QList<TimelineEntry> m_rows; // sorted by timelineLess, unique keys
    QHash<Key, TimelineEntry> m_byKey;
    QHash<Key, TimelineEntry> m_pending; // latest queued per key
    qint64 m_anonymous = 0; // numbers entries that came without a reference
    int m_limit = DefaultLimit;
    QTimer m_timer;
};

} // namespace Opsdeck
