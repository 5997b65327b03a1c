#pragma once

// Owns the running data sources: one QThread per source, the source moved there and started with a
// queued call; stopped in reverse order of start (stop(), deleted on its own thread, quit, wait).
// Only values cross back: batches and statuses are re-emitted on the host's (GUI) thread.

#include "datasource.h"
#include "observation.h"
#include "sourcestatus.h"

#include <QObject>
#include <QStringList>

#include <memory>
#include <vector>

class QThread;

namespace Opsdeck {

class SourceHost : public QObject
{
    Q_OBJECT

public:
    explicit SourceHost(QObject *parent = nullptr);
    ~SourceHost() override; // stops everything

    // Takes a configured source (its sourceId must be unique here). Started at once if the host runs.
    Result<void> add(std::unique_ptr<DataSource> source);
    void startAll();
    void stopAll();
    // Stops and deletes one source (e.g. to start it again with new credentials). False if unknown.
    bool remove(const QString &sourceId);
    // Queued onto the source's thread (DataSource::refresh / setOption). False if the id is unknown.
    bool refresh(const QString &sourceId);
    bool setOption(const QString &sourceId, const QString &name, const QVariant &value);

    QStringList sourceIds() const;
    bool isRunning() const { return m_running; }

Q_SIGNALS:
    void observationsReady(const Opsdeck::ObservationBatch &batch);
    void statusChanged(const QString &sourceId, const Opsdeck::SourceStatus &status);

private:
    struct Entry
    {
        QString id;
        DataSource *source = nullptr; // owned; deleted on its thread once started
        QThread *thread = nullptr;    // null until started
    };

    void startEntry(Entry &entry);
    void stopEntry(Entry &entry);
    Entry *find(const QString &sourceId);

    std::vector<Entry> m_entries; // in start order
    bool m_running = false;
};

} // namespace Opsdeck
