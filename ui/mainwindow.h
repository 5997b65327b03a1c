#pragma once

// Opsdeck's main window: context and namespace pickers, a filter box, the live Services table, a detail
// pane with the selected service's pods and events, a status bar with each context's last update, and
// a Sources dock (cluster connection, loaded plugins, plugin load errors). It only shows models.

#include "connectioninfo.h"
#include "servicekey.h"
#include "timelineentry.h"

#include <QMainWindow>

#include <memory>

class QCheckBox;
class QComboBox;
class QDockWidget;
class QLabel;
class QLineEdit;
class QListView;
class QSortFilterProxyModel;
class QTabWidget;
class QTableView;
class QTimer;

namespace Opsdeck {

class ActionPanel;
class ActionProvider;
class ActionService;
class AlertEngine;
class AlertLog;
class AlertsView;
class Journal;
class JournalView;
class AzureSession;
class CanaryPane;
class CostColumnProxyModel;
class CostStore;
class CostsView;
class DatabasePane;
class DatabaseStore;
class DataSourceTableModel;
class DrillRunner;
class DrillStore;
class DrillsPanel;
class SimChaos;
class EventTableModel;
class HealthPane;
class PodTableModel;
class RcaExportDialog;
class ScopeListModel;
class ServiceFilterProxyModel;
class ServiceStore;
class ServiceTableModel;
class SignInDialog;
class SourceListModel;
class TelemetryStore;
class TimelineModel;
class TimelineView;
class WarRoomWindow;
class TrayIndicator;

class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    MainWindow(SourceListModel *sources, ServiceStore *store, QWidget *parent = nullptr);
    ~MainWindow() override;

    void setConnection(const ConnectionInfo &info);
    ConnectionInfo connection() const { return m_connection; }
    // A short message in the status bar, kept until replaced (the sim died, a plugin failed).
    void showStatus(const QString &text);

    // Selects the service's row (if shown); its pods and events fill the detail pane.
    bool selectService(const ServiceKey &key);
    ServiceKey selectedService() const { return m_selected; }
    // The detail pane's tabs: 0 pods and events, 1 health (the report and the breaker timeline).
    enum DetailTab { PodsTab = 0, HealthTab = 1, CanaryTab = 2, DatabaseTab = 3 };
    void showDetailTab(DetailTab tab);
    HealthPane *healthPane() const { return m_healthPane; }
    // Costs (issue 7): the Costs dock (View → Costs, Ctrl+6) and the Services table's Cost (MTD) column.
    void setCosts(CostStore *costs);
    CostsView *costsView() const { return m_costsView; }
    QDockWidget *costsDock() const { return m_costsDock; }
    // Actions (issue 6): the Actions dock for the selected service (none in read-only mode) and the
    // History dock over the journal (View → History, Ctrl+H), which opens by itself when interrupted
    // actions wait for a decision.
    void setActions(ActionService *service, Journal *journal, bool readOnly);
    // A provider whose permission checks the Actions dock asks for when a service is selected.
    void addActionProvider(ActionProvider *provider);
    ActionPanel *actionPanel() const { return m_actionPanel; }
    JournalView *journalView() const { return m_journalView; }
    QDockWidget *actionsDock() const { return m_actionsDock; }
    QDockWidget *historyDock() const { return m_historyDock; }
    // Telemetry: the Services table's error-rate and p95 columns, the Canary tab, resilience events on the
    // Health tab's breaker timeline. Without it those columns show "—" and there is no Canary tab.
    void setTelemetry(TelemetryStore *telemetry);
    CanaryPane *canaryPane() const { return m_canaryPane; }
    // Point-in-time restore (issue 8): the Database tab of the selected service and its runbook
    // (Ctrl+Shift+B); the restore button only with actions and not read-only.
    void setDatabases(DatabaseStore *databases);
    DatabasePane *databasePane() const { return m_databasePane; }
    // Drills (issue 9 §5, only with --demo or --allow-chaos): the Drills dock, View → Drills (Ctrl+Shift+D).
    void setDrills(DrillRunner *runner, DrillStore *store, SimChaos *chaos);
    QDockWidget *drillsDock() const { return m_drillsDock; }
    DrillsPanel *drillsPanel() const { return m_drillsPanel; }


    // Alerts (issue 9 §2): the Alerts dock (View → Alerts, Ctrl+Shift+E), the count in the window title
    // ("Opsdeck — 2 alerts"), the tray icon with desktop notifications, Settings → Notifications… (Ctrl+,).
    void setAlerts(AlertEngine *engine, AlertLog *log);
    AlertsView *alertsView() const { return m_alertsView; }
    QDockWidget *alertsDock() const { return m_alertsDock; }
    TrayIndicator *trayIndicator() const { return m_trayIndicator; }
    void showNotificationSettings();

    // The merged timeline (issue 9 §3): the Timeline dock (View → Timeline, Ctrl+8). Activating an entry
    // selects its service and the detail tab that fits (openTimelineEntry).
    void setTimeline(TimelineModel *timeline);
    TimelineView *timelineView() const { return m_timelineView; }
    QDockWidget *timelineDock() const { return m_timelineDock; }
    void openTimelineEntry(const ServiceKey &service, const QDateTime &at, TimelineEntry::Kind kind);
    // War-room mode (issue 9 §4, View → War room, F11): full screen over the same models; Esc leaves.
    void setWarRoomSources(TelemetryStore *telemetry, AlertEngine *alerts);
    void showWarRoom();
    WarRoomWindow *warRoom() const { return m_warRoom.get(); }

    // Azure sign-in (File → Azure sign-in…): the session it shows; null: no Azure config.
    void setAzureSession(AzureSession *session) { m_azure = session; }
    SignInDialog *showAzureSignIn();
    // File → Export RCA… (Ctrl+E): the root-cause analysis of a window (the last hour by default) as
    // Markdown or PDF, read from the journal file (actions, alert log, drill runs).
    RcaExportDialog *showRcaExport();

Q_SIGNALS:
    // The user picked a telemetry window on the Canary tab (900, 3600, 21600 or 86400 seconds).
    void telemetryWindowRequested(int seconds);

private:
    QWidget *createFilterBar();
    QWidget *createDetailPane();
    QDockWidget *createSourcesDock();
    void createMenus();
    QTableView *createTable(const QString &accessibleName, const QString &description);
    void onCurrentServiceChanged();
    void updateDetailTitle();
    void updateContextStatus();
    void updateSourcesSummary();
    void onContextsChanged();

    SourceListModel *m_sources;
    ServiceStore *m_store;
    ServiceTableModel *m_serviceModel = nullptr;
    ServiceFilterProxyModel *m_serviceProxy = nullptr;
    PodTableModel *m_podModel = nullptr;
    QSortFilterProxyModel *m_podProxy = nullptr;
    EventTableModel *m_eventModel = nullptr;
    QSortFilterProxyModel *m_eventProxy = nullptr;
    ScopeListModel *m_contextList = nullptr;
    ScopeListModel *m_namespaceList = nullptr;

    ConnectionInfo m_connection;
    ServiceKey m_selected;
    bool m_columnsSized = false;

    QComboBox *m_contextPicker = nullptr;
    QComboBox *m_namespacePicker = nullptr;
    QLineEdit *m_filter = nullptr;
    QCheckBox *m_onlyProblems = nullptr;
    QTableView *m_services = nullptr;
    QLabel *m_detailTitle = nullptr;
    QTableView *m_pods = nullptr;
    QTableView *m_events = nullptr;
    QTabWidget *m_detailTabs = nullptr;
    HealthPane *m_healthPane = nullptr;
    ActionPanel *m_actionPanel = nullptr;
    JournalView *m_journalView = nullptr;
    QDockWidget *m_actionsDock = nullptr;
    QDockWidget *m_historyDock = nullptr;
    CanaryPane *m_canaryPane = nullptr;
    DatabasePane *m_databasePane = nullptr;
    ActionService *m_actionService = nullptr; // for the Database tab's runbook
    Journal *m_journal = nullptr;
    bool m_readOnly = false;
    DataSourceTableModel *m_dataSources = nullptr;
    QTableView *m_dataSourceView = nullptr;
    QDockWidget *m_sourcesDock = nullptr;
    QLabel *m_context = nullptr;
    QLabel *m_server = nullptr;
    QLabel *m_version = nullptr;
    QLabel *m_state = nullptr;
    QLabel *m_message = nullptr;
    QListView *m_plugins = nullptr;
    QLabel *m_sourcesSummary = nullptr;
    QLabel *m_statusText = nullptr;
    QLabel *m_contextStatus = nullptr;
    QTimer *m_clock = nullptr;
    CostColumnProxyModel *m_costColumn = nullptr;
    CostsView *m_costsView = nullptr;
    QDockWidget *m_costsDock = nullptr;
    AzureSession *m_azure = nullptr;
    TimelineModel *m_timeline = nullptr;
    TimelineView *m_timelineView = nullptr;
    QDockWidget *m_timelineDock = nullptr;
    TelemetryStore *m_warRoomTelemetry = nullptr;
    AlertEngine *m_warRoomAlerts = nullptr;
    std::unique_ptr<WarRoomWindow> m_warRoom; // a window of its own (its own screen), not a child
    QDockWidget *m_drillsDock = nullptr;
    DrillsPanel *m_drillsPanel = nullptr;
    AlertEngine *m_alertEngine = nullptr;
    AlertsView *m_alertsView = nullptr;
    QDockWidget *m_alertsDock = nullptr;
    TrayIndicator *m_trayIndicator = nullptr;
    QString m_baseTitle; // the title without the alert count
};

} // namespace Opsdeck
