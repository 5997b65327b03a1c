#include "timelinefeed.h"

#include "alertengine.h"
#include "drillrunner.h"
#include "drillstore.h"
#include "journal.h"
#include "servicestore.h"
#include "timelinebuilder.h"
#include "timelinemodel.h"

#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcTimeline, "opsdeck.timeline")

namespace Opsdeck {

TimelineFeed::TimelineFeed(TimelineModel *model, const Clock &clock, QObject *parent)
    : QObject(parent)
    , m_model(model)
    , m_clock(clock)
{
    Q_ASSERT(model);
}

void TimelineFeed::attachServices(ServiceStore *store)
{
    if (m_store)
        disconnect(m_store, nullptr, this, nullptr);
    m_store = store;
    m_last.clear();
    m_dirtyRows.clear();
    m_dirtyDetails.clear();
    if (!store)
        return;
    connect(store, &ServiceStore::servicesChanged, this, [this](int first, int last) {
        for (int row = first; row <= last; ++row)
            m_dirtyRows.insert(row);
    });
    connect(store, &ServiceStore::servicesInserted, this, &TimelineFeed::markAll);
    connect(store, &ServiceStore::servicesRemoved, this, &TimelineFeed::markAll);
    connect(store, &ServiceStore::detailsChanged, this,
            [this](const QSet<ServiceKey> &services) { m_dirtyDetails.unite(services); });
    connect(store, &ServiceStore::flushed, this, &TimelineFeed::processServices);
    // What is there now: a baseline for the diffs, and the events and breakers already known.
    markAll();
    processServices();
}

void TimelineFeed::markAll()
{
    m_allDirty = true;
}

void TimelineFeed::processServices()
{
    if (!m_store)
        return;
    const QDateTime now = m_clock.wallNow().toUTC();
    QList<int> rows;
    if (m_allDirty) {
        for (int row = 0; row < m_store->serviceCount(); ++row)
            rows.append(row);
    } else {
        rows = m_dirtyRows.values();
    }
    m_allDirty = false;
    m_dirtyRows.clear();
    QList<TimelineEntry> entries;
    for (int row : std::as_const(rows)) {
        if (row < 0 || row >= m_store->serviceCount())
            continue;
        const ServiceSummary &summary = m_store->serviceAt(row);
        const auto it = m_last.constFind(summary.key);
        const bool known = it != m_last.cend();
        entries += TimelineBuilder::diff(known ? &*it : nullptr, summary, now);
        m_last.insert(summary.key, summary);
        // Breaker transitions arrive with health reports (a summary change); events with details.
        m_dirtyDetails.insert(summary.key);
    }
    m_model->add(entries);
    const QSet<ServiceKey> details = std::exchange(m_dirtyDetails, {});
    for (const ServiceKey &key : details)
        readEventsAndBreakers(key);
}

void TimelineFeed::readEventsAndBreakers(const ServiceKey &key)
{
    if (!m_store || !m_store->service(key))
        return;
    m_model->add(TimelineBuilder::fromEvents(m_store->events(key), key));
    m_model->add(TimelineBuilder::fromBreakerHistory(key, m_store->breakerHistory(key)));
}

void TimelineFeed::attachJournal(Journal *journal)
{
    if (m_journal)
        disconnect(m_journal, nullptr, this, nullptr);
    m_journal = journal;
    if (!journal || !journal->isOpen())
        return;
    connect(journal, &Journal::entryChanged, this, &TimelineFeed::readJournalEntry);
    JournalFilter filter;
    filter.from = m_clock.wallNow().toUTC().addSecs(-JournalHistoryHours * 3600);
    filter.limit = JournalHistoryLimit;
    const auto entries = journal->entries(filter);
    if (!entries) {
        qCWarning(lcTimeline) << "journal not read for the timeline:" << entries.error().message;
        return;
    }
    m_model->add(TimelineBuilder::fromJournal(*entries));
}

void TimelineFeed::readJournalEntry(qint64 id)
{
    if (!m_journal)
        return;
    const auto entry = m_journal->entry(id);
    if (!entry) {
        qCWarning(lcTimeline) << "journal entry" << id
                              << "not read for the timeline:" << entry.error().message;
        return;
    }
    m_model->add(TimelineBuilder::fromJournal({ *entry }));
}

void TimelineFeed::attachAlerts(AlertEngine *alerts)
{
    if (m_alerts)
        disconnect(m_alerts, nullptr, this, nullptr);
    m_alerts = alerts;
    if (!alerts)
        return;
    connect(alerts, &AlertEngine::alertRaised, this,
            [this](const Alert &alert) { m_model->add(TimelineBuilder::raised(alert)); });
    connect(alerts, &AlertEngine::alertEnded, this, [this](const Alert &alert) {
        m_model->add(TimelineBuilder::fromAlerts({ alert })); // raised too: it may predate the attach
    });
    m_model->add(TimelineBuilder::fromAlerts(alerts->history()));
    m_model->add(TimelineBuilder::fromAlerts(alerts->active()));
}

void TimelineFeed::attachCosts(CostStore *costs)
{
    if (m_costs)
        disconnect(m_costs, nullptr, this, nullptr);
    m_costs = costs;
    m_lastCostAlerts.clear();
    if (!costs)
        return;
    connect(costs, &CostStore::alertsChanged, this, &TimelineFeed::readCostAlerts);
    connect(costs, &CostStore::changed, this, &TimelineFeed::readCostAlerts);
    readCostAlerts();
}

void TimelineFeed::readCostAlerts()
{
    if (!m_costs)
        return;
    const QList<CostAlert> now = m_costs->alerts();
    if (now == m_lastCostAlerts)
        return;
    m_model->add(TimelineBuilder::budgetCrossings(m_lastCostAlerts, now, m_clock.wallNow()));
    m_lastCostAlerts = now;
}

void TimelineFeed::attachDrills(DrillRunner *runner, DrillStore *store)
{
    if (m_drills)
        disconnect(m_drills, nullptr, this, nullptr);
    m_drills = runner;
    if (runner) {
        connect(runner, &DrillRunner::runChanged, this,
                [this](const DrillRun &run) { m_model->add(DrillStore::toTimeline({ run })); });
    }
    if (store && store->isOpen()) {
        const QDateTime now = m_clock.wallNow().toUTC();
        const auto runs = store->between(now.addSecs(-JournalHistoryHours * 3600), now);
        if (runs)
            m_model->add(DrillStore::toTimeline(*runs));
        else
            qCWarning(lcTimeline) << "drill runs not read for the timeline:" << runs.error().message;
    }
}

} // namespace Opsdeck
