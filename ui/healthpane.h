#pragma once

// The detail pane's Health tab: the selected service's /health report (a summary line, then a table of
// entries — check, track, status, duration, description, all plain text) and its circuit breakers over
// the last hours (a painted timeline and, as its textual alternative, a table of transitions).

#include "servicekey.h"

#include <QWidget>

class QLabel;
class QSortFilterProxyModel;
class QTableView;

namespace Opsdeck {

class BreakerHistoryModel;
class BreakerTimeline;
class HealthEntryTableModel;
class ServiceStore;
class TelemetryStore;

class HealthPane : public QWidget
{
    Q_OBJECT

public:
    explicit HealthPane(ServiceStore *store, QWidget *parent = nullptr);

    void setService(const ServiceKey &key);
    // Resilience events (telemetry's resilience:* series) join the breaker timeline.
    void setTelemetry(TelemetryStore *telemetry);

    QTableView *entriesView() const { return m_entries; }
    QTableView *historyView() const { return m_history; }
    BreakerTimeline *timeline() const { return m_timeline; }
    QLabel *summaryLabel() const { return m_summary; }
    HealthEntryTableModel *entriesModel() const { return m_entryModel; }
    BreakerHistoryModel *historyModel() const { return m_historyModel; }

private:
    void updateSummary();
    void updateResilienceEvents();

    HealthEntryTableModel *m_entryModel;
    BreakerHistoryModel *m_historyModel;
    QSortFilterProxyModel *m_entryProxy;
    QLabel *m_summary;
    QTableView *m_entries;
    BreakerTimeline *m_timeline;
    QTableView *m_history;
    TelemetryStore *m_telemetry = nullptr;
};

} // namespace Opsdeck
