#pragma once

// The Azure SQL databases the azuresql source reads (issue 8), per server: each SqlDatabaseList replaces
// what its server had, so a server whose poll failed keeps its last-known databases. Queried per service
// (the `Service` tag, case-insensitive), for the Database tab and the restore runbook; `changed()` fires
// once per event-loop turn however many lists arrived.

#include "observation.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QObject>
#include <QTimer>

namespace Opsdeck {

class DatabaseStore : public QObject
{
    Q_OBJECT

public:
    explicit DatabaseStore(QObject *parent = nullptr);

    // Takes the batch's SqlDatabaseLists; everything else is ignored (SourceHost::observationsReady).
    void apply(const ObservationBatch &batch);

    // The databases tagged with `service`, by name.
    QList<SqlDatabase> databasesFor(const QString &service) const;
    // Every database of every server (untagged ones such as master too), by server and name.
    QList<SqlDatabase> all() const;
    // The servers read so far.
    QStringList servers() const { return m_lists.keys(); }
    // When the newest list was read (invalid before the first).
    QDateTime fetchedAt() const;
    bool hasData() const { return !m_lists.isEmpty(); }

    // Adds `databases` to every service of root["contexts"][i]["services"][j] (by name):
    // [{name, server, status, earliestRestoreDate, creationDate, sku}] (dates ISO 8601 UTC, null when
    // unknown); null when no list has arrived yet (docs/snapshot-format.md).
    void addToSnapshot(QJsonObject &root) const;
    static QJsonObject toJson(const SqlDatabase &database);

Q_SIGNALS:
    void changed();

private:
    QMap<QString, SqlDatabaseList> m_lists; // by server
    QTimer m_notify; // coalesces changed()
};

} // namespace Opsdeck
