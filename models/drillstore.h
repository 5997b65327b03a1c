#pragma once

// Drill runs (issue 9 §5) kept in the journal file's `drill_runs` table (schema 3): which fault was
// injected into which service, when, when the matching alert was raised, when the fault was cleared and
// when the service was Healthy again. The Drills panel, `opsdeck drill` and the RCA export (for a time
// window) read them back. Times are stored as ms since the epoch, UTC.
//
// The store opens ITS OWN Qt SQL connection (unique name) on the journal's file, which the Journal has
// already created and migrated; WAL, busy timeout 5 s. Used on one thread (the one that opened it).

#include "error.h"
#include "servicekey.h"
#include "timelineentry.h"

#include <QDateTime>
#include <QList>
#include <QMetaType>
#include <QObject>
#include <QString>

#include <optional>

namespace Opsdeck {

struct DrillRun
{
    qint64 id = 0;            // drill_runs.id; 0 until added
    QString scenario;         // "pod-failure" | "database-failure" | "high-latency" | "bad-canary"
    ServiceKey service;
    QString status;           // "running" | "recovered" | "failed" | "timedOut"
    QDateTime faultAt;        // the fault was injected (the chaos API answered)
    QDateTime detectedAt;     // the matching alert was raised; invalid: not (yet) detected
    QDateTime clearedAt;      // the fault was cleared; invalid: not (yet) cleared
    QDateTime recoveredAt;    // the service Healthy again and its alert ended; invalid: not (yet)
    QString alertId;          // the matching alert's id (Alert::id), empty until detected
    QString error;            // plain text: why it failed / what was missing at the timeout

    // Detection time: faultAt → detectedAt, whole seconds rounded; nullopt while not detected.
    std::optional<qint64> detectedSeconds() const;
    // Recovery time (what is compared with the service's RTO): faultAt → recoveredAt, i.e. the whole
    // outage; nullopt while not recovered.
    std::optional<qint64> recoveredSeconds() const;
    // clearedAt → recoveredAt: how long the service took to heal once the fault was gone.
    std::optional<qint64> healSeconds() const;

    bool isFinished() const { return status != QLatin1String("running"); }

    friend bool operator==(const DrillRun &, const DrillRun &) = default;
};

class DrillStore : public QObject
{
    Q_OBJECT

public:
    explicit DrillStore(QObject *parent = nullptr);
    ~DrillStore() override;

    // Opens a connection on the (already migrated, schema ≥ 3) journal file.
    Result<void> open(const QString &journalPath);
    void close();
    bool isOpen() const { return !m_connection.isEmpty(); }

    // Inserts `run` (its id ignored) and returns the new id.
    Result<qint64> add(const DrillRun &run);
    // Rewrites the row `run.id` (status, times, alert, error).
    Result<void> update(const DrillRun &run);

    // Every run whose [faultAt, recoveredAt or clearedAt or now] overlaps [from, to], oldest first.
    Result<QList<DrillRun>> between(const QDateTime &from, const QDateTime &to) const;
    // The newest `limit` runs of `service`, newest first (an empty ServiceKey: of every service).
    Result<QList<DrillRun>> latest(const ServiceKey &service, int limit) const;

    // Timeline entries (kind Drill) for each run: "fault injected", "detected", "fault cleared",
    // "recovered" (or the failure / timeout), reference "drill:<id>:<phase>".
    static QList<TimelineEntry> toTimeline(const QList<DrillRun> &runs);

Q_SIGNALS:
    // A run was added or updated through this store.
    void runsChanged();

private:
    QString m_connection;
};

// Scenario ids, in the order the UI lists them.
QStringList drillScenarios();

} // namespace Opsdeck

Q_DECLARE_METATYPE(Opsdeck::DrillRun)
