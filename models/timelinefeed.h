#pragma once

// Feeds the merged timeline from the live estate (issue 9 §3): ServiceStore (Kubernetes Events, breaker
// transitions, and scaling/rollout/canary-weight/health changes diffed per flush), the action journal,
// the alert engine, the budget alerts and drill runs. Keeps only what a diff needs (each service's previous
// summary); the entries themselves live in TimelineModel, which coalesces them.

#include "clock.h"
#include "coststore.h"
#include "servicesummary.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QSet>

namespace Opsdeck {

class AlertEngine;
class DrillRunner;
class DrillStore;
class Journal;
class ServiceStore;
class TimelineModel;

class TimelineFeed : public QObject
{
    Q_OBJECT

public:
    explicit TimelineFeed(TimelineModel *model, const Clock &clock = Clock::system(),
                          QObject *parent = nullptr);

    // How far back the journal is read when attached.
    static constexpr int JournalHistoryHours = 24;
    static constexpr int JournalHistoryLimit = 1000;

    // Each reads what is there now, then follows the source's signals. Any may be called again with
    // another object (the previous one is let go); null detaches.
    void attachServices(ServiceStore *store);
    void attachJournal(Journal *journal);
    void attachAlerts(AlertEngine *alerts);
    void attachCosts(CostStore *costs);
    // Drill runs: the store's runs of the last JournalHistoryHours, then the runner's live changes.
    void attachDrills(DrillRunner *runner, DrillStore *store);

public Q_SLOTS:
    // Diffs the services marked since the last call (ServiceStore::flushed calls it).
    void processServices();

private:
    void markAll();
    void readEventsAndBreakers(const ServiceKey &key);
    void readJournalEntry(qint64 id);
    void readCostAlerts();

    TimelineModel *m_model;
    const Clock &m_clock;
    QPointer<ServiceStore> m_store;
    QPointer<Journal> m_journal;
    QPointer<AlertEngine> m_alerts;
    QPointer<CostStore> m_costs;
    QPointer<DrillRunner> m_drills;
    QHash<ServiceKey, ServiceSummary> m_last; // each service as last diffed
    QSet<int> m_dirtyRows;
    QSet<ServiceKey> m_dirtyDetails;
    bool m_allDirty = false;
    QList<CostAlert> m_lastCostAlerts;
};

} // namespace Opsdeck
