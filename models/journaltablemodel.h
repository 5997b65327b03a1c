#pragma once

// The action journal as a table for the History view (issue 6 §1): one row per action, newest first,
// read through a JournalFilter (service, action, status, time range). Follows the journal's own writes
// (Journal::entryChanged); reload() picks up another process's (`opsdeck act` beside the app).

#include "error.h"
#include "journalentry.h"
#include "journalfilter.h"

#include <QAbstractTableModel>
#include <QTimer>

namespace Opsdeck {

class Journal;

class JournalTableModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        StartedColumn,
        StatusColumn,
        ActionColumn,
        ServiceColumn,
        TrackColumn,
        ParametersColumn,
        UserColumn,
        ContextColumn,
        MessageColumn,
        ColumnCount,
    };
    enum Role {
        EntryIdRole = Qt::UserRole + 1, // qint64
        StatusRole,                     // JournalStatus as int
        SortRole,
    };
    Q_ENUM(Role)

    explicit JournalTableModel(Journal *journal, QObject *parent = nullptr);

    void setFilter(const JournalFilter &filter);
    JournalFilter filter() const { return m_filter; }
    // Reads the entries again; an error leaves the rows as they were and is kept in lastError().
    Result<void> reload();
    std::optional<Error> lastError() const { return m_error; }

    JournalEntry entry(int row) const { return m_entries.value(row); }
    QList<JournalEntry> entries() const { return m_entries; }
    int rowOf(qint64 id) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // "weight=25", "track=canary, replicas=3": what a person reads in the table.
    static QString parametersText(const QVariantMap &parameters);
    // "Succeeded", "Refused", … — the status as a word.
    static QString statusWord(JournalStatus status);

private:
    Journal *m_journal;
    JournalFilter m_filter;
    QList<JournalEntry> m_entries;
    std::optional<Error> m_error;
    QTimer m_coalesce; // a multi-step action writes several times in a row: reload once
};

} // namespace Opsdeck
